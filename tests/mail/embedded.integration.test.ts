import nodemailer from "nodemailer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDatabase } from "@/lib/db/client";
import { withContextClient } from "@/lib/db/tenant";
import { stopJobQueue } from "@/lib/queue/boss";
import { installJobQueue } from "@/lib/jobs/install";
import { dispatchPendingMail, queueMail, startMailWorker, stopMailWorker } from "@/lib/mail";
import { getReceivedMessage, listOutbox } from "@/lib/mail/admin";
import { startEmbeddedMailServer, type EmbeddedMailServer } from "@/lib/mail/embedded-server";
import { setEmbeddedMailServer } from "@/lib/mail/transport";
import { createOrganisation, createUser } from "../factories";

// `npm start` without SMTP_URL: the embedded server is the mail server, and its mailbox is what
// administrators read on the "Sent mail" page.
delete process.env.SMTP_URL;
let server: EmbeddedMailServer;
let adminId: string;

beforeAll(async () => {
  await installJobQueue({ adminUrl: process.env.TEST_ADMIN_URL! });
  server = await startEmbeddedMailServer();
  setEmbeddedMailServer(server);
  const ops = await createOrganisation({ kind: "platform_operator" });
  adminId = (await createUser(ops.id, { role: "administrator" })).id;
  await startMailWorker({ pollingIntervalSeconds: 0.5, retryDelay: 1, retryLimit: 1 });
});

afterAll(async () => {
  await stopMailWorker();
  await stopJobQueue();
  setEmbeddedMailServer(undefined);
  await server?.close();
  await closeDatabase();
});

describe("the embedded mail server", () => {
  it("receives every notice and shows it to administrators beside its delivery status", async () => {
    const org = await createOrganisation();
    const to = `dpo-${crypto.randomUUID().slice(0, 8)}@council.test`;
    const id = await withContextClient({ kind: "org", orgId: org.id }, (c) =>
      queueMail(c, {
        to,
        subject: "Incident notice",
        text: "A file was not pseudonymised.\nIt was deleted.",
        kind: "ingest.incident",
        orgId: org.id,
      }),
    );
    await dispatchPendingMail();
    const ctx = { kind: "admin" as const, userId: adminId };
    const item = await (async () => {
      const deadline = Date.now() + 30_000;
      for (;;) {
        const found = (await listOutbox(ctx)).items.find((m) => m.id === id);
        if (found?.status === "sent" && found.receivedId) return found;
        if (Date.now() > deadline) throw new Error(`not delivered: ${JSON.stringify(found)}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    })();
    expect(item).toMatchObject({ to, subject: "Incident notice", deliveredVia: "embedded", attempts: 1 });
    const message = await getReceivedMessage(ctx, item.receivedId!);
    expect(message).toMatchObject({ to: [to], subject: "Incident notice" });
    expect(message!.text.trim()).toBe("A file was not pseudonymised.\nIt was deleted.");

    // The mailbox is the administrators' alone.
    const seenByOrg = await withContextClient(
      { kind: "org", orgId: org.id },
      async (c) => (await c.query(`SELECT count(*)::int AS n FROM mail_received`)).rows[0].n,
    );
    expect(seenByOrg).toBe(0);
    expect(await getReceivedMessage(ctx, "not-a-uuid")).toBeNull();
  });

  it("accepts mail only from the portal (its random credentials), not from any local process", async () => {
    const stranger = nodemailer.createTransport({ host: server.host, port: server.port, secure: false, ignoreTLS: true });
    await expect(stranger.sendMail({ from: "x@local.test", to: "victim@council.test", subject: "Spoofed", text: "hello" })).rejects.toThrow(/auth/i);
    const wrong = nodemailer.createTransport({
      host: server.host,
      port: server.port,
      secure: false,
      ignoreTLS: true,
      auth: { user: server.user, pass: "guess" },
    });
    await expect(wrong.sendMail({ from: "x@local.test", to: "victim@council.test", subject: "Spoofed", text: "hello" })).rejects.toThrow(
      /Invalid username or password/,
    );
    const n = await withContextClient(
      { kind: "system", purpose: "test" },
      async (c) => (await c.query(`SELECT count(*)::int AS n FROM mail_received WHERE subject = 'Spoofed'`)).rows[0].n,
    );
    expect(n).toBe(0);
  });
});
