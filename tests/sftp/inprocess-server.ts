import { randomBytes, timingSafeEqual } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import ssh2, { type Connection, type ParsedKey, type SFTPWrapper } from "ssh2";
import { sshFingerprint } from "@/lib/sftp/fingerprint";

const { Server, utils } = ssh2;
const { STATUS_CODE, flagsToString } = utils.sftp;

export interface InProcessSftpServer {
  host: string;
  port: number;
  username: string;
  password: string;
  privateKey: string;
  hostKeyFingerprint: string;
  root: string;
  stop(): Promise<void>;
}

type Handle = { kind: "file"; fd: number } | { kind: "dir"; dir: string; sent: boolean };

function parse(key: string): ParsedKey {
  const k = utils.parseKey(key);
  if (k instanceof Error) throw k;
  return Array.isArray(k) ? k[0]! : k;
}

function same(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** `ls -l`'s first column: ssh2-sftp-client reads an entry's type from its first character. */
function modeString(mode: number): string {
  const type = (mode & fs.constants.S_IFMT) === fs.constants.S_IFDIR ? "d" : (mode & fs.constants.S_IFMT) === fs.constants.S_IFLNK ? "l" : "-";
  const bits = "rwxrwxrwx";
  let s = type;
  for (let i = 0; i < 9; i++) s += mode & (1 << (8 - i)) ? bits[i] : "-";
  return s;
}

function attrsOf(st: fs.Stats) {
  return { mode: st.mode, uid: st.uid, gid: st.gid, size: st.size, atime: Math.floor(st.atimeMs / 1000), mtime: Math.floor(st.mtimeMs / 1000) };
}

function statusOf(e: unknown): number {
  const code = (e as NodeJS.ErrnoException)?.code;
  if (code === "ENOENT" || code === "ENOTDIR") return STATUS_CODE.NO_SUCH_FILE;
  if (code === "EACCES" || code === "EPERM") return STATUS_CODE.PERMISSION_DENIED;
  return STATUS_CODE.FAILURE;
}

/**
 * Serves one SFTP session over a real folder. Paths are the machine's own absolute paths (as
 * with OpenSSH's internal-sftp without a chroot), but anything outside `root` is refused, so a
 * test cannot touch the rest of the disk through it.
 */
function serveSftp(sftp: SFTPWrapper, root: string): void {
  const handles = new Map<string, Handle>();
  let next = 0;
  const newHandle = (h: Handle) => {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(next++);
    handles.set(b.toString("hex"), h);
    return b;
  };
  const resolve = (p: string): string | null => {
    const abs = path.resolve(root, p);
    return abs === root || abs.startsWith(root + path.sep) ? abs : null;
  };
  // Every request answers exactly once: with its result or with the status of the failure.
  const run = (reqid: number, work: () => Promise<void>) => {
    work().catch((e: unknown) => sftp.status(reqid, statusOf(e), e instanceof Error ? e.message : String(e)));
  };
  const inRoot = (reqid: number, p: string, work: (abs: string) => Promise<void>) => {
    const abs = resolve(p);
    if (abs === null) return sftp.status(reqid, STATUS_CODE.PERMISSION_DENIED, "Outside the served folder");
    run(reqid, () => work(abs));
  };
  const ok = (reqid: number) => sftp.status(reqid, STATUS_CODE.OK);

  sftp.on("REALPATH", (reqid, p) => {
    const abs = resolve(p === "." || p === "" ? root : p);
    if (abs === null) return sftp.status(reqid, STATUS_CODE.PERMISSION_DENIED);
    sftp.name(reqid, [{ filename: abs, longname: abs, attrs: {} as never }]);
  });
  sftp.on("STAT", (reqid, p) => inRoot(reqid, p, async (abs) => sftp.attrs(reqid, attrsOf(await fs.promises.stat(abs)))));
  sftp.on("LSTAT", (reqid, p) => inRoot(reqid, p, async (abs) => sftp.attrs(reqid, attrsOf(await fs.promises.lstat(abs)))));
  sftp.on("OPEN", (reqid, p, flags, attrs) =>
    inRoot(reqid, p, async (abs) => {
      const mode = flagsToString(flags);
      if (!mode) return void sftp.status(reqid, STATUS_CODE.OP_UNSUPPORTED, "Unsupported open flags");
      const fd = await new Promise<number>((res, rej) => fs.open(abs, mode, attrs?.mode ?? 0o644, (e, f) => (e ? rej(e) : res(f))));
      sftp.handle(reqid, newHandle({ kind: "file", fd }));
    }),
  );
  const fileOf = (reqid: number, handle: Buffer): number | null => {
    const h = handles.get(handle.toString("hex"));
    if (h?.kind !== "file") {
      sftp.status(reqid, STATUS_CODE.FAILURE, "Invalid handle");
      return null;
    }
    return h.fd;
  };
  sftp.on("READ", (reqid, handle, offset, length) => {
    const fd = fileOf(reqid, handle);
    if (fd === null) return;
    const buf = Buffer.alloc(length);
    fs.read(fd, buf, 0, length, offset, (e, n) => {
      if (e) sftp.status(reqid, statusOf(e), e.message);
      else if (n === 0) sftp.status(reqid, STATUS_CODE.EOF);
      else sftp.data(reqid, buf.subarray(0, n));
    });
  });
  sftp.on("WRITE", (reqid, handle, offset, data) => {
    const fd = fileOf(reqid, handle);
    if (fd === null) return;
    fs.write(fd, data, 0, data.length, offset, (e) => (e ? sftp.status(reqid, statusOf(e), e.message) : ok(reqid)));
  });
  sftp.on("FSTAT", (reqid, handle) => {
    const fd = fileOf(reqid, handle);
    if (fd === null) return;
    fs.fstat(fd, (e, st) => (e ? sftp.status(reqid, statusOf(e), e.message) : sftp.attrs(reqid, attrsOf(st))));
  });
  sftp.on("FSETSTAT", (reqid, handle, attrs) => {
    const fd = fileOf(reqid, handle);
    if (fd === null) return;
    run(reqid, async () => {
      if (attrs.mode !== undefined) await new Promise<void>((res, rej) => fs.fchmod(fd, attrs.mode!, (e) => (e ? rej(e) : res())));
      ok(reqid);
    });
  });
  sftp.on("SETSTAT", (reqid, p, attrs) =>
    inRoot(reqid, p, async (abs) => {
      if (attrs.mode !== undefined) await fs.promises.chmod(abs, attrs.mode);
      if (attrs.atime !== undefined && attrs.mtime !== undefined) await fs.promises.utimes(abs, attrs.atime, attrs.mtime);
      ok(reqid);
    }),
  );
  sftp.on("CLOSE", (reqid, handle) => {
    const key = handle.toString("hex");
    const h = handles.get(key);
    if (!h) return sftp.status(reqid, STATUS_CODE.FAILURE, "Invalid handle");
    handles.delete(key);
    if (h.kind === "dir") return ok(reqid);
    fs.close(h.fd, (e) => (e ? sftp.status(reqid, statusOf(e), e.message) : ok(reqid)));
  });
  sftp.on("OPENDIR", (reqid, p) =>
    inRoot(reqid, p, async (abs) => {
      if (!(await fs.promises.stat(abs)).isDirectory()) throw Object.assign(new Error("Not a directory"), { code: "ENOTDIR" });
      sftp.handle(reqid, newHandle({ kind: "dir", dir: abs, sent: false }));
    }),
  );
  sftp.on("READDIR", (reqid, handle) => {
    const h = handles.get(handle.toString("hex"));
    if (h?.kind !== "dir") return sftp.status(reqid, STATUS_CODE.FAILURE, "Invalid handle");
    if (h.sent) return sftp.status(reqid, STATUS_CODE.EOF);
    h.sent = true;
    run(reqid, async () => {
      const names = await fs.promises.readdir(h.dir);
      const entries = await Promise.all(
        names.map(async (filename) => {
          const st = await fs.promises.lstat(path.join(h.dir, filename));
          const when = new Date(st.mtimeMs).toDateString().slice(4, 10);
          return { filename, longname: `${modeString(st.mode)} 1 ${st.uid} ${st.gid} ${st.size} ${when} ${filename}`, attrs: attrsOf(st) };
        }),
      );
      if (entries.length === 0) sftp.status(reqid, STATUS_CODE.EOF);
      else sftp.name(reqid, entries);
    });
  });
  sftp.on("REMOVE", (reqid, p) => inRoot(reqid, p, async (abs) => (await fs.promises.unlink(abs), ok(reqid))));
  sftp.on("RMDIR", (reqid, p) => inRoot(reqid, p, async (abs) => (await fs.promises.rmdir(abs), ok(reqid))));
  sftp.on("MKDIR", (reqid, p, attrs) => inRoot(reqid, p, async (abs) => (await fs.promises.mkdir(abs, { mode: attrs?.mode ?? 0o755 }), ok(reqid))));
  sftp.on("RENAME", (reqid, from, to) => {
    const target = resolve(to);
    if (target === null) return sftp.status(reqid, STATUS_CODE.PERMISSION_DENIED, "Outside the served folder");
    inRoot(reqid, from, async (abs) => {
      // SFTP v3 (and OpenSSH) refuse to rename onto an existing name; POSIX rename would replace it.
      if (fs.existsSync(target)) return void sftp.status(reqid, STATUS_CODE.FAILURE, "Target exists");
      await fs.promises.rename(abs, target);
      ok(reqid);
    });
  });
  for (const unsupported of ["READLINK", "SYMLINK"] as const) sftp.on(unsupported, (reqid: number) => sftp.status(reqid, STATUS_CODE.OP_UNSUPPORTED));
  sftp.on("close", () => {
    for (const h of handles.values()) if (h.kind === "file") fs.close(h.fd, () => {});
    handles.clear();
  });
}

/**
 * An SFTP server inside the test process (the `ssh2` package's server side) on 127.0.0.1, serving
 * a temporary folder to one user who may sign in with a password or with an ed25519 key. Used
 * where OpenSSH's sshd is not installed, so `npm test` runs the same SFTP scenarios on a machine
 * with only Node.js.
 */
export async function startInProcessSftpServer(): Promise<InProcessSftpServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "portal-sftp-"));
  const root = path.join(fs.realpathSync(dir), "sftp");
  fs.mkdirSync(root, { mode: 0o755 });
  const hostKey = utils.generateKeyPairSync("ed25519");
  const clientKey = utils.generateKeyPairSync("ed25519");
  const allowed = parse(clientKey.public);
  const username = "partner";
  const password = randomBytes(18).toString("base64url");

  const connections = new Set<Connection>();
  const server = new Server({ hostKeys: [hostKey.private] }, (client) => {
    connections.add(client);
    client.on("close", () => connections.delete(client));
    client.on("error", () => {});
    client.on("authentication", (ctx) => {
      if (ctx.username !== username) return ctx.reject();
      if (ctx.method === "password" && same(Buffer.from(ctx.password), Buffer.from(password))) return ctx.accept();
      if (ctx.method === "publickey" && ctx.key.algo === allowed.type && same(ctx.key.data, allowed.getPublicSSH())) {
        // Without a signature the client is only asking whether this key would do.
        if (!ctx.signature) return ctx.accept();
        if (ctx.blob && allowed.verify(ctx.blob, ctx.signature, ctx.hashAlgo) === true) return ctx.accept();
      }
      ctx.reject(["publickey", "password"]);
    });
    client.on("ready", () => {
      client.on("session", (accept) => {
        const session = accept();
        session.on("sftp", (acceptSftp) => serveSftp(acceptSftp(), root));
      });
    });
  });
  await new Promise<void>((res, rej) => {
    server.once("error", rej);
    server.listen(0, "127.0.0.1", () => res());
  });
  const port = (server.address() as { port: number }).port;

  return {
    host: "127.0.0.1",
    port,
    username,
    password,
    privateKey: clientKey.private,
    hostKeyFingerprint: sshFingerprint(parse(hostKey.public).getPublicSSH()),
    root,
    stop: async () => {
      for (const c of connections) c.end();
      await new Promise<void>((res) => server.close(() => res()));
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
