-- Identity: the bundled OpenID Connect provider's accounts, second factors, password policy
-- state and protocol storage, plus the portal's own (relying-party) sessions.
-- Everything here is reachable only in the 'system' context (the identity provider, sign-in)
-- and, where an administrator manages accounts, the 'admin' context. No partner context ever
-- sees a credential.

-- A user of an external issuer (a council's Keycloak) is matched on that issuer's `sub`. The
-- bundled provider uses the portal account id as `sub`, so it needs no column.
ALTER TABLE app_user ADD COLUMN external_subject text;
CREATE UNIQUE INDEX app_user_external_subject_key ON app_user (external_subject);

-- Credentials live apart from app_user because app_user is readable by a partner's own
-- organisation context; a hash or a TOTP secret must never be.
CREATE TABLE idp_credential (
  user_id uuid PRIMARY KEY REFERENCES app_user(id),
  password_hash text,
  password_changed_at timestamptz(6),
  must_change_password boolean NOT NULL DEFAULT false,
  -- AES-256-GCM ciphertext (lib/idp/crypto.ts); the key stays beside the embedded data, not in the database.
  totp_secret text,
  totp_enrolled_at timestamptz(6),
  -- Highest RFC 6238 time step accepted so far: a code is never accepted twice.
  totp_last_step bigint,
  failed_attempts integer NOT NULL DEFAULT 0 CHECK (failed_attempts >= 0),
  locked_until timestamptz(6),
  last_failed_at timestamptz(6),
  updated_at timestamptz(6) NOT NULL DEFAULT now()
);

CREATE TABLE idp_password_history (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES app_user(id),
  password_hash text NOT NULL,
  created_at timestamptz(6) NOT NULL DEFAULT now()
);
CREATE INDEX idp_password_history_user_id_created_at_idx ON idp_password_history (user_id, created_at);

CREATE TABLE idp_recovery_code (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES app_user(id),
  code_hash text NOT NULL,
  created_at timestamptz(6) NOT NULL DEFAULT now(),
  used_at timestamptz(6)
);
CREATE INDEX idp_recovery_code_user_id_idx ON idp_recovery_code (user_id);

-- One-time activation (and re-activation) links: only a SHA-256 of the token is kept.
CREATE TABLE idp_activation_token (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES app_user(id),
  token_hash text NOT NULL UNIQUE,
  created_by_id uuid,
  created_at timestamptz(6) NOT NULL DEFAULT now(),
  expires_at timestamptz(6) NOT NULL,
  used_at timestamptz(6)
);
CREATE INDEX idp_activation_token_user_id_idx ON idp_activation_token (user_id);

-- Progress of one sign-in interaction (password checked, second factor checked, enrolment
-- secret offered), keyed by oidc-provider's interaction uid and discarded when it finishes.
CREATE TABLE idp_pending_login (
  interaction_uid text PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES app_user(id),
  password_at timestamptz(6) NOT NULL,
  second_factor_at timestamptz(6),
  enrol_secret text,
  recovery_codes text,
  password_changed boolean NOT NULL DEFAULT false,
  created_at timestamptz(6) NOT NULL DEFAULT now(),
  expires_at timestamptz(6) NOT NULL
);

-- oidc-provider's storage adapter: one row per model instance (sessions, interactions,
-- authorization codes, grants, ...). Payloads are the library's own JSON.
CREATE TABLE idp_store (
  model text NOT NULL,
  id text NOT NULL,
  payload jsonb NOT NULL,
  grant_id text,
  user_code text,
  uid text,
  expires_at timestamptz(6),
  consumed_at timestamptz(6),
  PRIMARY KEY (model, id)
);
CREATE INDEX idp_store_grant_id_idx ON idp_store (grant_id);
CREATE INDEX idp_store_uid_idx ON idp_store (uid);
CREATE INDEX idp_store_user_code_idx ON idp_store (user_code);
CREATE INDEX idp_store_expires_at_idx ON idp_store (expires_at);

-- Token-signing keys (JWKS). 'active' signs; 'retiring' is still published so tokens it signed
-- verify until they expire; 'retired' is neither. Private parts are encrypted like TOTP secrets.
CREATE TABLE idp_signing_key (
  kid text PRIMARY KEY,
  alg text NOT NULL,
  status text NOT NULL CHECK (status IN ('active', 'retiring', 'retired')),
  private_jwk text NOT NULL,
  created_at timestamptz(6) NOT NULL DEFAULT now(),
  retire_after timestamptz(6)
);
CREATE UNIQUE INDEX idp_signing_key_one_active ON idp_signing_key (alg) WHERE status = 'active';

