-- Ingest: one table per dataset of the data specification (version 1), the incident register,
-- the notification outbox, SFTP inboxes, and per-batch validation reports.
-- Dataset columns and types come from lib/datasets (sqlTypeOf); tests/ingest/tables.integration.test.ts
-- checks that this migration and the registry agree.

-- Batch rows are partner data: only the supplying organisation (its own rows), the matching job
-- and the system (retention) may touch them. Researchers and administrators never read them:
-- no policy names those contexts, so RLS returns nothing to them.
CREATE FUNCTION ingest_protect_dataset_table(t text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
  EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
  EXECUTE format($p$CREATE POLICY %I ON %I FOR SELECT USING (app_ctx() = 'org' AND org_id = app_org())$p$, t || '_org_read', t);
  EXECUTE format($p$CREATE POLICY %I ON %I FOR INSERT WITH CHECK (app_ctx() = 'org' AND org_id = app_org())$p$, t || '_org_insert', t);
  EXECUTE format($p$CREATE POLICY %I ON %I FOR SELECT USING (app_ctx() = 'matching')$p$, t || '_matching_read', t);
  -- Retention deletes by batch; a DELETE with a WHERE clause also needs a SELECT policy.
  EXECUTE format($p$CREATE POLICY %I ON %I FOR SELECT USING (app_ctx() = 'system')$p$, t || '_system_read', t);
  EXECUTE format($p$CREATE POLICY %I ON %I FOR DELETE USING (app_ctx() = 'system')$p$, t || '_system_delete', t);
  EXECUTE format('GRANT SELECT, INSERT, DELETE ON %I TO portal_app', t);
  -- Rows of the batches that count for analysis now. security_invoker: the caller's RLS applies
  -- to both the rows and upload_batch, so the view opens nothing the tables do not.
  EXECUTE format(
    'CREATE VIEW %I WITH (security_invoker = true) AS SELECT d.* FROM %I d JOIN upload_batch b ON b.id = d.batch_id WHERE b.status = %L',
    t || '_live', t, 'loaded');
  EXECUTE format('GRANT SELECT ON %I TO portal_app', t || '_live');
END
$$;

-- Housing and benefits: One row per household.
CREATE TABLE ds_housing_benefits (
  batch_id uuid NOT NULL REFERENCES upload_batch(id),
  org_id uuid NOT NULL REFERENCES organisation(id),
  line_no integer NOT NULL,
  address_key text NOT NULL,
  council_tax_band text NOT NULL,
  council_tax_reduction_pct numeric(7,4),
  council_tax_reduction_gbp numeric(12,2),
  housing_benefit_gbp numeric(12,2),
  tenure text NOT NULL,
  arrears_gbp numeric(12,2),
  social_housing boolean NOT NULL,
  child_benefit boolean NOT NULL,
  child_tax_credits boolean NOT NULL,
  lone_parent_premium boolean NOT NULL,
  incapacity_benefit boolean NOT NULL,
  long_term_family_premium boolean NOT NULL,
  employment_income_gross_weekly numeric(12,2),
  employment_income_net_weekly numeric(12,2),
  self_employment_income_gross_weekly numeric(12,2),
  self_employment_income_net_weekly numeric(12,2),
  earned_income_disregard_weekly numeric(12,2),
  childcare_disregard_weekly numeric(12,2),
  PRIMARY KEY (batch_id, line_no)
);
SELECT ingest_protect_dataset_table('ds_housing_benefits');

-- Children's social care: One row per episode known to children's social care.
CREATE TABLE ds_social_care (
  batch_id uuid NOT NULL REFERENCES upload_batch(id),
  org_id uuid NOT NULL REFERENCES organisation(id),
  line_no integer NOT NULL,
  person_key text NOT NULL,
  address_key text NOT NULL,
  birth_month date NOT NULL,
  start_date date NOT NULL,
  end_date date,
  PRIMARY KEY (batch_id, line_no)
);
SELECT ingest_protect_dataset_table('ds_social_care');

-- School readiness: One row per child at the end of Reception.
CREATE TABLE ds_school_readiness (
  batch_id uuid NOT NULL REFERENCES upload_batch(id),
  org_id uuid NOT NULL REFERENCES organisation(id),
  line_no integer NOT NULL,
  person_key text NOT NULL,
  address_key text NOT NULL,
  assessment_year smallint NOT NULL,
  school_district text NOT NULL,
  school_urn text NOT NULL,
  gender text NOT NULL,
  birth_month date NOT NULL,
  ethnicity text NOT NULL,
  fsm boolean NOT NULL,
  elg01_listening_attention smallint,
  elg02_understanding smallint,
  elg03_speaking smallint,
  elg04_moving_handling smallint,
  elg05_health_self_care smallint,
  elg06_self_confidence smallint,
  elg07_managing_feelings smallint,
  elg08_making_relationships smallint,
  elg09_reading smallint,
  elg10_writing smallint,
  elg11_numbers smallint,
  elg12_shape_space_measures smallint,
  elg13_people_communities smallint,
  elg14_the_world smallint,
  elg15_technology smallint,
  elg16_media_materials smallint,
  elg17_being_imaginative smallint,
  school_ready boolean,
  PRIMARY KEY (batch_id, line_no)
);
SELECT ingest_protect_dataset_table('ds_school_readiness');

-- Youth offending: Rows per address.
CREATE TABLE ds_youth_offending (
  batch_id uuid NOT NULL REFERENCES upload_batch(id),
  org_id uuid NOT NULL REFERENCES organisation(id),
  line_no integer NOT NULL,
  address_key text NOT NULL,
  yos_known boolean NOT NULL,
  offence_category text,
  offence_gravity smallint,
  PRIMARY KEY (batch_id, line_no)
);
SELECT ingest_protect_dataset_table('ds_youth_offending');

-- Drug and alcohol misuse: Rows per address.
CREATE TABLE ds_drug_alcohol (
  batch_id uuid NOT NULL REFERENCES upload_batch(id),
  org_id uuid NOT NULL REFERENCES organisation(id),
  line_no integer NOT NULL,
  address_key text NOT NULL,
  in_treatment text NOT NULL,
  in_treatment_last_12m boolean NOT NULL,
  successful_completion_last_12m boolean NOT NULL,
  referral_source text,
  intervention_type text,
  PRIMARY KEY (batch_id, line_no)
);
SELECT ingest_protect_dataset_table('ds_drug_alcohol');

-- Police and crime: Rows per address.
CREATE TABLE ds_police_crime (
  batch_id uuid NOT NULL REFERENCES upload_batch(id),
  org_id uuid NOT NULL REFERENCES organisation(id),
  line_no integer NOT NULL,
  address_key text NOT NULL,
  offender_address boolean NOT NULL,
  present_at_household boolean NOT NULL,
  repeat_offender boolean NOT NULL,
  asb_address boolean NOT NULL,
  incident_at_address boolean NOT NULL,
  crime_group text,
  asb_drug_related boolean NOT NULL,
  asb_alcohol_related boolean NOT NULL,
  asb_child_present boolean NOT NULL,
  asb_repeat boolean NOT NULL,
  asb_risk_category text,
  dv_victim_address boolean NOT NULL,
  dv_drug_related boolean NOT NULL,
  dv_alcohol_related boolean NOT NULL,
  dv_child_present boolean NOT NULL,
  dv_repeat_victim boolean NOT NULL,
  dv_risk_category text,
  PRIMARY KEY (batch_id, line_no)
);
SELECT ingest_protect_dataset_table('ds_police_crime');

-- Troubled Families evaluation: One row per person per 6-monthly batch.
CREATE TABLE ds_troubled_families (
  batch_id uuid NOT NULL REFERENCES upload_batch(id),
  org_id uuid NOT NULL REFERENCES organisation(id),
  line_no integer NOT NULL,
  family_key text NOT NULL,
  person_key text NOT NULL,
  batch_period text NOT NULL,
  "group" text NOT NULL,
  attached_date date NOT NULL,
  age_band text NOT NULL,
  crit_crime_asb boolean NOT NULL,
  crit_education boolean NOT NULL,
  crit_children_in_need boolean NOT NULL,
  crit_worklessness boolean NOT NULL,
  crit_domestic_abuse boolean NOT NULL,
  crit_health boolean NOT NULL,
  offences_before integer NOT NULL,
  offences_after integer NOT NULL,
  asb_incidents_before integer NOT NULL,
  asb_incidents_after integer NOT NULL,
  dv_incidents_before integer NOT NULL,
  dv_incidents_after integer NOT NULL,
  absence_rate_before numeric(7,4),
  absence_rate_after numeric(7,4),
  out_of_work_benefits_before boolean NOT NULL,
  out_of_work_benefits_after boolean NOT NULL,
  PRIMARY KEY (batch_id, line_no)
);
SELECT ingest_protect_dataset_table('ds_troubled_families');

DROP FUNCTION ingest_protect_dataset_table(text);

-- The batches that count for analysis: the newest loaded batch per organisation, dataset and
-- period. Loading a batch marks the one it replaces 'superseded' in the same transaction, so
-- "live" is simply status = 'loaded'.
CREATE VIEW live_batch WITH (security_invoker = true) AS
  SELECT id AS batch_id, org_id, dataset_id, period, completed_at AS loaded_at, rows_loaded
  FROM upload_batch WHERE status = 'loaded';
GRANT SELECT ON live_batch TO portal_app;
CREATE INDEX upload_batch_live_idx ON upload_batch (org_id, dataset_id, period) WHERE status = 'loaded';

-- What a batch's validation found: the grouped summary the result page shows (counts and first
-- examples per column and rule; example values of key columns are never kept) and whether an
-- error report CSV was written beside the stored file.
CREATE TABLE ingest_batch_report (
  batch_id uuid PRIMARY KEY REFERENCES upload_batch(id),
  org_id uuid NOT NULL REFERENCES organisation(id),
  outcome text NOT NULL CHECK (outcome IN ('loaded', 'refused', 'incident', 'failed')),
  message text NOT NULL,
  summary jsonb NOT NULL,
  error_report boolean NOT NULL DEFAULT false,
  created_at timestamptz(6) NOT NULL DEFAULT now()
);
ALTER TABLE ingest_batch_report ENABLE ROW LEVEL SECURITY;
ALTER TABLE ingest_batch_report FORCE ROW LEVEL SECURITY;
CREATE POLICY ingest_batch_report_own ON ingest_batch_report FOR ALL
  USING (app_ctx() = 'org' AND org_id = app_org()) WITH CHECK (app_ctx() = 'org' AND org_id = app_org());
