import "server-only";
import nodemailer from "nodemailer";
import { env, publicUrl } from "@/lib/env";

export interface MailServer {
  host: string;
  port: number;
  user: string;
  pass: string;
}

// The embedded server of this process (set by `npm start` when SMTP_URL is unset).
const g = globalThis as unknown as { __portalEmbeddedSmtp?: MailServer };

export function setEmbeddedMailServer(server: MailServer | undefined): void {
  g.__portalEmbeddedSmtp = server;
}

export class NoMailServerError extends Error {
  name = "NoMailServerError";
  constructor() {
    super("No mail server: SMTP_URL is not set and the embedded mail server is not running in this process.");
  }
}

/** `SMTP_URL`, or else the embedded server; the same nodemailer path either way. */
export function mailTransport(): nodemailer.Transporter {
  const timeouts = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 };
  const url = env().SMTP_URL;
  if (url) return nodemailer.createTransport(url, timeouts);
  const e = g.__portalEmbeddedSmtp;
  if (!e) throw new NoMailServerError();
  // Loopback only, so no TLS; the server's random credentials keep other local processes out.
  return nodemailer.createTransport({
    host: e.host,
    port: e.port,
    secure: false,
    ignoreTLS: true,
    auth: { user: e.user, pass: e.pass },
    ...timeouts,
  });
}

/** Where mail goes, for the "Sent mail" page: never the URL itself, which may hold a password. */
export function mailRoute(): { kind: "smtp"; host: string } | { kind: "embedded" } | { kind: "none" } {
  const url = env().SMTP_URL;
  if (url) return { kind: "smtp", host: new URL(url).host };
  return g.__portalEmbeddedSmtp ? { kind: "embedded" } : { kind: "none" };
}

export function mailFrom(): string {
  const configured = env().MAIL_FROM;
  if (configured) return configured;
  const host = new URL(publicUrl()).hostname;
  return `Essex Data Platform <no-reply@${host.includes(".") ? host : `${host}.localdomain`}>`;
}
