import { afterAll, describe, expect, it } from "vitest";
import { closeDatabase } from "@/lib/db/client";
import { withContextClient } from "@/lib/db/tenant";
import { sshFingerprint, normaliseFingerprint } from "@/lib/sftp/fingerprint";
import { inboxFormSchema, listInboxes, loadInboxForPolling, saveInbox } from "@/lib/sftp/inbox";
import { decryptCredential, encryptCredential } from "@/lib/sftp/secret";
import { dueInboxes } from "@/lib/sftp/poll";
import { createOrganisation } from "../factories";
import { makeTempDataDir } from "../ingest/helpers";

makeTempDataDir();
afterAll(closeDatabase);

const KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmU=\n-----END OPENSSH PRIVATE KEY-----\n";
const FP = "SHA256:" + "uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s";

describe("SFTP inbox configuration", () => {
  it("computes fingerprints as OpenSSH prints them and normalises what administrators paste", () => {
    expect(sshFingerprint(Buffer.from("abc"))).toBe("SHA256:ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0");
    expect(normaliseFingerprint(`  ${FP}=  `)).toBe(FP);
    expect(normaliseFingerprint("MD5:aa:bb")).toBeNull();
  });

  it("stores the credential encrypted and gives it back only to the poller", async () => {
    const sealed = encryptCredential(KEY);
    expect(sealed).not.toContain("OPENSSH");
    expect(decryptCredential(sealed)).toBe(KEY);
    const [v, iv, tag, body] = sealed.split(".");
    const flipped = Buffer.from(body!, "base64");
    flipped[0] = flipped[0]! ^ 1;
    expect(() => decryptCredential([v, iv, tag, flipped.toString("base64")].join("."))).toThrow(/cannot be decrypted/);

    const org = await createOrganisation();
    const form = inboxFormSchema.parse({
      orgId: org.id,
      host: "sftp.example.org",
      port: "2222",
      username: "essex",
      authMethod: "private_key",
      credential: KEY,
      hostKeyFingerprint: FP,
      directory: "/upload",
      enabled: "on",
      pollIntervalMinutes: "30",
    });
    const saved = await saveInbox({ kind: "admin", userId: crypto.randomUUID() }, { label: "admin" }, form);
    expect(saved.ok).toBe(true);
    const raw = await withContextClient(
      { kind: "admin", userId: crypto.randomUUID() },
      async (c) => (await c.query(`SELECT credential_encrypted FROM sftp_inbox WHERE org_id = $1`, [org.id])).rows[0],
    );
    expect(raw.credential_encrypted).not.toContain("OPENSSH");
    const listed = (await listInboxes({ kind: "admin", userId: crypto.randomUUID() })).find((i) => i.orgId === org.id)!;
    expect(listed).toMatchObject({ host: "sftp.example.org", port: 2222, pollIntervalMinutes: 30 });
    expect(JSON.stringify(listed)).not.toContain("OPENSSH");
    expect((await loadInboxForPolling(listed.id))!.credential).toBe(KEY);

    // Saving again without a credential keeps the stored one; organisations never see inboxes.
    const again = await saveInbox({ kind: "admin", userId: crypto.randomUUID() }, { label: "admin" }, { ...form, credential: "", port: 22 });
    expect(again).toEqual({ ok: true, id: listed.id });
    expect((await loadInboxForPolling(listed.id))!.credential).toBe(KEY);
    const seenByOrg = await withContextClient(
      { kind: "org", orgId: org.id },
      async (c) => (await c.query(`SELECT count(*)::int AS n FROM sftp_inbox`)).rows[0].n,
    );
    expect(seenByOrg).toBe(0);
  });

  it("explains every bad field", () => {
    const r = inboxFormSchema.safeParse({
      orgId: "x",
      host: "bad host",
      port: "0",
      username: "",
      authMethod: "private_key",
      credential: "not a key",
      hostKeyFingerprint: "ab:cd",
      directory: "/a/../b",
      pollIntervalMinutes: "0",
    });
    expect(r.success).toBe(false);
    const fields = new Set(r.error!.issues.map((i) => String(i.path[0])));
    for (const f of ["orgId", "host", "port", "username", "hostKeyFingerprint", "directory", "pollIntervalMinutes"]) expect(fields).toContain(f);
  });

  it("polls enabled inboxes whose interval has passed, and no others", async () => {
    const admin = { kind: "admin" as const, userId: crypto.randomUUID() };
    const make = async (over: { enabled: boolean }) => {
      const org = await createOrganisation();
      const form = inboxFormSchema.parse({
        orgId: org.id,
        host: "sftp.example.org",
        port: "22",
        username: "u",
        authMethod: "password",
        credential: "secret",
        hostKeyFingerprint: FP,
        directory: "/in",
        enabled: over.enabled ? "on" : "",
        pollIntervalMinutes: "15",
      });
      const saved = await saveInbox(admin, { label: "admin" }, form);
      if (!saved.ok) throw new Error(saved.message);
      return saved.id;
    };
    const on = await make({ enabled: true });
    const off = await make({ enabled: false });
    const due = await dueInboxes();
    expect(due).toContain(on);
    expect(due).not.toContain(off);
    await withContextClient({ kind: "system", purpose: "test" }, (c) =>
      c.query(`UPDATE sftp_inbox SET last_polled_at = now() - interval '5 minutes' WHERE id = $1`, [on]),
    );
    expect(await dueInboxes()).not.toContain(on);
    expect(await dueInboxes(new Date(Date.now() + 11 * 60_000))).toContain(on);
  });
});
