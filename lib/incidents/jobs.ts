import "server-only";
import { jobQueue } from "@/lib/queue/boss";
import { QUEUES } from "@/lib/queue/queues";
import { escalateOverdueIncidents } from "./register";

// The 24-hour clock's escalation runs as a pg-boss job: the jobs process queues a sweep every few
// minutes (the queue's singleton policy keeps one at a time across instances), and the sweep
// e-mails the administrators about each incident that has passed 20 hours unreported, once.

const SWEEP_EVERY_MS = 5 * 60 * 1000;

let workerId: string | undefined;
let timer: NodeJS.Timeout | undefined;

export async function startIncidentEscalation(log: (line: string) => void): Promise<void> {
  if (workerId) return;
  const boss = await jobQueue();
  workerId = await boss.work(QUEUES.incidentEscalation.name, { batchSize: 1, pollingIntervalSeconds: 10 }, async () => {
    const escalated = await escalateOverdueIncidents();
    if (escalated.length) log(`escalated ${escalated.length} incident(s) to the administrators`);
  });
  const tick = () =>
    void boss
      .send(QUEUES.incidentEscalation.name, {}, { singletonKey: "sweep" })
      .catch((e: unknown) => log(`incident escalation could not be queued: ${e instanceof Error ? e.message : String(e)}`));
  timer = setInterval(tick, SWEEP_EVERY_MS);
  timer.unref();
  tick();
}

export async function stopIncidentEscalation(): Promise<void> {
  if (timer) clearInterval(timer);
  timer = undefined;
  if (!workerId) return;
  const boss = await jobQueue();
  await boss.offWork({ id: workerId }).catch(() => {});
  workerId = undefined;
}
