-- The data-protection officer and the audit viewer (issue 13 §4, decision 110).
--
-- A DPO is read-only. Their unit of work runs in the 'dpo' context with app.org_id set to their
-- organisation: they read their organisation's audit events and the events about its data (its
-- batches, the organisation itself); the platform operator's DPO reads every event. No other table
-- admits the 'dpo' context except the metadata of their own organisation's batches (to tell which
-- events are about its data), so a DPO never reads a partner row.
ALTER TYPE "Role" ADD VALUE IF NOT EXISTS 'dpo';

CREATE POLICY upload_batch_dpo ON upload_batch FOR SELECT
  USING (app_ctx() = 'dpo' AND org_id = app_org());

DROP POLICY audit_event_read ON audit_event;
CREATE POLICY audit_event_read ON audit_event FOR SELECT
  USING (app_ctx() IN ('admin', 'system') OR (app_ctx() = 'org' AND org_id = app_org())
         OR current_user = 'portal_owner'
         OR (app_ctx() = 'dpo' AND (
               -- Uncorrelated: evaluated once per statement, not per event.
               (SELECT EXISTS (SELECT 1 FROM organisation o WHERE o.id = app_org() AND o.kind = 'platform_operator'))
               OR org_id = app_org()
               OR (target_type = 'organisation' AND target_id = app_org()::text)
               OR (target_type = 'upload_batch' AND target_id = ANY (ARRAY(SELECT b.id::text FROM upload_batch b WHERE b.org_id = app_org())))
             )));

-- Keyset pagination over millions of events: newest first on (at, id), and the filters' columns
-- each lead an index ending in the same order.
CREATE INDEX audit_event_at_id_idx ON audit_event (at, id);
CREATE INDEX audit_event_target_at_idx ON audit_event (target_id, at);
CREATE INDEX audit_event_actor_at_idx ON audit_event (actor_label, at);

-- The hash chain's verification results: the scheduled job's and on-demand checks, newest shown
-- at the top of the audit page. Written by the system context only (the job); read by those who
-- read the whole trail's status: administrators, DPOs and the system.
CREATE TABLE audit_chain_check (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  trigger text NOT NULL CHECK (trigger IN ('scheduled', 'on-demand')),
  requested_by_id uuid,
  status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'ok', 'broken', 'failed')),
  checked bigint,
  first_bad_event_id bigint,
  problem text,
  requested_at timestamptz(6) NOT NULL DEFAULT now(),
  started_at timestamptz(6),
  finished_at timestamptz(6)
);
CREATE INDEX audit_chain_check_requested_idx ON audit_chain_check (requested_at DESC);
ALTER TABLE audit_chain_check ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_chain_check FORCE ROW LEVEL SECURITY;
CREATE POLICY audit_chain_check_read ON audit_chain_check FOR SELECT USING (app_ctx() IN ('admin', 'dpo', 'system'));
CREATE POLICY audit_chain_check_write ON audit_chain_check FOR ALL USING (app_ctx() = 'system') WITH CHECK (app_ctx() = 'system');
GRANT SELECT, INSERT, UPDATE ON audit_chain_check TO portal_app;
