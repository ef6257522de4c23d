import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import fc from "fast-check";
import { expect, test, type Page, type Request } from "@playwright/test";
import { runPseudonymiseCli } from "../lib/pseudonymise/cli";
import { signIn } from "./support/auth";
import { expectNoSeriousA11yViolations } from "./support/axe";

const HB_COLUMNS = [
  "council_tax_band",
  "council_tax_reduction_pct",
  "council_tax_reduction_gbp",
  "housing_benefit_gbp",
  "tenure",
  "arrears_gbp",
  "social_housing",
  "child_benefit",
  "child_tax_credits",
  "lone_parent_premium",
  "incapacity_benefit",
  "long_term_family_premium",
  "employment_income_gross_weekly",
  "employment_income_net_weekly",
  "self_employment_income_gross_weekly",
  "self_employment_income_net_weekly",
  "earned_income_disregard_weekly",
  "childcare_disregard_weekly",
];

/** A raw housing extract as a council system writes it: clear addresses, its own column names. */
function rawHousing(rows: number, tag: string) {
  const header = ["Claim Ref", "Addr Line 1", "Post Code", "Band", "Tenure", ...HB_COLUMNS.filter((c) => c !== "council_tax_band" && c !== "tenure")];
  const lines = [header.join(",")];
  const identifiers: string[] = [];
  for (let i = 0; i < rows; i++) {
    const addr = `${i + 1} ${tag} Road`;
    const postcode = `SS16 ${String(i % 10)}${tag.slice(0, 2).toUpperCase()}`;
    identifiers.push(addr);
    lines.push(
      [
        `CR${tag}${i}`,
        `"${addr}"`,
        postcode,
        "C",
        "social_rented",
        "25",
        "312.50",
        "1820.00",
        "",
        "Y",
        "Y",
        "N",
        "N",
        "N",
        "N",
        "250.00",
        "200.00",
        "",
        "",
        "20.00",
        "",
      ].join(","),
    );
  }
  return { csv: Buffer.from(`${lines.join("\r\n")}\r\n`, "utf8"), identifiers };
}

const housingMapping = {
  format: "essex-pseudonymise-mapping/1",
  dataset: "housing-benefits",
  keys: {
    address_key: [
      { heading: "address_line_1", column: "Addr Line 1" },
      { heading: "postcode", column: "Post Code", transform: "uppercase" },
    ],
  },
  columns: {
    council_tax_band: { column: "Band" },
    tenure: { column: "Tenure" },
    ...Object.fromEntries(HB_COLUMNS.filter((c) => c !== "council_tax_band" && c !== "tenure").map((c) => [c, { column: c }])),
  },
  drop: ["Claim Ref"],
};

interface Seen {
  url: string;
  method: string;
  headers: string;
  body: Buffer;
}

function record(page: Page): Seen[] {
  const seen: Seen[] = [];
  const onRequest = (r: Request) => {
    seen.push({ url: r.url(), method: r.method(), headers: JSON.stringify(r.headers()), body: r.postDataBuffer() ?? Buffer.alloc(0) });
  };
  page.context().on("request", onRequest);
  return seen;
}

function carries(s: Seen, needle: string): boolean {
  const n = Buffer.from(needle, "utf8");
  return s.url.includes(needle) || s.url.includes(encodeURIComponent(needle)) || s.headers.includes(needle) || s.body.includes(n);
}

async function cli(input: Buffer, mapping: object, salt: string, dataset: string): Promise<Buffer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pseudo-e2e-"));
  fs.writeFileSync(path.join(dir, "in.csv"), input);
  fs.writeFileSync(path.join(dir, "map.json"), JSON.stringify(mapping));
  fs.writeFileSync(path.join(dir, "salt.txt"), salt);
  const chunks: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk);
      done();
    },
  });
  const code = await runPseudonymiseCli(
    ["--dataset", dataset, "--map", path.join(dir, "map.json"), "--salt-file", path.join(dir, "salt.txt"), path.join(dir, "in.csv")],
    sink,
    () => undefined,
  );
  fs.rmSync(dir, { recursive: true, force: true });
  return code === 0 ? Buffer.concat(chunks) : Buffer.from(`refused (exit ${code})`);
}

