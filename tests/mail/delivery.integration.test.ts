import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDatabase } from "@/lib/db/client";
import { findFreePort } from "@/lib/db/embedded";
import { withContextClient } from "@/lib/db/tenant";
import { createAccount, newActivationLink, type AdminActor } from "@/lib/idp/admin";
import { dispatchPendingMail, MailInputError, queueMail, startMailWorker, stopMailWorker } from "@/lib/mail";
import { listOutbox, retryMail } from "@/lib/mail/admin";
import { REMOVED_BODY } from "@/lib/mail/deliver";
import { stopJobQueue } from "@/lib/queue/boss";
import { installJobQueue } from "@/lib/jobs/install";
import { createOrganisation, createSupplierOrganisation, createUser } from "../factories";
import { csvText, ingest, makeTempDataDir } from "../ingest/helpers";
import { startSmtpPeer, type SmtpPeer } from "./smtp-peer";

makeTempDataDir();

let peer: SmtpPeer | null = null;
let port = 0;
let admin: AdminActor;
const adminCtx = () => ({ kind: "admin" as const, userId: admin.userId });

beforeAll(async () => {
  // The SMTP peer's address is fixed for the whole file, so that it can be stopped and brought back.
  port = await findFreePort(46_000 + Math.floor(Math.random() * 2_000));
  process.env.SMTP_URL = `smtp://127.0.0.1:${port}`;
  process.env.MAIL_FROM = "Essex Data Platform <no-reply@portal.test>";
  peer = await startSmtpPeer(port);
  await installJobQueue({ adminUrl: process.env.TEST_ADMIN_URL! });
  const ops = await createOrganisation({ kind: "platform_operator" });
  const u = await createUser(ops.id, { role: "administrator" });
  admin = { userId: u.id, email: u.email, role: "administrator" };
  // Short back-off so the test sees the retries and the failed state in seconds rather than an hour.
  await startMailWorker({ retryLimit: 2, retryDelay: 1, retryBackoff: true, pollingIntervalSeconds: 0.5, failedRetryMinutes: 60 });
});

afterAll(async () => {
  await stopMailWorker();
  await stopJobQueue();
  await peer?.stop();
  await closeDatabase();
});

async function outboxRow(id: string) {
  return withContextClient(
    { kind: "system", purpose: "test" },
    async (c) => (await c.query(`SELECT * FROM notification_outbox WHERE id = $1`, [id])).rows[0],
  );
}

async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe("queueMail and delivery over SMTP", () => {
  it("delivers a notice queued in an organisation's transaction once it commits, and never one whose transaction rolled back", async () => {
    const org = await createOrganisation();
    const to = `analyst-${crypto.randomUUID().slice(0, 8)}@partner.test`;
    const id = await withContextClient({ kind: "org", orgId: org.id }, (c) =>
      queueMail(c, {
        to,
        subject: "Batch loaded",
        text: "Your batch was loaded.\nNothing else to do.",
        html: "<p>Your batch was loaded.</p>",
        kind: "ingest.loaded",
        orgId: org.id,
      }),
    );
    await expect(
      withContextClient({ kind: "org", orgId: org.id }, async (c) => {
        await queueMail(c, { to, subject: "Never sent", text: "rolled back", kind: "ingest.loaded", orgId: org.id });
        throw new Error("the event failed");
      }),
    ).rejects.toThrow("the event failed");
    await dispatchPendingMail();

    const got = await peer!.waitFor((m) => m.envelopeTo.includes(to));
    expect(got.parsed.subject).toBe("Batch loaded");
    expect(got.parsed.text?.trim()).toBe("Your batch was loaded.\nNothing else to do.");
    expect(got.parsed.html).toContain("<p>Your batch was loaded.</p>");
    expect(got.parsed.from?.text).toBe('"Essex Data Platform" <no-reply@portal.test>');
    expect(got.parsed.messageId).toBe(`<${id}@localhost>`);

    const row = await until("the outbox to say delivered", async () => {
      const r = await outboxRow(id);
      return r.status === "sent" && r;
    });
    expect(row).toMatchObject({
      attempts: 1,
      last_error: null,
      delivered_via: `smtp:127.0.0.1:${port}`,
      body: "Your batch was loaded.\nNothing else to do.",
    });
    // A second sweep must not send it again.
    await dispatchPendingMail();
    await new Promise((r) => setTimeout(r, 1500));
    expect(peer!.received.filter((m) => m.envelopeTo.includes(to)).map((m) => m.parsed.subject)).toEqual(["Batch loaded"]);

    // Organisations may queue but not read the outbox; administrators read it.
    const seenByOrg = await withContextClient(
      { kind: "org", orgId: org.id },
      async (c) => (await c.query(`SELECT count(*)::int AS n FROM notification_outbox`)).rows[0].n,
    );
    expect(seenByOrg).toBe(0);
    const listed = (await listOutbox(adminCtx())).items.find((m) => m.id === id);
    expect(listed).toMatchObject({ to, subject: "Batch loaded", status: "sent", kind: "ingest.loaded", orgName: org.name });
  });

  it("refuses a malformed message with a specific reason and queues nothing", async () => {
    const org = await createOrganisation();
    const attempt = (over: object) =>
      withContextClient({ kind: "org", orgId: org.id }, (c) =>
        queueMail(c, { to: "dpo@org.test", subject: "S", text: "T", kind: "ingest.loaded", ...over }),
      );
    await expect(attempt({ to: "not an address" })).rejects.toThrow(MailInputError);
    await expect(attempt({ subject: "Two\r\nBcc: victim@example.org" })).rejects.toThrow(/The subject must be one line/);
    await expect(attempt({ kind: "Loaded" })).rejects.toThrow(/area\.event/);
    const n = await withContextClient(
      { kind: "system", purpose: "test" },
      async (c) => (await c.query(`SELECT count(*)::int AS n FROM notification_outbox WHERE to_address = 'dpo@org.test'`)).rows[0].n,
    );
    expect(n).toBe(0);
  });
});

