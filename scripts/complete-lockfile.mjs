// The npm registry mirror this project is built against lacks some other platforms' native
// binaries (e.g. @next/swc-darwin-arm64), so npm leaves them out of package-lock.json — and then
// `npm ci` refuses the lock as out of sync, on every machine. This adds the missing optional
// entries with their os/cpu constraints: npm skips them on non-matching platforms and fetches
// them (from the public registry) where they match. Run after `npm install` changes the lock:
//   node scripts/complete-lockfile.mjs
import fs from "node:fs";

const file = new URL("../package-lock.json", import.meta.url);
const lock = JSON.parse(fs.readFileSync(file, "utf8"));
const packages = lock.packages;

const OS = ["darwin", "win32", "linux", "android", "freebsd", "openharmony"];
const CPU = { arm64: "arm64", x64: "x64", ia32: "ia32", arm: "arm", loong64: "loong64", ppc64: "ppc64", riscv64: "riscv64", s390x: "s390x" };

function platformOf(name) {
  const parts = name.split("/").pop().split("-");
  const os = parts.find((p) => OS.includes(p));
  const cpu = parts.map((p) => CPU[p]).find(Boolean);
  const libc =
    parts.includes("musl") || parts.includes("musleabihf") ? "musl" : parts.includes("gnu") || parts.includes("gnueabihf") ? "glibc" : undefined;
  return { os, cpu, libc };
}

let added = 0;
for (const [, pkg] of Object.entries(packages)) {
  for (const [dep, spec] of Object.entries(pkg.optionalDependencies ?? {})) {
    const key = `node_modules/${dep}`;
    if (packages[key]) continue;
    const { os, cpu, libc } = platformOf(dep);
    if (!os || !cpu) continue; // not a platform binary: leave it to npm
    packages[key] = {
      version: String(spec).replace(/^[\^~=]/, ""),
      cpu: [cpu],
      ...(libc ? { libc: [libc] } : {}),
      license: pkg.license ?? "MIT",
      optional: true,
      os: [os],
    };
    added++;
  }
}
fs.writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`package-lock.json: ${added} platform-specific optional entries added`);
