-- Output checking and release (issue 12, decision 120). A researcher's release request lists
-- outputs by definition (a dashboard table and its filters), never by typed numbers; the platform
-- computes the check report when the request is submitted; approvers of the agreement review it;
-- an approved request becomes a numbered release whose files are hashed and listed in a public
-- register. Submitted requests and released files never change.

CREATE TYPE "ReleaseAudience" AS ENUM ('publication', 'partners', 'internal');
CREATE TYPE "ReleaseRequestStatus" AS ENUM ('draft', 'submitted', 'returned', 'refused', 'approved');

-- The signed-in user's organisation and role, for policies of the researcher context (which
-- carries only the user id). app_user's own policy lets every user read their own row.
CREATE FUNCTION app_user_org() RETURNS uuid LANGUAGE sql STABLE AS
$$ SELECT org_id FROM app_user WHERE id = app_user_id() AND active $$;
CREATE FUNCTION app_user_role() RETURNS text LANGUAGE sql STABLE AS
$$ SELECT role::text FROM app_user WHERE id = app_user_id() AND active $$;

-- The user's organisation owns the agreement, is a partner to it, or supplies one of its datasets
-- (a data owner).
CREATE FUNCTION release_party(agreement uuid) RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT EXISTS (SELECT 1 FROM agreement a WHERE a.id = agreement AND a.owner_org_id = app_user_org())
      OR EXISTS (SELECT 1 FROM agreement_partner p WHERE p.agreement_id = agreement AND p.org_id = app_user_org())
      OR EXISTS (SELECT 1 FROM agreement_dataset d WHERE d.agreement_id = agreement AND d.supplier_org_id = app_user_org())
$$;

-- Per agreement: must every data owner of the run approve too, or the owner organisation alone?
-- No row means the owner organisation alone.
CREATE TABLE release_approval_rule (
  agreement_id uuid PRIMARY KEY REFERENCES agreement(id),
  data_owners_must_approve boolean NOT NULL DEFAULT false,
  updated_at timestamptz(6) NOT NULL DEFAULT now()
);

CREATE TABLE release_request (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  agreement_id uuid NOT NULL REFERENCES agreement(id),
  org_id uuid NOT NULL REFERENCES organisation(id),
  created_by_id uuid NOT NULL REFERENCES app_user(id),
  -- As the requester was when asking: approvers of other organisations cannot read their account.
  created_by_name text NOT NULL,
  created_by_email text NOT NULL,
  run_id uuid NOT NULL REFERENCES matching_run(id),
  title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  purpose text NOT NULL CHECK (length(purpose) BETWEEN 1 AND 4000),
  audience "ReleaseAudience" NOT NULL,
  status "ReleaseRequestStatus" NOT NULL DEFAULT 'draft',
  version integer NOT NULL DEFAULT 1,
  previous_id uuid UNIQUE REFERENCES release_request(id),
  check_report jsonb,
  created_at timestamptz(6) NOT NULL DEFAULT now(),
  submitted_at timestamptz(6),
  decided_at timestamptz(6),
  CHECK ((status = 'draft') = (submitted_at IS NULL)),
  CHECK (status = 'draft' OR check_report IS NOT NULL)
);
CREATE INDEX release_request_org_idx ON release_request (org_id, created_at DESC);
CREATE INDEX release_request_agreement_idx ON release_request (agreement_id, status);

CREATE TABLE release_output (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  request_id uuid NOT NULL REFERENCES release_request(id),
  position integer NOT NULL,
  table_id text NOT NULL,
  filter_year integer,
  filter_district text,
  UNIQUE (request_id, position)
);
CREATE UNIQUE INDEX release_output_definition_idx ON release_output (request_id, table_id, filter_year, filter_district) NULLS NOT DISTINCT;

CREATE TABLE release_review (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  request_id uuid NOT NULL REFERENCES release_request(id),
  reviewer_id uuid NOT NULL REFERENCES app_user(id),
  reviewer_org_id uuid NOT NULL REFERENCES organisation(id),
  reviewer_name text NOT NULL,
  decision text NOT NULL CHECK (decision IN ('approve', 'refuse', 'return')),
  comment text NOT NULL DEFAULT '' CHECK (length(comment) <= 4000),
  created_at timestamptz(6) NOT NULL DEFAULT now(),
  -- One decision per approver per version: approving twice is impossible, not merely refused.
  UNIQUE (request_id, reviewer_id)
);

CREATE SEQUENCE release_number_seq;
CREATE TABLE release (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  number integer NOT NULL UNIQUE DEFAULT nextval('release_number_seq'),
  request_id uuid NOT NULL UNIQUE REFERENCES release_request(id),
  agreement_id uuid NOT NULL REFERENCES agreement(id),
  run_id uuid NOT NULL REFERENCES matching_run(id),
  title text NOT NULL,
  audience "ReleaseAudience" NOT NULL,
  data_period text NOT NULL,
  approvers text NOT NULL,
  released_at timestamptz(6) NOT NULL DEFAULT now(),
  withdrawn_at timestamptz(6),
  withdrawn_reason text CHECK (length(withdrawn_reason) <= 2000),
  withdrawn_by_name text,
  CHECK ((withdrawn_at IS NULL) = (withdrawn_reason IS NULL))
);
ALTER SEQUENCE release_number_seq OWNED BY release.number;
CREATE INDEX release_run_idx ON release (run_id);

