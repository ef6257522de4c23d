// Brute-force protection: after `threshold` consecutive failures (wrong password or wrong
// code) an account waits before any further attempt is even checked, and each failure after
// that doubles the wait, up to a day. Pure functions so tests move the clock instead of sleeping.

export const FIRST_LOCK_MS = 5 * 60 * 1000;
export const MAX_LOCK_MS = 24 * 60 * 60 * 1000;

/** How long to lock after the `failures`-th consecutive failure (0: not locked). */
export function lockDurationMs(failures: number, threshold: number): number {
  if (failures < threshold) return 0;
  const doublings = Math.min(failures - threshold, 20);
  return Math.min(FIRST_LOCK_MS * 2 ** doublings, MAX_LOCK_MS);
}

export function isLocked(lockedUntil: Date | null | undefined, now: Date): boolean {
  return !!lockedUntil && lockedUntil.getTime() > now.getTime();
}
