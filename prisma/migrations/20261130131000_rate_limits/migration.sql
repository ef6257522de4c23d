-- Counters of failed sign-in and code attempts, per client address and overall
-- (lib/idp/throttle.ts, decision 083). The layout is the one rate-limiter-flexible's
-- RateLimiterPostgres expects; the table is made here, by the owner, because the application
-- role may not create anything, and the library is told it exists (tableCreated).
-- Keys hold a keyed hash of the client address, never the address itself.
CREATE TABLE rate_limit (
  key varchar(255) PRIMARY KEY,
  points integer NOT NULL DEFAULT 0,
  -- Milliseconds since the epoch when the counter lapses (the library's own unit).
  expire bigint
);

CREATE INDEX rate_limit_expire ON rate_limit (expire);

ALTER TABLE rate_limit ENABLE ROW LEVEL SECURITY;
ALTER TABLE rate_limit FORCE ROW LEVEL SECURITY;
CREATE POLICY rate_limit_system ON rate_limit FOR ALL
  USING (app_ctx() = 'system') WITH CHECK (app_ctx() = 'system');

GRANT SELECT, INSERT, UPDATE, DELETE ON rate_limit TO portal_app;