CREATE POLICY ingest_batch_report_system ON ingest_batch_report FOR ALL
  USING (app_ctx() = 'system') WITH CHECK (app_ctx() = 'system');
GRANT SELECT, INSERT, UPDATE ON ingest_batch_report TO portal_app;

-- The breach register: a file that was not pseudonymised. Never any value from the file: the
-- rules that fired and how many cells each caught.
CREATE TABLE ingest_incident (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES organisation(id),
  batch_id uuid REFERENCES upload_batch(id),
  dataset_id text NOT NULL REFERENCES dataset(id),
  source "BatchSource" NOT NULL,
  original_filename text NOT NULL,
  file_size bigint NOT NULL,
  uploaded_by_id uuid,
  detected_at timestamptz(6) NOT NULL DEFAULT now(),
  rules jsonb NOT NULL,
  cell_count integer NOT NULL,
  bytes_deleted boolean NOT NULL,
  remote_deleted boolean
);
CREATE INDEX ingest_incident_detected_at_idx ON ingest_incident (detected_at);
ALTER TABLE ingest_incident ENABLE ROW LEVEL SECURITY;
ALTER TABLE ingest_incident FORCE ROW LEVEL SECURITY;
CREATE POLICY ingest_incident_own ON ingest_incident FOR ALL
  USING (app_ctx() = 'org' AND org_id = app_org()) WITH CHECK (app_ctx() = 'org' AND org_id = app_org());
