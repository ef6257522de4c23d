import "server-only";
import { randomBytes, timingSafeEqual } from "node:crypto";
import { Transform } from "node:stream";
import { simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";
import { withContextClient } from "@/lib/db/tenant";
import type { MailServer } from "./transport";
import { errFields, log } from "@/lib/log";

const MAX_SIZE = 10 * 1024 * 1024;

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export interface EmbeddedMailServer extends MailServer {
  close(): Promise<void>;
}

/**
 * The demo's mail server: an SMTP server on 127.0.0.1 that accepts mail only from this process
 * (random credentials) and keeps every message in `mail_received`, where administrators read it
 * on the "Sent mail" page. Real deployments set SMTP_URL instead.
 */
export async function startEmbeddedMailServer(opts: { port?: number } = {}): Promise<EmbeddedMailServer> {
  const user = "portal";
  const pass = randomBytes(24).toString("base64url");
  const server = new SMTPServer({
    name: "localhost",
    banner: "Essex Data Platform embedded mail server",
    disabledCommands: ["STARTTLS"],
    authMethods: ["PLAIN", "LOGIN"],
    allowInsecureAuth: true,
    size: MAX_SIZE,
    logger: false,
    onAuth(auth, _session, done) {
      if (auth.username === user && same(auth.password ?? "", pass)) return done(null, { user });
      done(new Error("Invalid username or password"));
    },
    onData(stream, session, done) {
      let size = 0;
      const counted = stream.pipe(
        new Transform({
          transform(chunk: Buffer, _enc, cb) {
            size += chunk.length;
            cb(null, chunk);
          },
        }),
      );
      simpleParser(counted)
        .then(async (mail) => {
          if ((stream as unknown as { sizeExceeded?: boolean }).sizeExceeded)
            throw Object.assign(new Error("Message too large"), { responseCode: 552 });
          await withContextClient({ kind: "system", purpose: "mail-received" }, (c) =>
            c.query(
              `INSERT INTO mail_received (mail_from, rcpt_to, subject, text_body, html_body, message_id, size) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
              [
                session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
                session.envelope.rcptTo.map((r) => r.address),
                mail.subject ?? "",
                mail.text ?? "",
                typeof mail.html === "string" ? mail.html : null,
                mail.messageId ?? null,
                size,
              ],
            ),
          );
          done();
        })
        .catch((e: unknown) => done(e instanceof Error ? e : new Error(String(e))));
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, "127.0.0.1", () => resolve());
  });
  server.on("error", (e) => log({ component: "mail" }).error(errFields(e), "embedded mail server error"));
  const address = server.server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    host: "127.0.0.1",
    port,
    user,
    pass,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
