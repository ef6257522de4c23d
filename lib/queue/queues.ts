import "server-only";

/** pg-boss keeps its tables in their own schema, created by the owner (./install.ts). */
export const JOB_SCHEMA = "pgboss";

export interface QueueDefinition {
  name: string;
  /** Passed to pgboss.create_queue(): pg-boss 10's queue options, camelCase as it reads them. */
  options: {
    policy: "standard" | "short" | "singleton" | "stately";
    retryLimit: number;
    retryDelay: number;
    retryBackoff: boolean;
    expireInSeconds: number;
    retentionMinutes: number;
  };
}

export const QUEUES = {
  /**
   * One matching run at a time across every app instance (`singleton`: one job active, any number
   * queued). A failed attempt is retried twice, a minute apart, before the run is marked failed.
   */
  matching: {
    name: "matching-run",
    options: { policy: "singleton", retryLimit: 2, retryDelay: 60, retryBackoff: false, expireInSeconds: 60 * 60, retentionMinutes: 7 * 24 * 60 },
  },
  /**
   * One job per e-mail in the outbox (lib/mail). A failed delivery is retried with exponential
   * back-off (30 s, 1 min, 2 min, … about an hour in all) before the message shows as failed;
   * failed messages are tried again hourly and on an administrator's request.
   */
  mail: {
    name: "mail-delivery",
    options: { policy: "standard", retryLimit: 7, retryDelay: 30, retryBackoff: true, expireInSeconds: 5 * 60, retentionMinutes: 14 * 24 * 60 },
  },
  /**
   * Verification of the audit hash chain (lib/audit/chain-check.ts): scheduled and on demand. One
   * at a time (`singleton`); a failed check is retried once after a minute.
   */
  auditVerify: {
    name: "audit-verify",
    options: { policy: "singleton", retryLimit: 1, retryDelay: 60, retryBackoff: false, expireInSeconds: 60 * 60, retentionMinutes: 7 * 24 * 60 },
  },
  /**
   * The breach register's escalation sweep (lib/incidents/jobs.ts): every 5 minutes, one at a time;
   * a failed sweep is simply followed by the next.
   */
  incidentEscalation: {
    name: "incident-escalation",
    options: { policy: "singleton", retryLimit: 0, retryDelay: 60, retryBackoff: false, expireInSeconds: 10 * 60, retentionMinutes: 24 * 60 },
  },
} as const satisfies Record<string, QueueDefinition>;
