-- Dataset tables: per-row foreign-key checks and the (batch_id, line_no) primary key cost more than
-- the load itself (measured: INSERT … SELECT of 200,000 rows 1.4 s with them, 0.4 s without; see
-- docs/performance.md). A batch's rows are written by one INSERT … SELECT, so the same guarantees
-- are kept more cheaply:
--   * every inserted row's batch exists and belongs to the row's organisation: checked once per
--     statement over the transition table (one anti-join instead of one lookup per row);
--   * (batch_id, line_no) is unique by construction (one row per line of one file);
--   * rows of a batch are physically contiguous, so a BRIN index finds them for retention and
--     per-batch reads at almost no cost to the load.

CREATE FUNCTION ingest_check_batch_rows() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- Runs with the inserting role's rights, so the batch must also be visible to it: an
  -- organisation can only add rows to its own batches.
  IF EXISTS (
    SELECT 1 FROM (SELECT DISTINCT batch_id, org_id FROM new_rows) n
    WHERE NOT EXISTS (SELECT 1 FROM upload_batch b WHERE b.id = n.batch_id AND b.org_id = n.org_id)
  ) THEN
    RAISE EXCEPTION 'rows inserted into % name an upload batch that does not exist for their organisation', TG_TABLE_NAME
      USING ERRCODE = 'foreign_key_violation';
  END IF;
  RETURN NULL;
END
$$;

ALTER TABLE ds_housing_benefits DROP CONSTRAINT ds_housing_benefits_batch_id_fkey, DROP CONSTRAINT ds_housing_benefits_org_id_fkey, DROP CONSTRAINT ds_housing_benefits_pkey;
CREATE INDEX ds_housing_benefits_batch_brin ON ds_housing_benefits USING brin (batch_id);
CREATE TRIGGER ds_housing_benefits_batch_check AFTER INSERT ON ds_housing_benefits REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION ingest_check_batch_rows();

ALTER TABLE ds_social_care DROP CONSTRAINT ds_social_care_batch_id_fkey, DROP CONSTRAINT ds_social_care_org_id_fkey, DROP CONSTRAINT ds_social_care_pkey;
CREATE INDEX ds_social_care_batch_brin ON ds_social_care USING brin (batch_id);
CREATE TRIGGER ds_social_care_batch_check AFTER INSERT ON ds_social_care REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION ingest_check_batch_rows();

ALTER TABLE ds_school_readiness DROP CONSTRAINT ds_school_readiness_batch_id_fkey, DROP CONSTRAINT ds_school_readiness_org_id_fkey, DROP CONSTRAINT ds_school_readiness_pkey;
CREATE INDEX ds_school_readiness_batch_brin ON ds_school_readiness USING brin (batch_id);
CREATE TRIGGER ds_school_readiness_batch_check AFTER INSERT ON ds_school_readiness REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION ingest_check_batch_rows();

ALTER TABLE ds_youth_offending DROP CONSTRAINT ds_youth_offending_batch_id_fkey, DROP CONSTRAINT ds_youth_offending_org_id_fkey, DROP CONSTRAINT ds_youth_offending_pkey;
CREATE INDEX ds_youth_offending_batch_brin ON ds_youth_offending USING brin (batch_id);
CREATE TRIGGER ds_youth_offending_batch_check AFTER INSERT ON ds_youth_offending REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION ingest_check_batch_rows();

ALTER TABLE ds_drug_alcohol DROP CONSTRAINT ds_drug_alcohol_batch_id_fkey, DROP CONSTRAINT ds_drug_alcohol_org_id_fkey, DROP CONSTRAINT ds_drug_alcohol_pkey;
CREATE INDEX ds_drug_alcohol_batch_brin ON ds_drug_alcohol USING brin (batch_id);
CREATE TRIGGER ds_drug_alcohol_batch_check AFTER INSERT ON ds_drug_alcohol REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION ingest_check_batch_rows();

ALTER TABLE ds_police_crime DROP CONSTRAINT ds_police_crime_batch_id_fkey, DROP CONSTRAINT ds_police_crime_org_id_fkey, DROP CONSTRAINT ds_police_crime_pkey;
CREATE INDEX ds_police_crime_batch_brin ON ds_police_crime USING brin (batch_id);
CREATE TRIGGER ds_police_crime_batch_check AFTER INSERT ON ds_police_crime REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION ingest_check_batch_rows();

ALTER TABLE ds_troubled_families DROP CONSTRAINT ds_troubled_families_batch_id_fkey, DROP CONSTRAINT ds_troubled_families_org_id_fkey, DROP CONSTRAINT ds_troubled_families_pkey;
CREATE INDEX ds_troubled_families_batch_brin ON ds_troubled_families USING brin (batch_id);
CREATE TRIGGER ds_troubled_families_batch_check AFTER INSERT ON ds_troubled_families REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION ingest_check_batch_rows();
