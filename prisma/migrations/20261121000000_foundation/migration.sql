-- Foundation: organisations, agreements, dataset registry, users, upload batches, audit trail.
-- Runs as portal_owner (see lib/db/migrate.ts). The application connects as portal_app, which
-- owns nothing and has neither SUPERUSER nor BYPASSRLS, so every policy below binds it.

-- Context of the current unit of work, set per transaction by lib/db/tenant.ts with
-- set_config(..., true). Unset means "no context": every policy then denies.
CREATE FUNCTION app_ctx() RETURNS text LANGUAGE sql STABLE AS
$$ SELECT nullif(current_setting('app.context', true), '') $$;
CREATE FUNCTION app_org() RETURNS uuid LANGUAGE sql STABLE AS
$$ SELECT nullif(current_setting('app.org_id', true), '')::uuid $$;
CREATE FUNCTION app_user_id() RETURNS uuid LANGUAGE sql STABLE AS
$$ SELECT nullif(current_setting('app.user_id', true), '')::uuid $$;

CREATE TYPE "OrgKind" AS ENUM ('county_council', 'borough_council', 'police', 'university', 'local_authority', 'platform_operator');
CREATE TYPE "Role" AS ENUM ('partner_analyst', 'researcher', 'approver', 'administrator');
CREATE TYPE "BatchStatus" AS ENUM ('received', 'loading', 'loaded', 'refused', 'incident', 'withdrawn', 'superseded', 'failed');
CREATE TYPE "BatchSource" AS ENUM ('browser', 'sftp', 'cli', 'demo');

CREATE TABLE organisation (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  slug text NOT NULL UNIQUE,
  name text NOT NULL,
  kind "OrgKind" NOT NULL,
  active boolean NOT NULL DEFAULT true,
  dp_contact_email text,
  created_at timestamptz(6) NOT NULL DEFAULT now()
);

CREATE TABLE dataset (
  id text PRIMARY KEY,
  title text NOT NULL,
  grain text NOT NULL,
  spec_version integer NOT NULL DEFAULT 1
);

CREATE TABLE agreement (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  slug text NOT NULL UNIQUE,
  name text NOT NULL,
  purpose text NOT NULL,
  owner_org_id uuid NOT NULL REFERENCES organisation(id),
  start_date date NOT NULL,
  review_date date NOT NULL,
  end_date date NOT NULL,
  suppression_threshold integer NOT NULL DEFAULT 5 CHECK (suppression_threshold BETWEEN 1 AND 100),
  batch_cadence_months integer,
  created_at timestamptz(6) NOT NULL DEFAULT now(),
  CHECK (start_date <= review_date AND review_date <= end_date)
);

CREATE TABLE agreement_partner (
  agreement_id uuid NOT NULL REFERENCES agreement(id),
  org_id uuid NOT NULL REFERENCES organisation(id),
  role text NOT NULL,
  PRIMARY KEY (agreement_id, org_id)
);

CREATE TABLE agreement_dataset (
  agreement_id uuid NOT NULL REFERENCES agreement(id),
  dataset_id text NOT NULL REFERENCES dataset(id),
  supplier_org_id uuid NOT NULL REFERENCES organisation(id),
  PRIMARY KEY (agreement_id, dataset_id, supplier_org_id)
);

CREATE TABLE app_user (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  email text NOT NULL UNIQUE,
  display_name text NOT NULL,
  role "Role" NOT NULL,
  org_id uuid NOT NULL REFERENCES organisation(id),
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz(6) NOT NULL DEFAULT now(),
  last_sign_in_at timestamptz(6)
);

CREATE TABLE upload_batch (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES organisation(id),
  dataset_id text NOT NULL REFERENCES dataset(id),
  agreement_id uuid REFERENCES agreement(id),
  period text,
  source "BatchSource" NOT NULL,
  status "BatchStatus" NOT NULL DEFAULT 'received',
  original_filename text NOT NULL,
  file_sha256 text,
  file_size bigint,
  rows_total integer,
  rows_loaded integer,
  error_count integer,
  load_valid_rows_only boolean NOT NULL DEFAULT false,
  uploaded_by_id uuid,
  created_at timestamptz(6) NOT NULL DEFAULT now(),
  completed_at timestamptz(6),
  withdrawn_at timestamptz(6),
  superseded_by_id uuid
);
CREATE INDEX upload_batch_org_id_dataset_id_created_at_idx ON upload_batch (org_id, dataset_id, created_at);

-- Row-level security. FORCE so that even the owner is bound (defence in depth; the app is not
-- the owner anyway).
ALTER TABLE organisation ENABLE ROW LEVEL SECURITY;
ALTER TABLE organisation FORCE ROW LEVEL SECURITY;
-- Organisation names are needed in every context; only administrators and the system change them.
CREATE POLICY organisation_read ON organisation FOR SELECT USING (app_ctx() IS NOT NULL);
CREATE POLICY organisation_write ON organisation FOR ALL
  USING (app_ctx() IN ('admin', 'system')) WITH CHECK (app_ctx() IN ('admin', 'system'));

