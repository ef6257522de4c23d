-- The Troubled Families evaluation's results: one row per matching run of the troubled-families
-- agreement, scope (a council or all) and cohort (a batch period or all). Rows hold only what the
-- disclosure rules publish (lib/troubled-families/publish.ts), never a person or family.
CREATE TABLE tf_evaluation_result (
  run_id       uuid        NOT NULL REFERENCES matching_run (id) ON DELETE CASCADE,
  scope_org_id uuid,
  scope        text        NOT NULL,
  cohort       text        NOT NULL,
  published    jsonb       NOT NULL,
  summary      jsonb       NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (run_id, scope, cohort),
  CHECK ((scope = 'all') = (scope_org_id IS NULL)),
  CHECK (scope = 'all' OR scope = scope_org_id::text)
);

-- Who reads what: researchers, approvers (the researcher context), administrators and the jobs see
-- every scope; a council's own users (the organisation context) see only their council's rows,
-- the agreement's "aggregates fed back to councils". The run writes them in the matching context.
ALTER TABLE tf_evaluation_result ENABLE ROW LEVEL SECURITY;
ALTER TABLE tf_evaluation_result FORCE ROW LEVEL SECURITY;
CREATE POLICY tf_evaluation_result_read ON tf_evaluation_result FOR SELECT
  USING ((SELECT app_ctx()) IN ('researcher', 'admin', 'system', 'matching')
         OR ((SELECT app_ctx()) = 'org' AND scope_org_id = (SELECT app_org())));
CREATE POLICY tf_evaluation_result_insert ON tf_evaluation_result FOR INSERT WITH CHECK ((SELECT app_ctx()) = 'matching');
CREATE POLICY tf_evaluation_result_discard ON tf_evaluation_result FOR DELETE USING (current_user = 'portal_owner');

GRANT SELECT, INSERT ON tf_evaluation_result TO portal_app;

-- Discarding a superseded or failed run's rows now covers its evaluation results too.
CREATE OR REPLACE FUNCTION matching_discard_analysis(runs uuid[]) RETURNS bigint LANGUAGE plpgsql SECURITY DEFINER
SET search_path = public, pg_temp AS $$
DECLARE
  n bigint;
  m bigint;
BEGIN
  IF app_ctx() IS DISTINCT FROM 'matching' THEN
    RAISE EXCEPTION 'only the matching job discards analysis rows' USING ERRCODE = '42501';
  END IF;
  DELETE FROM analysis_child
  WHERE run_id = ANY (runs)
    AND run_id NOT IN (SELECT run_id FROM matching_live);
  GET DIAGNOSTICS n = ROW_COUNT;
  DELETE FROM tf_evaluation_result
  WHERE run_id = ANY (runs)
    AND run_id NOT IN (SELECT run_id FROM matching_live);
  GET DIAGNOSTICS m = ROW_COUNT;
  RETURN n + m;
END
$$;
