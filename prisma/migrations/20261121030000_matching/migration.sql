-- Matching: versioned runs linking the partner datasets on pseudonymised keys, per-dataset match
-- statistics, key-quality warnings, the analysis table (one row per assessed child) and the
-- address → output-area lookup. See docs/decisions/060-matching.md.
--
-- Contexts: 'matching' reads the partners' ds_* tables and writes everything here; 'researcher'
-- reads the analysis table and run metadata but never ds_*; 'org' reads only the match-rate rows
-- and warnings of its own organisation's datasets.

-- Address → output area, supplied as a pseudonymised lookup (same salt as the partners' keys) by
-- the county council; loaded by the system, read only by the matching job.
CREATE TABLE geo_address_area (
  address_key text PRIMARY KEY CHECK (address_key ~ '^[0-9a-f]{64}$'),
  oa_code text NOT NULL,
  ward_name text NOT NULL,
  loaded_at timestamptz(6) NOT NULL DEFAULT now()
);

CREATE SEQUENCE matching_run_version_seq AS integer;

CREATE TABLE matching_run (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  version integer NOT NULL UNIQUE DEFAULT nextval('matching_run_version_seq'),
  agreement_id uuid NOT NULL REFERENCES agreement(id),
  status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'succeeded', 'failed')),
  trigger text NOT NULL CHECK (trigger IN ('batch-loaded', 'batch-withdrawn', 'on-demand', 'reconcile', 'demo', 'benchmark')),
  requested_by_id uuid,
  attempts integer NOT NULL DEFAULT 0,
  progress smallint NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
  stage text NOT NULL DEFAULT 'Waiting for a worker',
  error text,
  batch_ids uuid[] NOT NULL DEFAULT '{}',
  children integer,
  created_at timestamptz(6) NOT NULL DEFAULT now(),
  started_at timestamptz(6),
  finished_at timestamptz(6)
);
ALTER SEQUENCE matching_run_version_seq OWNED BY matching_run.version;
CREATE INDEX matching_run_agreement_id_status_idx ON matching_run (agreement_id, status, version);

-- The run readers use, one per agreement. Switched in the transaction that finalises a run, so a
-- reader sees either the previous complete run or the new complete run, never a partial one.
CREATE TABLE matching_live (
  agreement_id uuid PRIMARY KEY REFERENCES agreement(id),
  run_id uuid NOT NULL UNIQUE REFERENCES matching_run(id),
  switched_at timestamptz(6) NOT NULL DEFAULT now()
);

-- Per run, dataset, supplying organisation and key column: what was linked.
CREATE TABLE matching_run_dataset (
  run_id uuid NOT NULL REFERENCES matching_run(id) ON DELETE CASCADE,
  dataset_id text NOT NULL REFERENCES dataset(id),
  org_id uuid NOT NULL REFERENCES organisation(id),
  key_column text NOT NULL CHECK (key_column IN ('address_key', 'person_key')),
  batch_id uuid NOT NULL,
  batch_loaded_at timestamptz(6),
  row_count integer NOT NULL,
  distinct_keys integer NOT NULL,
  matched_keys integer NOT NULL,
  match_rate numeric(5,2),
  PRIMARY KEY (run_id, dataset_id, org_id, key_column)
);

CREATE TABLE matching_quality_warning (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  run_id uuid NOT NULL REFERENCES matching_run(id) ON DELETE CASCADE,
  dataset_id text NOT NULL REFERENCES dataset(id),
  org_id uuid NOT NULL REFERENCES organisation(id),
  key_column text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('frequent-key', 'empty-identifier-digest', 'case-variant')),
  affected_keys integer NOT NULL,
  affected_rows integer NOT NULL,
  detail text NOT NULL
);
CREATE INDEX matching_quality_warning_run_idx ON matching_quality_warning (run_id, org_id);

-- One row per assessed child of a run. No keys: the row number follows the order of the child's
-- person key, which lets tests compare links exactly without the table holding a pseudonym.
CREATE TABLE analysis_child (
  run_id uuid NOT NULL REFERENCES matching_run(id),
  child_no integer NOT NULL,
  assessment_year smallint NOT NULL,
  school_district text NOT NULL,
  area text NOT NULL CHECK (area IN ('vange', 'rest', 'unknown')),
  oa_code text,
  gender text NOT NULL,
  fsm boolean NOT NULL,
  ethnicity_group text NOT NULL,
  season_of_birth text NOT NULL CHECK (season_of_birth IN ('autumn', 'spring', 'summer')),
  gld boolean,
  aol_communication boolean,
  aol_physical boolean,
  aol_personal_social boolean,
  aol_literacy boolean,
  aol_mathematics boolean,
  aol_understanding_world boolean,
  aol_expressive_arts boolean,
  linked_housing_benefits boolean NOT NULL,
  linked_social_care boolean NOT NULL,
  linked_social_care_household boolean NOT NULL,
  linked_youth_offending boolean NOT NULL,
  linked_drug_alcohol boolean NOT NULL,
  linked_police_crime boolean NOT NULL,
  f_low_income boolean NOT NULL,
  f_lone_parent boolean NOT NULL,
  f_social_care boolean NOT NULL,
  f_youth_offending boolean NOT NULL,
  f_substance_misuse boolean NOT NULL,
  f_crime_asb boolean NOT NULL,
  f_domestic_violence boolean NOT NULL,
  risk_factors smallint NOT NULL,
  PRIMARY KEY (run_id, child_no)
);