ALTER TABLE agreement ENABLE ROW LEVEL SECURITY;
ALTER TABLE agreement FORCE ROW LEVEL SECURITY;
CREATE POLICY agreement_read ON agreement FOR SELECT USING (app_ctx() IS NOT NULL);
CREATE POLICY agreement_write ON agreement FOR ALL
  USING (app_ctx() IN ('admin', 'system')) WITH CHECK (app_ctx() IN ('admin', 'system'));

ALTER TABLE agreement_partner ENABLE ROW LEVEL SECURITY;
ALTER TABLE agreement_partner FORCE ROW LEVEL SECURITY;
CREATE POLICY agreement_partner_read ON agreement_partner FOR SELECT USING (app_ctx() IS NOT NULL);
CREATE POLICY agreement_partner_write ON agreement_partner FOR ALL
  USING (app_ctx() IN ('admin', 'system')) WITH CHECK (app_ctx() IN ('admin', 'system'));

ALTER TABLE agreement_dataset ENABLE ROW LEVEL SECURITY;
ALTER TABLE agreement_dataset FORCE ROW LEVEL SECURITY;
CREATE POLICY agreement_dataset_read ON agreement_dataset FOR SELECT USING (app_ctx() IS NOT NULL);
CREATE POLICY agreement_dataset_write ON agreement_dataset FOR ALL
  USING (app_ctx() IN ('admin', 'system')) WITH CHECK (app_ctx() IN ('admin', 'system'));

-- Users: a partner sees the accounts of its own organisation; administrators and the identity
-- provider (system) see all. Nobody deletes accounts: they are disabled, so the audit trail keeps
-- its referents.
ALTER TABLE app_user ENABLE ROW LEVEL SECURITY;
ALTER TABLE app_user FORCE ROW LEVEL SECURITY;
CREATE POLICY app_user_read ON app_user FOR SELECT
  USING (app_ctx() IN ('admin', 'system') OR (app_ctx() = 'org' AND org_id = app_org()) OR id = app_user_id());
CREATE POLICY app_user_insert ON app_user FOR INSERT WITH CHECK (app_ctx() IN ('admin', 'system'));
CREATE POLICY app_user_update ON app_user FOR UPDATE
  USING (app_ctx() IN ('admin', 'system')) WITH CHECK (app_ctx() IN ('admin', 'system'));

-- Upload batches are partner metadata: the owning organisation reads and writes its own; the
-- platform's system jobs (matching, retention) and administrators read all; researchers read all
-- for data coverage ("whose data is in the run, as of when") but change nothing.
ALTER TABLE upload_batch ENABLE ROW LEVEL SECURITY;
ALTER TABLE upload_batch FORCE ROW LEVEL SECURITY;
CREATE POLICY upload_batch_own ON upload_batch FOR ALL
  USING (app_ctx() = 'org' AND org_id = app_org())
  WITH CHECK (app_ctx() = 'org' AND org_id = app_org());
CREATE POLICY upload_batch_read ON upload_batch FOR SELECT
  USING (app_ctx() IN ('admin', 'system', 'researcher', 'matching'));
CREATE POLICY upload_batch_system ON upload_batch FOR UPDATE
  USING (app_ctx() = 'system') WITH CHECK (app_ctx() = 'system');

-- Audit trail ---------------------------------------------------------------------------------
CREATE TABLE audit_event (
  id bigint PRIMARY KEY,
  at timestamptz(6) NOT NULL DEFAULT now(),
  actor_user_id uuid,
  actor_label text NOT NULL,
  org_id uuid,
  role text,
  action text NOT NULL,
  target_type text,
  target_id text,
  request_id text,
  outcome text NOT NULL,
  details jsonb,
  prev_hash text NOT NULL,
  hash text NOT NULL
);
CREATE INDEX audit_event_org_id_at_idx ON audit_event (org_id, at);
CREATE INDEX audit_event_action_at_idx ON audit_event (action, at);

-- One row holding the head of the chain. Locking it serialises inserts so that ids are dense and
-- in the order the chain was extended; the app role has no privilege on it at all.
CREATE TABLE audit_chain_head (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  last_id bigint NOT NULL,
  last_hash text NOT NULL
);
INSERT INTO audit_chain_head VALUES (true, 0, repeat('0', 64));

-- The digest covers every column, in a fixed textual form independent of session settings
-- (time zone, DateStyle), so a verifier recomputes it exactly.
CREATE FUNCTION audit_event_digest(e audit_event) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT encode(sha256(convert_to(concat_ws(chr(31),
    e.prev_hash, e.id::text,
    to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
    coalesce(e.actor_user_id::text, ''), e.actor_label, coalesce(e.org_id::text, ''),
    coalesce(e.role, ''), e.action, coalesce(e.target_type, ''), coalesce(e.target_id, ''),
    coalesce(e.request_id, ''), e.outcome, coalesce(e.details::text, '')
  ), 'UTF8')), 'hex')
