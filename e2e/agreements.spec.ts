import { expect, test } from "@playwright/test";
import { signIn } from "./support/auth";
import { expectNoSeriousA11yViolations } from "./support/axe";

// Essex Police supplies police-crime under the Essex pilot; housing benefits are Basildon's.
const HB_CSV =
  "address_key,council_tax_band,council_tax_reduction_pct,council_tax_reduction_gbp,housing_benefit_gbp,tenure,arrears_gbp," +
  "social_housing,child_benefit,child_tax_credits,lone_parent_premium,incapacity_benefit,long_term_family_premium," +
  "employment_income_gross_weekly,employment_income_net_weekly,self_employment_income_gross_weekly,self_employment_income_net_weekly," +
  "earned_income_disregard_weekly,childcare_disregard_weekly\n" +
  `${"ab".repeat(32)},C,25,312.50,1820.00,social_rented,,Y,Y,N,N,N,N,250.00,200.00,,,20.00,\n`;
const REFUSAL = /Essex Police is not named as the supplier of .* in any data-sharing agreement, so the file was refused and nothing was stored/;

test("a police analyst cannot upload housing data", async ({ page, baseURL }) => {
  await signIn(page, "partner_analyst", { org: "essex-police" });
  await page.goto("/uploads/new");
  await expect(page.getByRole("heading", { level: 1, name: "Upload a file" })).toBeVisible();
  // Offered: only what the agreement names Essex Police as supplying.
  const offered = await page
    .getByLabel("Dataset")
    .locator("option")
    .evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value).filter(Boolean));
  expect(offered).toEqual(["police-crime"]);

  // A crafted form POST (as the page would send without JavaScript) is refused with the reason...
  const origin = new URL(baseURL!).origin;
  const form = await page.request.post("/api/uploads/form", {
    headers: { origin },
    multipart: { dataset: "housing-benefits", file: { name: "housing-benefits.csv", mimeType: "text/csv", buffer: Buffer.from(HB_CSV) } },
    maxRedirects: 0,
  });
  expect(form.status()).toBe(303);
  const location = form.headers()["location"]!;
  await page.goto(location);
  await expect(page.getByText(REFUSAL)).toBeVisible();
  await expectNoSeriousA11yViolations(page);

  // ...and so is the streaming upload the page uses with JavaScript, before the body is read.
  const api = await page.request.post("/api/uploads?dataset=housing-benefits&filename=housing-benefits.csv", {
    headers: { origin, "content-type": "text/csv" },
    data: Buffer.from(HB_CSV),
  });
  expect(api.status()).toBe(403);
  expect(await api.json()).toMatchObject({ error: "agreement-not-supplier", message: expect.stringMatching(REFUSAL) });

  // Nothing was stored: the organisation's uploads list has no housing batch.
  await page.goto("/uploads");
  await expect(page.getByRole("heading", { level: 1, name: "Your uploads" })).toBeVisible();
  await expect(page.getByText("housing-benefits.csv")).toHaveCount(0);
});
