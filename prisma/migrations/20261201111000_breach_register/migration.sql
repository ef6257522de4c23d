-- The breach register (issue 13 §3, decision 112): incidents with a lifecycle, an owner, notes and a
-- timeline, and the 24-hour clock of the Troubled Families agreement (13.1): every party of the
-- agreement is e-mailed when an incident is recorded, and the administrators when 20 hours pass
-- without it being reported to the ICO or decided not reportable.
CREATE TABLE incident (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  number bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  org_id uuid NOT NULL REFERENCES organisation(id),
  agreement_id uuid NOT NULL REFERENCES agreement(id),
  -- 'identifier': opened by the upload guard with its ingest_incident (a file that was not pseudonymised).
  kind text NOT NULL CHECK (kind IN ('identifier', 'lost-device', 'unapproved-output', 'wrong-recipient', 'unauthorised-access', 'other')),
  ingest_incident_id uuid UNIQUE REFERENCES ingest_incident(id),
  title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  description text NOT NULL CHECK (length(description) BETWEEN 1 AND 5000),
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'investigating', 'reported', 'not_reportable', 'closed')),
  discovered_at timestamptz(6) NOT NULL,
  recorded_at timestamptz(6) NOT NULL DEFAULT now(),
  recorded_by_id uuid REFERENCES app_user(id),
  owner_id uuid REFERENCES app_user(id),
  ico_reference text,
  ico_reported_at timestamptz(6),
  not_reportable_reason text,
  lessons_learned text,
  closed_at timestamptz(6),
  parties_notified_at timestamptz(6),
  escalated_at timestamptz(6),
  -- A report to the ICO names its reference; "not reportable" its reason; closing its lessons.
  CHECK (status <> 'reported' OR ico_reference IS NOT NULL),
  CHECK (status <> 'not_reportable' OR not_reportable_reason IS NOT NULL),
  CHECK (status <> 'closed' OR lessons_learned IS NOT NULL)
);
CREATE INDEX incident_recorded_idx ON incident (recorded_at DESC);
CREATE INDEX incident_org_idx ON incident (org_id, recorded_at DESC);
-- The escalation sweep's question: which open incidents have passed 20 hours unreported.
CREATE INDEX incident_unescalated_idx ON incident (discovered_at) WHERE escalated_at IS NULL AND status IN ('open', 'investigating');

CREATE TABLE incident_event (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  incident_id uuid NOT NULL REFERENCES incident(id),
  org_id uuid NOT NULL REFERENCES organisation(id),
  at timestamptz(6) NOT NULL DEFAULT now(),
  actor_user_id uuid,
  actor_label text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('recorded', 'status', 'owner', 'note', 'notified', 'escalated')),
  text text NOT NULL
);
CREATE INDEX incident_event_incident_idx ON incident_event (incident_id, at);

-- Administrators and the system: every incident. A partner organisation: its own (its analysts
-- report breaches and follow them); nothing of another organisation's.
ALTER TABLE incident ENABLE ROW LEVEL SECURITY;
ALTER TABLE incident FORCE ROW LEVEL SECURITY;
CREATE POLICY incident_all ON incident FOR ALL USING (app_ctx() IN ('admin', 'system')) WITH CHECK (app_ctx() IN ('admin', 'system'));
CREATE POLICY incident_own_read ON incident FOR SELECT USING (app_ctx() = 'org' AND org_id = app_org());
CREATE POLICY incident_own_insert ON incident FOR INSERT WITH CHECK (app_ctx() = 'org' AND org_id = app_org());
CREATE POLICY incident_own_update ON incident FOR UPDATE USING (app_ctx() = 'org' AND org_id = app_org()) WITH CHECK (app_ctx() = 'org' AND org_id = app_org());
GRANT SELECT, INSERT, UPDATE ON incident TO portal_app;

ALTER TABLE incident_event ENABLE ROW LEVEL SECURITY;
ALTER TABLE incident_event FORCE ROW LEVEL SECURITY;
CREATE POLICY incident_event_all ON incident_event FOR ALL USING (app_ctx() IN ('admin', 'system')) WITH CHECK (app_ctx() IN ('admin', 'system'));
CREATE POLICY incident_event_own ON incident_event FOR SELECT USING (app_ctx() = 'org' AND org_id = app_org());
CREATE POLICY incident_event_own_insert ON incident_event FOR INSERT WITH CHECK (app_ctx() = 'org' AND org_id = app_org());
-- The timeline is append-only for everyone: no UPDATE or DELETE grant.
GRANT SELECT, INSERT ON incident_event TO portal_app;
