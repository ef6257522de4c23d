import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { closeDatabase } from "@/lib/db/client";
import { inboxLockName } from "@/lib/db/locks";
import { inboxFormSchema, saveInbox } from "@/lib/sftp/inbox";
import { pollInbox } from "@/lib/sftp/poll";
import { createSupplierOrganisation } from "../factories";
import { makeTempDataDir } from "../ingest/helpers";

makeTempDataDir();
afterAll(() => closeDatabase());

/** An inbox on a port nothing listens on: a poll that gets as far as connecting says so. */
async function unreachableInbox(orgId: string) {
  const form = inboxFormSchema.parse({
    orgId,
    host: "127.0.0.1",
    port: "1",
    username: "partner",
    authMethod: "password",
    credential: "not-used",
    hostKeyFingerprint: "SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s",
    directory: "/upload",
    enabled: "on",
    pollIntervalMinutes: "15",
  });
  const saved = await saveInbox({ kind: "admin", userId: crypto.randomUUID() }, { label: "test-admin" }, form);
  if (!saved.ok) throw new Error(saved.message);
  return saved.id;
}

describe("SFTP polling with two portal instances on one database", () => {
  it("does not poll an inbox another instance is polling, and polls it once that one is done", async () => {
    const org = await createSupplierOrganisation();
    const id = await unreachableInbox(org.id);
    // The other instance: its own connection holding the inbox's lock, as its poll would.
    const other = new pg.Client({ connectionString: process.env.DATABASE_APP_URL });
    await other.connect();
    try {
      await other.query("SELECT pg_advisory_lock(hashtextextended($1, 0))", [inboxLockName(id)]);
      const skipped = await pollInbox(id);
      expect(skipped.message).toBe("A poll of this inbox is already running on another portal instance.");
      expect(skipped.files).toEqual([]);

      await other.query("SELECT pg_advisory_unlock(hashtextextended($1, 0))", [inboxLockName(id)]);
      const polled = await pollInbox(id);
      expect(polled.ok).toBe(false);
      expect(polled.message).toMatch(/could not be reached/);
    } finally {
      await other.end();
    }
  });

  it("releases the lock when the poll ends, even when it fails", async () => {
    const org = await createSupplierOrganisation();
    const id = await unreachableInbox(org.id);
    await pollInbox(id);
    const probe = new pg.Client({ connectionString: process.env.DATABASE_APP_URL });
    await probe.connect();
    try {
      const r = await probe.query("SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS ok", [inboxLockName(id)]);
      expect(r.rows[0].ok).toBe(true);
    } finally {
      await probe.end();
    }
  });
});
