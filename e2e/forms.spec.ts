// The one form pattern (docs/decisions/100-one-request-path.md): a server action with
// useActionState, the shared error summary and fields. Problems come back beside the fields with
// what was typed, with JavaScript and without it.
import { expect, test } from "@playwright/test";
import { signIn } from "./support/auth";

test("an administration form answers problems in place, with and without JavaScript", async ({ browser }) => {
  const withJs = await browser.newContext();
  const page = await withJs.newPage();
  await signIn(page, "administrator");

  // With JavaScript: the state comes back without a page load.
  await page.goto("/admin/organisations");
  await page.getByLabel("Data protection contact (optional)").fill("not an address");
  await page.getByRole("button", { name: "Add the organisation" }).click();
  const summary = page.getByRole("alert", { name: "There is a problem" });
  await expect(summary).toContainText("Kind:");
  await expect(summary).toContainText("Data protection contact:");
  await expect(page.getByLabel("Data protection contact (optional)")).toHaveValue("not an address");
  await expect(page.getByLabel("Kind")).toHaveAttribute("aria-invalid", "true");
  await summary.getByRole("link").first().click();

  // Without JavaScript, in the same session: the form posts and the page answers with the same state.
  const noJs = await browser.newContext({ javaScriptEnabled: false, storageState: await withJs.storageState() });
  const plain = await noJs.newPage();
  await plain.goto("/admin/password-policy");
  const minLength = plain.getByLabel("Minimum length");
  await minLength.fill("5");
  await plain.getByRole("button", { name: "Save the policy" }).click();
  await expect(plain.getByRole("alert", { name: "There is a problem" })).toContainText("Minimum length: must be 12 or more");
  await expect(plain.getByLabel("Minimum length")).toHaveValue("5");
  await expect(plain.locator("#minLength-error")).toContainText("must be 12 or more");

  await noJs.close();
  await withJs.close();
});