describe("identifier incidents", () => {
  it("e-mail the organisation's data-protection contact, without the values", async () => {
    const org = await createSupplierOrganisation();
    const lines = (await csvText("social-care", 4)).toString().split("\n");
    lines[2] = lines[2]!.replace(/^[0-9a-f]{64}/, "SW1A 1AA");
    const r = await ingest(org.id, "social-care", lines.join("\n"));
    expect(r.status).toBe("incident");
    await dispatchPendingMail();
    const got = await peer!.waitFor((m) => m.envelopeTo.includes(`dpo@${org.slug}.example`));
    expect(got.parsed.subject).toMatch(/^Data-protection incident: un-pseudonymised .* file received$/);
    expect(got.parsed.text).toContain(`Incident: ${r.summary.incident!.incidentId}`);
    expect(got.parsed.text).toContain("What was found: postcodes (1 cell)");
    expect(got.parsed.text).toContain("Column person_key looked like postcodes, on line 3.");
    expect(got.parsed.text).not.toContain("SW1A");
  });
});

describe("activation links", () => {
  it("reach the person by e-mail, never the log, and the stored copy is blanked once delivered", async () => {
    const org = await createSupplierOrganisation();
    const email = `ivy-${crypto.randomUUID().slice(0, 8)}@partner.test`;
    const output: string[] = [];
    // Everything this process writes while the links are made and delivered (console and the raw streams).
    const capture = (target: object, key: string) => {
      const slot = target as Record<string, unknown>;
      const original = slot[key] as (...x: unknown[]) => unknown;
      slot[key] = (...args: unknown[]) => {
        output.push(
          args
            .map((a) => (typeof a === "string" ? a : a instanceof Uint8Array ? Buffer.from(a).toString() : (JSON.stringify(a) ?? String(a))))
            .join(" "),
        );
        return original.apply(target, args);
      };
      return () => (slot[key] = original);
    };
    const restore = [
      ...(["log", "info", "warn", "error", "debug"] as const).map((k) => capture(console, k)),
      capture(process.stdout, "write"),
      capture(process.stderr, "write"),
    ];
    let first: string;
    let second: string;
    try {
      ({ activationUrl: first } = await createAccount(admin, {
        email,
        displayName: "Ivy Invitee",
        role: "partner_analyst",
        orgId: org.id,
        externalSubject: "",
      }));
      const invite = await peer!.waitFor(
        (m) => m.envelopeTo.includes(email) && m.parsed.subject === "Your Essex Data Platform account: set your password",
      );
      expect(invite.parsed.text).toContain(first);
      expect(invite.parsed.text).toContain("Dear Ivy Invitee");

      const userId = (
        await withContextClient({ kind: "system", purpose: "test" }, (c) => c.query(`SELECT id FROM app_user WHERE email = $1`, [email]))
      ).rows[0].id as string;
      second = await newActivationLink(admin, userId);
      const reset = await peer!.waitFor((m) => m.envelopeTo.includes(email) && m.parsed.subject === "Essex Data Platform: set a new password");
      expect(reset.parsed.text).toContain(second);
      expect(second).not.toBe(first);
      await until("both activation messages to be marked delivered", async () => {
        const rows = (await listOutbox(adminCtx())).items.filter((m) => m.to === email);
        return rows.length === 2 && rows.every((m) => m.status === "sent") && rows;
      });
    } finally {
      for (const r of restore) r();
    }
    const tokens = [first, second].map((u) => u.split("/activate/")[1]!);
    for (const t of tokens) expect(output.join("\n")).not.toContain(t);

    const stored = await withContextClient(
      { kind: "system", purpose: "test" },
      async (c) =>
        (await c.query(`SELECT kind, body, html, sensitive FROM notification_outbox WHERE to_address = $1 ORDER BY created_at`, [email])).rows,
    );
    expect(stored).toEqual([
      { kind: "account.activation", body: REMOVED_BODY, html: null, sensitive: true },
      { kind: "account.password-reset", body: REMOVED_BODY, html: null, sensitive: true },
    ]);
  });
});