CREATE POLICY ingest_incident_read ON ingest_incident FOR SELECT USING (app_ctx() IN ('admin', 'system'));
CREATE POLICY ingest_incident_system ON ingest_incident FOR UPDATE
  USING (app_ctx() = 'system') WITH CHECK (app_ctx() = 'system');
GRANT SELECT, INSERT, UPDATE ON ingest_incident TO portal_app;

-- Messages to send (data-protection contacts, ...). Written in the transaction of the event
-- they announce; a sender (or the log, when no mail server is configured) delivers them.
CREATE TABLE notification_outbox (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid REFERENCES organisation(id),
  kind text NOT NULL,
  to_address text NOT NULL,
  subject text NOT NULL,
  body text NOT NULL,
  created_at timestamptz(6) NOT NULL DEFAULT now(),
  sent_at timestamptz(6),
  delivered_via text,
  attempts integer NOT NULL DEFAULT 0,
  last_error text
);
CREATE INDEX notification_outbox_pending_idx ON notification_outbox (created_at) WHERE sent_at IS NULL;
ALTER TABLE notification_outbox ENABLE ROW LEVEL SECURITY;
ALTER TABLE notification_outbox FORCE ROW LEVEL SECURITY;
CREATE POLICY notification_outbox_insert ON notification_outbox FOR INSERT
  WITH CHECK (app_ctx() IN ('admin', 'system') OR (app_ctx() = 'org' AND org_id = app_org()));