$$;

CREATE FUNCTION audit_event_chain() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = public, pg_temp AS $$
DECLARE
  head audit_chain_head%ROWTYPE;
BEGIN
  SELECT * INTO head FROM audit_chain_head WHERE singleton FOR UPDATE;
  NEW.id := head.last_id + 1;
  NEW.at := date_trunc('microseconds', clock_timestamp());
  NEW.prev_hash := head.last_hash;
  NEW.hash := audit_event_digest(NEW);
  UPDATE audit_chain_head SET last_id = NEW.id, last_hash = NEW.hash WHERE singleton;
  RETURN NEW;
END
$$;
CREATE TRIGGER audit_event_chain BEFORE INSERT ON audit_event
  FOR EACH ROW EXECUTE FUNCTION audit_event_chain();

-- Returns the first event whose stored hash or link does not match a recomputation, or nothing.
CREATE FUNCTION audit_verify_chain(OUT first_bad_id bigint, OUT problem text, OUT checked bigint)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  e audit_event%ROWTYPE;
  expected_prev text := repeat('0', 64);
  expected_id bigint := 1;
BEGIN
  checked := 0;
  FOR e IN SELECT * FROM audit_event ORDER BY id LOOP
    IF e.id <> expected_id THEN
      first_bad_id := expected_id; problem := 'missing event'; RETURN;
    END IF;
    IF e.prev_hash <> expected_prev THEN
      first_bad_id := e.id; problem := 'broken link to previous event'; RETURN;
    END IF;
    IF e.hash <> audit_event_digest(e) THEN
      first_bad_id := e.id; problem := 'content does not match its hash'; RETURN;
    END IF;
    expected_prev := e.hash;
    expected_id := e.id + 1;
    checked := checked + 1;
  END LOOP;
  IF expected_id - 1 <> (SELECT last_id FROM audit_chain_head) THEN
    first_bad_id := expected_id; problem := 'events missing at the end of the chain'; RETURN;
  END IF;
END
$$;

-- Audit events never carry data values. A partner reads its own organisation's events;
-- administrators read all; everyone may append.
ALTER TABLE audit_event ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_event FORCE ROW LEVEL SECURITY;
CREATE POLICY audit_event_append ON audit_event FOR INSERT WITH CHECK (true);
CREATE POLICY audit_event_read ON audit_event FOR SELECT
  USING (app_ctx() IN ('admin', 'system') OR (app_ctx() = 'org' AND org_id = app_org())
         OR current_user = 'portal_owner');

-- Platform settings (password policy, first-run state, ...): administrators and the system only.
CREATE TABLE system_setting (
  key text PRIMARY KEY,
  value jsonb NOT NULL,
  updated_at timestamptz(6) NOT NULL DEFAULT now()
);
ALTER TABLE system_setting ENABLE ROW LEVEL SECURITY;
ALTER TABLE system_setting FORCE ROW LEVEL SECURITY;
CREATE POLICY system_setting_all ON system_setting FOR ALL
  USING (app_ctx() IN ('admin', 'system')) WITH CHECK (app_ctx() IN ('admin', 'system'));

-- Grants: the application role gets exactly what it needs, table by table.
GRANT USAGE ON SCHEMA public TO portal_app;
GRANT EXECUTE ON FUNCTION app_ctx(), app_org(), app_user_id() TO portal_app;
GRANT SELECT, INSERT, UPDATE ON organisation, agreement, app_user, upload_batch TO portal_app;
GRANT SELECT, INSERT, DELETE ON agreement_partner, agreement_dataset TO portal_app;
GRANT SELECT ON dataset TO portal_app;
GRANT SELECT, INSERT, UPDATE ON system_setting TO portal_app;
GRANT SELECT, INSERT ON audit_event TO portal_app;
REVOKE ALL ON audit_chain_head FROM PUBLIC;
REVOKE ALL ON FUNCTION audit_verify_chain() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION audit_verify_chain() TO portal_app;

-- The dataset registry mirrors lib/datasets (the data specification, version 1).
INSERT INTO dataset (id, title, grain, spec_version) VALUES
  ('housing-benefits', 'Housing and benefits', 'one row per household', 1),
  ('social-care', 'Children''s social care', 'one row per episode known to children''s social care', 1),
  ('school-readiness', 'School readiness', 'one row per child per assessment year', 1),
  ('youth-offending', 'Youth offending', 'rows per address', 1),
  ('drug-alcohol', 'Drug and alcohol misuse', 'rows per address', 1),
  ('police-crime', 'Police and crime', 'rows per address', 1),
  ('troubled-families', 'Troubled Families evaluation', 'one row per person per 6-monthly batch', 1);
