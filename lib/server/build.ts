import "server-only";
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { processEnvironment } from "@/lib/env";

const SOURCES = ["app", "components", "lib", "public", "next.config.js", "package.json", "prisma/schema"];
const STAMP = ".next/portal-build.json";

function newestMtime(p: string): number {
  if (!fs.existsSync(p)) return 0;
  const st = fs.statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const entry of fs.readdirSync(p)) {
    if (entry === "generated" || entry === "node_modules") continue;
    newest = Math.max(newest, newestMtime(path.join(p, entry)));
  }
  return newest;
}

/** True when there is no production build, or a source file changed after it was made. */
export function buildIsStale(root = process.cwd()): boolean {
  const stamp = path.join(root, STAMP);
  if (!fs.existsSync(path.join(root, ".next/BUILD_ID")) || !fs.existsSync(stamp)) return true;
  const builtFrom = (JSON.parse(fs.readFileSync(stamp, "utf8")) as { newestSource: number }).newestSource;
  return SOURCES.some((s) => newestMtime(path.join(root, s)) > builtFrom);
}

/** Runs `next build` and stamps the build with the newest source time it saw. */
export async function buildPortal(root = process.cwd(), log: (line: string) => void = console.log): Promise<void> {
  const newestSource = Math.max(...SOURCES.map((s) => newestMtime(path.join(root, s))));
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(root, "node_modules/next/dist/bin/next"), "build"], {
      cwd: root,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...processEnvironment(), NEXT_TELEMETRY_DISABLED: "1" },
    });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    child.on("exit", (code) => {
      if (code === 0) resolve();
      else {
        log(output);
        reject(new Error(`next build failed with exit code ${code}`));
      }
    });
  });
  fs.writeFileSync(path.join(root, STAMP), JSON.stringify({ newestSource }));
}
