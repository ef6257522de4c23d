-- Real e-mail (decision 086). notification_outbox becomes the one mail outbox: every notice is
-- written in the transaction of the event that causes it and delivered over SMTP by a job with
-- retries and back-off. Its delivery state is what administrators see on the "Sent mail" page.
ALTER TABLE notification_outbox
  ADD COLUMN html text,
  ADD COLUMN status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
  ADD COLUMN next_attempt_at timestamptz(6) NOT NULL DEFAULT now(),
  ADD COLUMN last_attempt_at timestamptz(6),
  ADD COLUMN message_id text,
  -- Credentials (activation links): the body is blanked once the message is delivered, so the
  -- database never keeps a usable link longer than it takes to send it.
  ADD COLUMN sensitive boolean NOT NULL DEFAULT false;
UPDATE notification_outbox SET status = 'sent' WHERE sent_at IS NOT NULL;
DROP INDEX notification_outbox_pending_idx;
CREATE INDEX notification_outbox_pending_idx ON notification_outbox (next_attempt_at) WHERE status <> 'sent';
CREATE INDEX notification_outbox_created_idx ON notification_outbox (created_at DESC);

-- What the embedded SMTP server (used when SMTP_URL is not set) received: the demo's mailbox,
-- readable by administrators only.
CREATE TABLE mail_received (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  received_at timestamptz(6) NOT NULL DEFAULT now(),
  mail_from text NOT NULL,
  rcpt_to text[] NOT NULL,
  subject text NOT NULL,
  text_body text NOT NULL,
  html_body text,
  message_id text,
  size integer NOT NULL
);
CREATE INDEX mail_received_received_idx ON mail_received (received_at DESC);
CREATE INDEX mail_received_message_id_idx ON mail_received (message_id);
ALTER TABLE mail_received ENABLE ROW LEVEL SECURITY;
ALTER TABLE mail_received FORCE ROW LEVEL SECURITY;
CREATE POLICY mail_received_insert ON mail_received FOR INSERT WITH CHECK (app_ctx() = 'system');
CREATE POLICY mail_received_read ON mail_received FOR SELECT USING (app_ctx() IN ('admin', 'system'));
GRANT SELECT, INSERT ON mail_received TO portal_app;
