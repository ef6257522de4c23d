import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { closeDatabase } from "@/lib/db/client";
import { withContext, withContextClient } from "@/lib/db/tenant";
import { progressEvents, runProgress, type RunProgress } from "@/lib/matching/progress";
import { createOrganisation, daysFromToday } from "../factories";

afterAll(closeDatabase);

async function newRun(): Promise<string> {
  const owner = await createOrganisation({ kind: "county_council" });
  const agreementId = await withContext(
    { kind: "system", purpose: "test" },
    async (tx) =>
      (
        await tx.agreement.create({
          data: {
            slug: `ux-${randomUUID().slice(0, 8)}`,
            name: "t",
            purpose: "t",
            ownerOrgId: owner.id,
            startDate: daysFromToday(-30),
            reviewDate: daysFromToday(335),
            endDate: daysFromToday(700),
          },
        })
      ).id,
  );
  return withContextClient(
    { kind: "matching" },
    async (c) =>
      (await c.query<{ id: string }>(`INSERT INTO matching_run (agreement_id, trigger) VALUES ($1, 'on-demand') RETURNING id`, [agreementId]))
        .rows[0]!.id,
  );
}

const setRun = (id: string, status: string, progress: number, stage: string) =>
  withContextClient({ kind: "matching" }, (c) =>
    c.query(`UPDATE matching_run SET status = $2, progress = $3, stage = $4 WHERE id = $1`, [id, status, progress, stage]),
  );

describe("live matching progress", () => {
  it("streams each change of a run until it finishes, then ends", async () => {
    const id = await newRun();
    const ctx = { kind: "researcher" as const, userId: randomUUID() };
    const seen: RunProgress[] = [];
    const reading = (async () => {
      for await (const p of progressEvents(ctx, id, { intervalMs: 50, maxMs: 20_000 })) seen.push(p);
    })();
    // Each change waits until the stream has reported the previous one (the machine may be slow).
    const seenCount = async (n: number) => {
      while (seen.length < n) await new Promise((r) => setTimeout(r, 20));
    };
    await seenCount(1);
    await setRun(id, "running", 40, "Linking households");
    await seenCount(2);
    await setRun(id, "succeeded", 100, "Finished");
    await reading;
    expect(seen[0]).toMatchObject({ status: "queued", progress: 0 });
    expect(seen.map((p) => `${p.status} ${p.progress}`)).toEqual(["queued 0", "running 40", "succeeded 100"]);
    expect(seen.at(-1)!.stage).toBe("Finished");
  });

  it("knows no run for a malformed or unknown id", async () => {
    const ctx = { kind: "researcher" as const, userId: randomUUID() };
    expect(await runProgress(ctx, "not-a-uuid")).toBeNull();
    expect(await runProgress(ctx, randomUUID())).toBeNull();
  });
});