describe("a mail server that cannot be reached", () => {
  it("retries with back-off, shows the message as failed to administrators, and delivers it when the server is back", async () => {
    await peer!.stop();
    peer = null;
    const to = `dpo-${crypto.randomUUID().slice(0, 8)}@partner.test`;
    const [manual, automatic] = await withContextClient({ kind: "system", purpose: "test" }, async (c) => [
      await queueMail(c, { to, subject: "Retried by an administrator", text: "First.", kind: "test.retry" }),
      await queueMail(c, { to, subject: "Retried on schedule", text: "Second.", kind: "test.retry" }),
    ]);
    await dispatchPendingMail();

    // Three attempts (the first and two retries, 1 s then 2 s apart), then failed.
    for (const id of [manual, automatic]) {
      await until("the message to be marked failed", async () => (await outboxRow(id)).status === "failed", 45_000);
      const r = await outboxRow(id);
      expect(r.attempts).toBe(3);
      expect(r.last_error).toMatch(/ECONNREFUSED/);
    }
    const { items, summary } = await listOutbox(adminCtx(), { status: "failed" });
    expect(
      items
        .filter((m) => m.to === to)
        .map((m) => [m.subject, m.status, m.attempts])
        .sort(),
    ).toEqual([
      ["Retried by an administrator", "failed", 3],
      ["Retried on schedule", "failed", 3],
    ]);
    expect(items.find((m) => m.id === manual)!.lastError).toMatch(/ECONNREFUSED/);
    expect(summary.failed).toBeGreaterThanOrEqual(2);

    peer = await startSmtpPeer(port);
    expect(await retryMail(adminCtx(), { label: admin.email }, manual)).toEqual({ ok: true });
    const got = await peer.waitFor((m) => m.envelopeTo.includes(to) && m.parsed.subject === "Retried by an administrator");
    expect(got.parsed.text?.trim()).toBe("First.");
    await until("the retried message to be marked delivered", async () => (await outboxRow(manual)).status === "sent");
    expect(await retryMail(adminCtx(), { label: admin.email }, manual)).toEqual({ ok: false, message: "This message has already been delivered." });

    // The other one is picked up by the sweep once its hourly retry is due: nothing is left behind.
    expect((await outboxRow(automatic)).status).toBe("failed");
    await withContextClient({ kind: "system", purpose: "test" }, (c) =>
      c.query(`UPDATE notification_outbox SET next_attempt_at = now() WHERE id = $1`, [automatic]),
    );
    await dispatchPendingMail();
    await peer.waitFor((m) => m.envelopeTo.includes(to) && m.parsed.subject === "Retried on schedule");
    const done = await until("the scheduled retry to be marked delivered", async () => {
      const r = await outboxRow(automatic);
      return r.status === "sent" && r;
    });
    expect(done.attempts).toBe(4);
  });
});