-- Row-level security -------------------------------------------------------------------------
ALTER TABLE geo_address_area ENABLE ROW LEVEL SECURITY;
ALTER TABLE geo_address_area FORCE ROW LEVEL SECURITY;
CREATE POLICY geo_address_area_match ON geo_address_area FOR SELECT USING (app_ctx() = 'matching');
CREATE POLICY geo_address_area_system ON geo_address_area FOR ALL
  USING (app_ctx() = 'system') WITH CHECK (app_ctx() = 'system');

-- Run metadata (status, progress, version, dates) holds no partner data.
ALTER TABLE matching_run ENABLE ROW LEVEL SECURITY;
ALTER TABLE matching_run FORCE ROW LEVEL SECURITY;
CREATE POLICY matching_run_read ON matching_run FOR SELECT
  USING (app_ctx() IN ('matching', 'researcher', 'org', 'admin', 'system'));
CREATE POLICY matching_run_write ON matching_run FOR INSERT WITH CHECK (app_ctx() = 'matching');
CREATE POLICY matching_run_update ON matching_run FOR UPDATE
  USING (app_ctx() = 'matching') WITH CHECK (app_ctx() = 'matching');

ALTER TABLE matching_live ENABLE ROW LEVEL SECURITY;
ALTER TABLE matching_live FORCE ROW LEVEL SECURITY;
CREATE POLICY matching_live_read ON matching_live FOR SELECT
  USING (app_ctx() IN ('matching', 'researcher', 'org', 'admin', 'system'));
CREATE POLICY matching_live_insert ON matching_live FOR INSERT WITH CHECK (app_ctx() = 'matching');
CREATE POLICY matching_live_update ON matching_live FOR UPDATE
  USING (app_ctx() = 'matching') WITH CHECK (app_ctx() = 'matching');

-- Match rates: an organisation sees its own datasets' rows; researchers and administrators all.
ALTER TABLE matching_run_dataset ENABLE ROW LEVEL SECURITY;
ALTER TABLE matching_run_dataset FORCE ROW LEVEL SECURITY;
CREATE POLICY matching_run_dataset_read ON matching_run_dataset FOR SELECT
  USING (app_ctx() IN ('matching', 'researcher', 'admin') OR (app_ctx() = 'org' AND org_id = app_org()));
CREATE POLICY matching_run_dataset_insert ON matching_run_dataset FOR INSERT WITH CHECK (app_ctx() = 'matching');

-- Key-quality warnings speak about one partner's file: only that partner (and the job) reads them.
ALTER TABLE matching_quality_warning ENABLE ROW LEVEL SECURITY;
ALTER TABLE matching_quality_warning FORCE ROW LEVEL SECURITY;
CREATE POLICY matching_quality_warning_read ON matching_quality_warning FOR SELECT
  USING (app_ctx() IN ('matching', 'admin') OR (app_ctx() = 'org' AND org_id = app_org()));
CREATE POLICY matching_quality_warning_insert ON matching_quality_warning FOR INSERT WITH CHECK (app_ctx() = 'matching');

-- The analysis table: written by the job, read only in the researcher context (and only ever
-- aggregated there). Rows are removed only through matching_discard_analysis() below.
ALTER TABLE analysis_child ENABLE ROW LEVEL SECURITY;
ALTER TABLE analysis_child FORCE ROW LEVEL SECURITY;
CREATE POLICY analysis_child_read ON analysis_child FOR SELECT
  USING (app_ctx() = 'researcher' OR current_user = 'portal_owner');
CREATE POLICY analysis_child_insert ON analysis_child FOR INSERT WITH CHECK (app_ctx() = 'matching');
CREATE POLICY analysis_child_discard ON analysis_child FOR DELETE USING (current_user = 'portal_owner');

-- Discards the analysis rows of superseded or failed runs. Deleting needs to read run_id, which
-- the matching context may not, so the job goes through this definer function; it never touches
-- the live run.
CREATE FUNCTION matching_discard_analysis(runs uuid[]) RETURNS bigint LANGUAGE plpgsql SECURITY DEFINER
SET search_path = public, pg_temp AS $$
DECLARE
  n bigint;
BEGIN
  IF app_ctx() IS DISTINCT FROM 'matching' THEN
    RAISE EXCEPTION 'only the matching job discards analysis rows' USING ERRCODE = '42501';
  END IF;
  DELETE FROM analysis_child
  WHERE run_id = ANY (runs)
    AND run_id NOT IN (SELECT run_id FROM matching_live);
  GET DIAGNOSTICS n = ROW_COUNT;
  RETURN n;
END
$$;

-- Grants ----------------------------------------------------------------------------------------
GRANT SELECT, INSERT, UPDATE, DELETE ON geo_address_area TO portal_app;
GRANT SELECT, INSERT, UPDATE ON matching_run, matching_live TO portal_app;
GRANT USAGE ON SEQUENCE matching_run_version_seq TO portal_app;
GRANT SELECT, INSERT ON matching_run_dataset, matching_quality_warning, analysis_child TO portal_app;
REVOKE ALL ON FUNCTION matching_discard_analysis(uuid[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION matching_discard_analysis(uuid[]) TO portal_app;
