-- Digests of blank identifiers, as the partners' own pseudonymising tool produces them: hashing a
-- row whose identifier columns are all empty gives SHA-256 of the salt alone, the same value for
-- every blank row whatever the columns. The platform never holds the salt, so it cannot compute
-- this value; a partner can, and sharing it reveals nothing about the salt. The matching job
-- reports and never links keys listed here (see docs/decisions/060-matching.md).
CREATE TABLE matching_blank_digest (
  agreement_id uuid NOT NULL REFERENCES agreement(id),
  digest text NOT NULL CHECK (digest ~ '^[0-9a-f]{64}$'),
  note text NOT NULL,
  created_at timestamptz(6) NOT NULL DEFAULT now(),
  PRIMARY KEY (agreement_id, digest)
);

ALTER TABLE matching_blank_digest ENABLE ROW LEVEL SECURITY;
ALTER TABLE matching_blank_digest FORCE ROW LEVEL SECURITY;
CREATE POLICY matching_blank_digest_read ON matching_blank_digest FOR SELECT USING (app_ctx() IN ('matching', 'admin', 'system'));
CREATE POLICY matching_blank_digest_write ON matching_blank_digest FOR INSERT WITH CHECK (app_ctx() IN ('admin', 'system'));
CREATE POLICY matching_blank_digest_delete ON matching_blank_digest FOR DELETE USING (app_ctx() IN ('admin', 'system'));
GRANT SELECT, INSERT, DELETE ON matching_blank_digest TO portal_app;