CREATE TABLE release_file (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  release_id uuid NOT NULL REFERENCES release(id),
  -- 'table': the CSV of one output; 'report': the PDF report of the whole release.
  kind text NOT NULL DEFAULT 'table' CHECK (kind IN ('table', 'report')),
  output_id uuid REFERENCES release_output(id),
  position integer NOT NULL,
  file_name text NOT NULL,
  sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  size integer NOT NULL,
  -- The table's definition and its protected cells as released: what later requests on the same
  -- run are protected against (lib/release/check.ts). Counts as published, never hidden values.
  table_spec jsonb,
  protected_table jsonb,
  created_at timestamptz(6) NOT NULL DEFAULT now(),
  UNIQUE (release_id, position),
  CHECK ((kind = 'table') = (output_id IS NOT NULL AND table_spec IS NOT NULL AND protected_table IS NOT NULL))
);

-- Immutability, in the database so no code path can bypass it.
CREATE FUNCTION release_request_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.status = 'draft' THEN
    RETURN NEW;
  END IF;
  IF OLD.status <> 'submitted' OR NEW.status NOT IN ('returned', 'refused', 'approved')
     OR (NEW.title, NEW.purpose, NEW.audience, NEW.run_id, NEW.check_report::text, NEW.version, NEW.org_id, NEW.created_by_id, NEW.submitted_at)
        IS DISTINCT FROM (OLD.title, OLD.purpose, OLD.audience, OLD.run_id, OLD.check_report::text, OLD.version, OLD.org_id, OLD.created_by_id, OLD.submitted_at) THEN
    RAISE EXCEPTION 'release request % is no longer a draft and cannot change', OLD.id USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER release_request_guard BEFORE UPDATE ON release_request FOR EACH ROW EXECUTE FUNCTION release_request_guard();

CREATE FUNCTION release_output_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  req uuid := CASE WHEN TG_OP = 'DELETE' THEN OLD.request_id ELSE NEW.request_id END;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM release_request WHERE id = req AND status = 'draft') THEN
    RAISE EXCEPTION 'the outputs of release request % cannot change once it is submitted', req USING ERRCODE = 'check_violation';
  END IF;
  RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END $$;
CREATE TRIGGER release_output_guard BEFORE INSERT OR UPDATE OR DELETE ON release_output FOR EACH ROW EXECUTE FUNCTION release_output_guard();

-- A release changes once: when it is withdrawn (it stays in the register).
CREATE FUNCTION release_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.withdrawn_at IS NOT NULL
     OR (NEW.number, NEW.request_id, NEW.agreement_id, NEW.run_id, NEW.title, NEW.audience, NEW.data_period, NEW.approvers, NEW.released_at)
        IS DISTINCT FROM (OLD.number, OLD.request_id, OLD.agreement_id, OLD.run_id, OLD.title, OLD.audience, OLD.data_period, OLD.approvers, OLD.released_at) THEN
    RAISE EXCEPTION 'release % cannot change except by being withdrawn once', OLD.number USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER release_guard BEFORE UPDATE ON release FOR EACH ROW EXECUTE FUNCTION release_guard();

-- Row-level security ----------------------------------------------------------------------------
ALTER TABLE release_approval_rule ENABLE ROW LEVEL SECURITY;
ALTER TABLE release_approval_rule FORCE ROW LEVEL SECURITY;
CREATE POLICY release_approval_rule_read ON release_approval_rule FOR SELECT USING (app_ctx() IS NOT NULL);
CREATE POLICY release_approval_rule_write ON release_approval_rule FOR ALL
  USING (app_ctx() IN ('admin', 'system')) WITH CHECK (app_ctx() IN ('admin', 'system'));

-- Researchers see their own organisation's requests; approvers see the submitted requests of
-- agreements their organisation is party to; administrators and the system see all.
ALTER TABLE release_request ENABLE ROW LEVEL SECURITY;
ALTER TABLE release_request FORCE ROW LEVEL SECURITY;
CREATE POLICY release_request_read ON release_request FOR SELECT USING (
  app_ctx() IN ('admin', 'system')
  OR (app_ctx() = 'researcher' AND app_user_role() = 'researcher' AND org_id = app_user_org())
  OR (app_ctx() = 'researcher' AND app_user_role() = 'approver' AND status <> 'draft' AND release_party(agreement_id)));
CREATE POLICY release_request_insert ON release_request FOR INSERT WITH CHECK (
  app_ctx() = 'researcher' AND app_user_role() = 'researcher' AND org_id = app_user_org() AND created_by_id = app_user_id());