CREATE POLICY notification_outbox_deliver ON notification_outbox FOR ALL
  USING (app_ctx() IN ('admin', 'system')) WITH CHECK (app_ctx() IN ('admin', 'system'));
GRANT SELECT, INSERT, UPDATE ON notification_outbox TO portal_app;

-- SFTP inboxes, one per organisation, configured by administrators. The credential is stored
-- encrypted (AES-256-GCM, key outside the database: see lib/sftp/secret.ts).
CREATE TABLE sftp_inbox (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL UNIQUE REFERENCES organisation(id),
  host text NOT NULL,
  port integer NOT NULL DEFAULT 22 CHECK (port BETWEEN 1 AND 65535),
  username text NOT NULL,
  auth_method text NOT NULL CHECK (auth_method IN ('private_key', 'password')),
  credential_encrypted text NOT NULL,
  host_key_fingerprint text NOT NULL,
  directory text NOT NULL,
  enabled boolean NOT NULL DEFAULT true,
  poll_interval_minutes integer NOT NULL DEFAULT 15 CHECK (poll_interval_minutes BETWEEN 1 AND 1440),
  last_polled_at timestamptz(6),
  last_result text,
  created_at timestamptz(6) NOT NULL DEFAULT now(),
  updated_at timestamptz(6) NOT NULL DEFAULT now()
);
ALTER TABLE sftp_inbox ENABLE ROW LEVEL SECURITY;
ALTER TABLE sftp_inbox FORCE ROW LEVEL SECURITY;
CREATE POLICY sftp_inbox_manage ON sftp_inbox FOR ALL
  USING (app_ctx() IN ('admin', 'system')) WITH CHECK (app_ctx() IN ('admin', 'system'));
GRANT SELECT, INSERT, UPDATE, DELETE ON sftp_inbox TO portal_app;

-- Files seen in an inbox but not yet taken: a file without a .done marker is taken once its
-- size and modification time are unchanged over two polls.
CREATE TABLE sftp_seen_file (
  inbox_id uuid NOT NULL REFERENCES sftp_inbox(id) ON DELETE CASCADE,
  name text NOT NULL,
  size bigint NOT NULL,
  mtime bigint NOT NULL,
  first_seen_at timestamptz(6) NOT NULL DEFAULT now(),
  PRIMARY KEY (inbox_id, name)
);
ALTER TABLE sftp_seen_file ENABLE ROW LEVEL SECURITY;
ALTER TABLE sftp_seen_file FORCE ROW LEVEL SECURITY;
CREATE POLICY sftp_seen_file_system ON sftp_seen_file FOR ALL
  USING (app_ctx() IN ('admin', 'system')) WITH CHECK (app_ctx() IN ('admin', 'system'));
GRANT SELECT, INSERT, UPDATE, DELETE ON sftp_seen_file TO portal_app;