-- The portal's own sessions (relying party). The session cookie only names a row here, so the
-- 30-minute idle and 12-hour absolute limits, sign-out and account disabling are enforced on
-- the server, whatever the cookie says.
CREATE TABLE portal_session (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES app_user(id),
  issuer text NOT NULL,
  subject text NOT NULL,
  acr text,
  amr text[] NOT NULL DEFAULT '{}',
  id_token text,
  created_at timestamptz(6) NOT NULL DEFAULT now(),
  last_seen_at timestamptz(6) NOT NULL DEFAULT now(),
  ended_at timestamptz(6),
  end_reason text
);
CREATE INDEX portal_session_user_id_idx ON portal_session (user_id);

-- Row-level security ---------------------------------------------------------------------------
ALTER TABLE idp_credential ENABLE ROW LEVEL SECURITY;
ALTER TABLE idp_credential FORCE ROW LEVEL SECURITY;
CREATE POLICY idp_credential_manage ON idp_credential FOR ALL
  USING (app_ctx() IN ('admin', 'system')) WITH CHECK (app_ctx() IN ('admin', 'system'));

ALTER TABLE idp_password_history ENABLE ROW LEVEL SECURITY;
ALTER TABLE idp_password_history FORCE ROW LEVEL SECURITY;
CREATE POLICY idp_password_history_system ON idp_password_history FOR ALL
  USING (app_ctx() = 'system') WITH CHECK (app_ctx() = 'system');

ALTER TABLE idp_recovery_code ENABLE ROW LEVEL SECURITY;
ALTER TABLE idp_recovery_code FORCE ROW LEVEL SECURITY;
-- Administrators only count and delete them (second-factor reset); they never read the hashes'
-- owners' codes because only hashes exist.
CREATE POLICY idp_recovery_code_manage ON idp_recovery_code FOR ALL
  USING (app_ctx() IN ('admin', 'system')) WITH CHECK (app_ctx() IN ('admin', 'system'));

ALTER TABLE idp_activation_token ENABLE ROW LEVEL SECURITY;
ALTER TABLE idp_activation_token FORCE ROW LEVEL SECURITY;
CREATE POLICY idp_activation_token_manage ON idp_activation_token FOR ALL
  USING (app_ctx() IN ('admin', 'system')) WITH CHECK (app_ctx() IN ('admin', 'system'));

ALTER TABLE idp_pending_login ENABLE ROW LEVEL SECURITY;
ALTER TABLE idp_pending_login FORCE ROW LEVEL SECURITY;
CREATE POLICY idp_pending_login_system ON idp_pending_login FOR ALL
  USING (app_ctx() = 'system') WITH CHECK (app_ctx() = 'system');

ALTER TABLE idp_store ENABLE ROW LEVEL SECURITY;
ALTER TABLE idp_store FORCE ROW LEVEL SECURITY;
CREATE POLICY idp_store_system ON idp_store FOR ALL
  USING (app_ctx() = 'system') WITH CHECK (app_ctx() = 'system');

ALTER TABLE idp_signing_key ENABLE ROW LEVEL SECURITY;
ALTER TABLE idp_signing_key FORCE ROW LEVEL SECURITY;
CREATE POLICY idp_signing_key_manage ON idp_signing_key FOR ALL
  USING (app_ctx() IN ('admin', 'system')) WITH CHECK (app_ctx() IN ('admin', 'system'));

ALTER TABLE portal_session ENABLE ROW LEVEL SECURITY;
ALTER TABLE portal_session FORCE ROW LEVEL SECURITY;
CREATE POLICY portal_session_manage ON portal_session FOR ALL
  USING (app_ctx() IN ('admin', 'system')) WITH CHECK (app_ctx() IN ('admin', 'system'));

-- Grants: only what the code paths use. DELETE exists where rows are genuinely discarded
-- (protocol artefacts, finished sign-ins, replaced recovery codes).
GRANT SELECT, INSERT, UPDATE ON idp_credential TO portal_app;
GRANT SELECT, INSERT ON idp_password_history TO portal_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON idp_recovery_code TO portal_app;
GRANT SELECT, INSERT, UPDATE ON idp_activation_token TO portal_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON idp_pending_login TO portal_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON idp_store TO portal_app;
GRANT SELECT, INSERT, UPDATE ON idp_signing_key TO portal_app;
GRANT SELECT, INSERT, UPDATE ON portal_session TO portal_app;