CREATE POLICY release_request_update ON release_request FOR UPDATE USING (
  (app_ctx() = 'researcher' AND app_user_role() = 'researcher' AND org_id = app_user_org())
  OR (app_ctx() = 'researcher' AND app_user_role() = 'approver' AND status = 'submitted' AND release_party(agreement_id)))
  WITH CHECK (
  (app_ctx() = 'researcher' AND app_user_role() = 'researcher' AND org_id = app_user_org() AND status IN ('draft', 'submitted'))
  OR (app_ctx() = 'researcher' AND app_user_role() = 'approver' AND status IN ('returned', 'refused', 'approved') AND release_party(agreement_id)));
CREATE POLICY release_request_delete ON release_request FOR DELETE USING (
  app_ctx() = 'researcher' AND app_user_role() = 'researcher' AND org_id = app_user_org() AND status = 'draft');

-- Outputs and reviews follow their request (the subquery is itself bound by the request's policy).
ALTER TABLE release_output ENABLE ROW LEVEL SECURITY;
ALTER TABLE release_output FORCE ROW LEVEL SECURITY;
CREATE POLICY release_output_read ON release_output FOR SELECT USING (
  EXISTS (SELECT 1 FROM release_request r WHERE r.id = request_id));
CREATE POLICY release_output_write ON release_output FOR ALL USING (
  app_ctx() = 'researcher' AND app_user_role() = 'researcher'
  AND EXISTS (SELECT 1 FROM release_request r WHERE r.id = request_id AND r.org_id = app_user_org()))
  WITH CHECK (app_ctx() = 'researcher' AND app_user_role() = 'researcher'
  AND EXISTS (SELECT 1 FROM release_request r WHERE r.id = request_id AND r.org_id = app_user_org()));

ALTER TABLE release_review ENABLE ROW LEVEL SECURITY;
ALTER TABLE release_review FORCE ROW LEVEL SECURITY;
CREATE POLICY release_review_read ON release_review FOR SELECT USING (
  EXISTS (SELECT 1 FROM release_request r WHERE r.id = request_id));
CREATE POLICY release_review_insert ON release_review FOR INSERT WITH CHECK (
  app_ctx() = 'researcher' AND app_user_role() = 'approver' AND reviewer_id = app_user_id() AND reviewer_org_id = app_user_org()
  AND EXISTS (SELECT 1 FROM release_request r WHERE r.id = request_id AND r.status = 'submitted'));

-- The register holds no data (titles, dates, approvers, hashes): every context reads it; the
-- public page reads it in the system context. Approvers create releases and withdraw them.
ALTER TABLE release ENABLE ROW LEVEL SECURITY;
ALTER TABLE release FORCE ROW LEVEL SECURITY;
CREATE POLICY release_read ON release FOR SELECT USING (app_ctx() IS NOT NULL);
CREATE POLICY release_insert ON release FOR INSERT WITH CHECK (
  app_ctx() = 'researcher' AND app_user_role() = 'approver' AND release_party(agreement_id));
CREATE POLICY release_withdraw ON release FOR UPDATE
  USING ((app_ctx() = 'researcher' AND app_user_role() = 'approver' AND release_party(agreement_id)) OR app_ctx() = 'admin')
  WITH CHECK ((app_ctx() = 'researcher' AND app_user_role() = 'approver' AND release_party(agreement_id)) OR app_ctx() = 'admin');

ALTER TABLE release_file ENABLE ROW LEVEL SECURITY;
ALTER TABLE release_file FORCE ROW LEVEL SECURITY;
CREATE POLICY release_file_read ON release_file FOR SELECT USING (app_ctx() IS NOT NULL);
CREATE POLICY release_file_insert ON release_file FOR INSERT WITH CHECK (
  app_ctx() = 'researcher' AND app_user_role() = 'approver'
  AND EXISTS (SELECT 1 FROM release l WHERE l.id = release_id AND release_party(l.agreement_id)));

-- Researchers (and approvers) may see who the approvers are, to know whom a request goes to and
-- to notify them; approvers are named people by the agreements' terms.
CREATE POLICY app_user_release_approvers ON app_user FOR SELECT
  USING (app_ctx() = 'researcher' AND role = 'approver' AND active);

-- recordAudit appends with RETURNING, which needs the new row to be readable: in the researcher
-- context, a user may read the events they caused themselves (nothing else of the trail).
CREATE POLICY audit_event_own_researcher ON audit_event FOR SELECT
  USING (app_ctx() = 'researcher' AND actor_user_id = app_user_id());

-- The workflow's notices (lib/release) are queued in the researcher context's transactions.
CREATE POLICY notification_outbox_release ON notification_outbox FOR INSERT
  WITH CHECK (app_ctx() = 'researcher' AND kind LIKE 'release.%');

GRANT SELECT, INSERT, UPDATE, DELETE ON release_request, release_output TO portal_app;
GRANT SELECT, INSERT ON release_review, release_file TO portal_app;
GRANT SELECT, INSERT, UPDATE ON release, release_approval_rule TO portal_app;
GRANT USAGE ON SEQUENCE release_number_seq TO portal_app;