async function pseudonymiseInPage(page: Page, file: Buffer, mapping: object, salt: { typed?: string; file?: Buffer }) {
  await page.getByLabel("CSV file from your system").setInputFiles({ name: "extract.csv", mimeType: "text/csv", buffer: file });
  await expect(page.getByText(/extract\.csv: .*columns\./)).toBeVisible();
  await page
    .getByLabel("Load a saved mapping (optional)")
    .setInputFiles({ name: "mapping.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify(mapping)) });
  await expect(page.getByText("Mapping loaded from mapping.json.")).toBeVisible();
  if (salt.typed !== undefined) await page.getByLabel("Salt (the secret key agreed with your partners)").fill(salt.typed);
  if (salt.file)
    await page
      .getByLabel("Or load the salt from a file on this computer")
      .setInputFiles({ name: "salt.txt", mimeType: "text/plain", buffer: salt.file });
  await expect(page.getByTestId("salt-fingerprint")).toBeVisible();
  await page.getByRole("button", { name: "Pseudonymise", exact: true }).click();
  await expect(page.getByRole("heading", { name: /^Pseudonymised|could not be pseudonymised/ })).toBeVisible({ timeout: 120_000 });
}

async function downloadOutput(page: Page): Promise<Buffer> {
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download the pseudonymised file" }).click()]);
  return fs.readFileSync((await download.path())!);
}

test("the file, the salt and the digests never leave the page until the analyst uploads; the upload carries only the output", async ({ page }) => {
  test.setTimeout(600_000);
  await signIn(page, "partner_analyst");
  const seen = record(page);
  await page.goto("/pseudonymise");
  await expect(page.getByRole("heading", { level: 1, name: "Pseudonymise a file" })).toBeVisible();
  await expectNoSeriousA11yViolations(page);

  const tag = `Zq${Date.now().toString(36)}`;
  const { csv, identifiers } = rawHousing(3000, tag);
  const salt = `e2e-${tag}-Salt!42-long-enough`;
  // Offline from here: hashing must need nothing from the network.
  await page.context().setOffline(true);
  await pseudonymiseInPage(page, csv, housingMapping, { typed: salt });
  await expect(page.getByRole("heading", { name: "Pseudonymised: ready to upload" })).toBeVisible();
  const output = await downloadOutput(page);
  await page.context().setOffline(false);
  await expectNoSeriousA11yViolations(page);

  // The browser's output is the CLI's, byte for byte.
  expect(output.equals(await cli(csv, housingMapping, salt, "housing-benefits"))).toBe(true);
  const digests = output
    .toString("utf8")
    .split("\r\n")
    .slice(1, -1)
    .map((l) => l.slice(0, 64));
  expect(digests).toHaveLength(3000);
  const secrets = [salt, ...identifiers.slice(0, 200), `CR${tag}`, tag];
  const digestSample = [...digests.slice(0, 300), ...digests.slice(0, 50).map((d) => d.toLowerCase())];
  // Collected first and asserted once: the same check, without thousands of expect calls.
  const leaks = seen.flatMap((s) =>
    [...secrets, ...digestSample].filter((x) => carries(s, x)).map((x) => `${s.method} ${s.url} carries ${x.slice(0, 12)}…`),
  );
  expect(leaks).toEqual([]);
  // Not even a fingerprint of the raw file: its first bytes never appear in any request.
  expect(seen.filter((s) => s.body.includes(csv.subarray(0, 40))).map((s) => s.url)).toEqual([]);
  const before = seen.length;

  await page.getByRole("button", { name: "Upload to the portal" }).click();
  await expect(page.getByRole("heading", { name: "File loaded" })).toBeVisible({ timeout: 120_000 });
  const uploads = seen.slice(before).filter((s) => s.method === "POST" && s.url.includes("/api/uploads"));
  expect(uploads).toHaveLength(1);
  // Chromium does not hand a Blob request body to Playwright, so the upload's content is checked
  // where it landed: the portal stored exactly the bytes the page produced.
  await page.getByRole("link", { name: "See the full result" }).click();
  const stored = page.locator("dt", { hasText: "SHA-256" }).locator("xpath=following-sibling::dd[1]");
  await expect(stored).toHaveText(createHash("sha256").update(output).digest("hex"));
  const after = seen
    .slice(before)
    .flatMap((s) =>
      [...secrets, ...(s === uploads[0] ? [] : digestSample)]
        .filter((x) => carries(s, x))
        .map((x) => `${s.method} ${s.url} carries ${x.slice(0, 12)}…`),
    );
  expect(after).toEqual([]);
  await expectNoSeriousA11yViolations(page);
});

test("bad input gets a clear message: not a CSV, a mapping without a key, an empty salt, blank identifiers", async ({ page }) => {
  test.setTimeout(300_000);
  // Next.js's own route announcer is also role=alert: the page's error summary is the one meant.
  const problems = page.locator(".error-summary");
  await signIn(page, "partner_analyst");
  await page.goto("/pseudonymise");
  // Not a CSV: a ZIP (an .xlsx workbook starts the same way).
  await page
    .getByLabel("CSV file from your system")
    .setInputFiles({ name: "book.xlsx", mimeType: "text/csv", buffer: Buffer.from("PK\u0003\u0004 binary", "latin1") });
  await expect(problems).toContainText("This file is not a CSV: it is a ZIP archive or an Excel workbook");

  const { csv } = rawHousing(5, "Bad");
  await page.getByLabel("CSV file from your system").setInputFiles({ name: "extract.csv", mimeType: "text/csv", buffer: csv });
  await expect(page.getByText(/extract\.csv: .*21 columns\./)).toBeVisible();
  const noKey = { ...housingMapping, keys: {} };
  await page
    .getByLabel("Load a saved mapping (optional)")
    .setInputFiles({ name: "mapping.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify(noKey)) });
  await page.getByRole("button", { name: "Pseudonymise", exact: true }).click();
  await expect(problems).toContainText("The mapping does not say which of your columns make address_key");
  await expect(problems).toContainText("Enter the salt");
  await expectNoSeriousA11yViolations(page);

  const blanks = Buffer.from(
    csv
      .toString("utf8")
      .replace(/\r\n2 Bad Road"?,SS16 1BA/, "\r\n,")
      .replace('"2 Bad Road",SS16 1BA', '"",'),
  );
  await pseudonymiseInPage(page, blanks, housingMapping, { typed: "short" });
  await expect(page.getByText("This salt looks weak.")).toBeVisible();
  await expect(
    page.getByText(/Dropped 1 row\(s\): address_key: every identifier of address_key is blank, so it cannot be pseudonymised \(line 3\)/),
  ).toBeVisible();
});

test("browser and CLI give byte-identical output on random values (Unicode, blanks, quotes, commas, line breaks)", async ({ page }) => {
  test.setTimeout(300_000);
  await signIn(page, "partner_analyst");
  await page.goto("/pseudonymise");
  const mapping = {
    format: "essex-pseudonymise-mapping/1",
    dataset: "social-care",
    keys: {
      person_key: [
        { heading: "forename", column: "a" },
        { heading: "surname", column: "b" },
        { heading: "nhs_number", column: "c", transform: "nhs-number" },
      ],
      address_key: [
        { heading: "address_line_1", column: "d" },
        { heading: "postcode", column: "e", transform: "uppercase" },
      ],
    },
    columns: {
      birth_month: { derive: "month", column: "f", date: "DD/MM/YYYY" },
      start_date: { column: "g" },
      end_date: { column: "h" },
    },
  };
  const text = fc.string({ unit: "grapheme", maxLength: 12 });
  const spicy = fc.oneof(
    text,
    fc.constantFrom("", " ", "\t", " a b ", '"', '""', ",", "a,b", "x\ny", "x\r\ny", "Zoë", "ß", "😀", "\u00a0", "943 476 5919"),
  );
  const date = fc.date({ min: new Date("1990-01-01"), max: new Date("2030-12-31"), noInvalidDate: true });
  const row = fc.tuple(spicy, spicy, spicy, spicy, spicy, date, date, spicy);
  const quote = (v: string) => (/[",\r\n]|^\s|\s$/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
  const dmy = (d: Date) => `${String(d.getUTCDate()).padStart(2, "0")}/${String(d.getUTCMonth() + 1).padStart(2, "0")}/${d.getUTCFullYear()}`;
  const salt = fc.string({ unit: "grapheme", minLength: 1, maxLength: 20 }).filter((s) => !/\r?\n$/.test(s) && !s.startsWith("\uFEFF"));
  await fc.assert(
    fc.asyncProperty(fc.array(row, { minLength: 1, maxLength: 60 }), salt, fc.constantFrom("\n", "\r\n"), async (rows, s, eol) => {
      const lines = [
        "a,b,c,d,e,f,g,h",
        ...rows.map(([a, b, c, d, e, f, g, h]) => [a, b, c, d, e, dmy(f), g.toISOString().slice(0, 10), h].map(quote).join(",")),
      ];
      const csv = Buffer.from(lines.join(eol) + eol, "utf8");
      await pseudonymiseInPage(page, csv, mapping, { file: Buffer.from(s, "utf8") });
      const expected = await cli(csv, mapping, s, "social-care");
      if (expected.toString().startsWith("refused")) {
        await expect(page.getByRole("heading", { name: "The file could not be pseudonymised" })).toBeVisible();
        return;
      }
      expect((await downloadOutput(page)).equals(expected)).toBe(true);
    }),
    { numRuns: 6 },
  );
});

test("once loaded, the page opens and hashes again with no network at all", async ({ page }) => {
  test.setTimeout(300_000);
  await signIn(page, "partner_analyst");
  await page.goto("/pseudonymise");
  // The service worker has taken the page over (and cached it and its scripts).
  await expect.poll(() => page.evaluate(async () => (await navigator.serviceWorker.ready).active?.state), { timeout: 30_000 }).toBe("activated");
  await page.reload();
  await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null), { timeout: 30_000 }).toBe(true);

  await page.context().setOffline(true);
  await page.reload();
  await expect(page.getByRole("heading", { level: 1, name: "Pseudonymise a file" })).toBeVisible();
  const { csv } = rawHousing(50, `Off${Date.now().toString(36)}`);
  await pseudonymiseInPage(page, csv, housingMapping, { typed: "offline-e2e-Salt!42-long-enough" });
  await expect(page.getByRole("heading", { name: "Pseudonymised: ready to upload" })).toBeVisible();
  const output = await downloadOutput(page);
  expect(output.toString("utf8").split("\r\n").slice(1, -1)).toHaveLength(50);
  await page.context().setOffline(false);
});
