import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { findFreePort } from "@/lib/db/embedded";
import { startInProcessSftpServer } from "./inprocess-server";

// SFTP_TEST_SSHD moves (or, pointed at a missing file, hides) OpenSSH's server for the tests.
const SSHD = process.env.SFTP_TEST_SSHD || "/usr/sbin/sshd";

export type SftpServerKind = "openssh" | "inprocess";

/**
 * Which server the SFTP tests run against. `SFTP_TEST_SERVER=openssh` demands OpenSSH (and fails
 * when it is missing: CI installs it), `inprocess` demands the ssh2-based server, and unset means
 * OpenSSH when its sshd is installed, otherwise the in-process server, so that the suite runs on
 * a machine with only Node.js instead of failing or skipping.
 */
export function sftpServerKind(): SftpServerKind {
  const wanted = process.env.SFTP_TEST_SERVER?.trim().toLowerCase();
  if (wanted === "openssh" || wanted === "inprocess") return wanted;
  if (wanted) throw new Error(`SFTP_TEST_SERVER must be "openssh" or "inprocess", not "${process.env.SFTP_TEST_SERVER}".`);
  return fs.existsSync(SSHD) ? "openssh" : "inprocess";
}

export function sftpServerDescription(): string {
  return sftpServerKind() === "openssh" ? `OpenSSH (${SSHD})` : "the in-process ssh2 server";
}

export interface TestSftpServer {
  kind: SftpServerKind;
  host: string;
  port: number;
  username: string;
  /** The user's password, where the server accepts one (the test OpenSSH accepts keys only). */
  password: string | null;
  /** OpenSSH private key of a client the server trusts. */
  privateKey: string;
  /** `SHA256:…` fingerprint of the server's host key, as `ssh-keygen -l` prints it. */
  hostKeyFingerprint: string;
  /** A folder on the server (same machine) the tests use as an inbox. */
  root: string;
  stop(): Promise<void>;
}

async function waitForPort(port: number, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`sshd exited with code ${child.exitCode}:\n${log()}`);
    const open = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, "127.0.0.1");
      s.once("connect", () => {
        s.destroy();
        resolve(true);
      });
      s.once("error", () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`sshd did not listen on 127.0.0.1:${port} within 10 s:\n${log()}`);
}

/** The SFTP server the tests poll: see {@link sftpServerKind}. */
export async function startTestSftpServer(): Promise<TestSftpServer> {
  const kind = sftpServerKind();
  if (kind === "inprocess") {
    if (!process.env.SFTP_TEST_SERVER)
      console.info(`[sftp tests] ${SSHD} is not installed: running the SFTP scenarios against the in-process ssh2 server.`);
    return { kind, ...(await startInProcessSftpServer()) };
  }
  return startOpenSsh();
}

/**
 * A real OpenSSH SFTP server on 127.0.0.1 with its own configuration, host key and one
 * authorised client key: the same server software partners run.
 */
async function startOpenSsh(): Promise<TestSftpServer> {
  if (!fs.existsSync(SSHD)) {
    throw new Error(
      `SFTP_TEST_SERVER=openssh, but OpenSSH's server ${SSHD} is not installed. Install it with: apt-get install -y openssh-server (CI's .ci/run does this), or unset SFTP_TEST_SERVER to use the in-process server.`,
    );
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "portal-sshd-"));
  fs.chmodSync(dir, 0o755);
  const keygen = (file: string) => execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "portal-test", "-f", file]);
  keygen(path.join(dir, "host_ed25519"));
  keygen(path.join(dir, "client_ed25519"));
  fs.copyFileSync(path.join(dir, "client_ed25519.pub"), path.join(dir, "authorized_keys"));
  fs.chmodSync(path.join(dir, "authorized_keys"), 0o600);
  const root = path.join(dir, "sftp");
  fs.mkdirSync(root, { mode: 0o755 });
  // sshd insists on its privilege-separation directory even when it never drops privileges.
  fs.mkdirSync("/run/sshd", { recursive: true, mode: 0o755 });

  const username = os.userInfo().username;
  const port = await findFreePort(42_000 + Math.floor(Math.random() * 2_000));
  const config = path.join(dir, "sshd_config");
  fs.writeFileSync(
    config,
    [
      `Port ${port}`,
      "ListenAddress 127.0.0.1",
      `HostKey ${path.join(dir, "host_ed25519")}`,
      `PidFile ${path.join(dir, "sshd.pid")}`,
      `AuthorizedKeysFile ${path.join(dir, "authorized_keys")}`,
      "PubkeyAuthentication yes",
      "PasswordAuthentication no",
      "KbdInteractiveAuthentication no",
      "PermitRootLogin prohibit-password",
      "UsePAM no",
      "StrictModes no",
      `AllowUsers ${username}`,
      "Subsystem sftp internal-sftp",
      "ForceCommand internal-sftp",
      "LogLevel ERROR",
      "",
    ].join("\n"),
  );
  let output = "";
  const child = spawn(SSHD, ["-D", "-e", "-f", config], { stdio: ["ignore", "pipe", "pipe"] });
  child.stdout!.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (output += d.toString()));
  await waitForPort(port, child, () => output);

  const fingerprint = execFileSync("ssh-keygen", ["-l", "-E", "sha256", "-f", path.join(dir, "host_ed25519.pub")])
    .toString()
    .split(" ")[1]!;
  return {
    kind: "openssh",
    host: "127.0.0.1",
    port,
    username,
    password: null,
    privateKey: fs.readFileSync(path.join(dir, "client_ed25519"), "utf8"),
    hostKeyFingerprint: fingerprint,
    root,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once("exit", r));
        child.kill("SIGTERM");
        await exited;
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
