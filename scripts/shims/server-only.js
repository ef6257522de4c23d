// Outside Next.js (CLI scripts, the custom server, vitest) `server-only` has no bundler to enforce it;
// these contexts are server-side by construction, so the guard resolves to this empty module.
export {};
