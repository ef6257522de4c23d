import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDatabase } from "@/lib/db/client";
import { findFreePort } from "@/lib/db/embedded";
import { withContext, withContextClient } from "@/lib/db/tenant";
import {
  addIncidentNote,
  assignIncidentOwner,
  changeIncidentStatus,
  escalateOverdueIncidents,
  getIncident,
  IncidentAccessError,
  IncidentInputError,
  incidentClock,
  listIncidentRegister,
  reportBreach,
  type IncidentActor,
} from "@/lib/incidents/register";
import { stopJobQueue } from "@/lib/queue/boss";
import { installJobQueue } from "@/lib/jobs/install";
import { startMailWorker, stopMailWorker } from "@/lib/mail";
import { createAgreement, createOrganisation, createUser } from "../factories";
import { csvText, ingest, makeTempDataDir } from "../ingest/helpers";
import { startSmtpPeer, type SmtpPeer } from "../mail/smtp-peer";

makeTempDataDir();
let peer: SmtpPeer;
let agreementId: string;
let orgs: {
  county: { id: string; slug: string };
  borough: { id: string; slug: string };
  police: { id: string; slug: string };
  outsider: { id: string };
};
let analyst: IncidentActor;
let outsiderAnalyst: IncidentActor;
let admin: IncidentActor;
let admin2: IncidentActor;

const actorOf = async (orgId: string, role: IncidentActor["role"]): Promise<IncidentActor> => {
  const u = await createUser(orgId, { role, email: `${role}-${crypto.randomUUID().slice(0, 8)}@incident.test` });
  return { userId: u.id, email: u.email, role, orgId };
};

/** `YYYY-MM-DDTHH:MM` in UK time, `hours` ago (what the form's datetime-local field sends). */
function ukLocal(hoursAgo: number): string {
  const d = new Date(Date.now() - hoursAgo * 3_600_000);
  const p = Object.fromEntries(
    new Intl.DateTimeFormat("en-GB", {
      timeZone: "Europe/London",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    })
      .formatToParts(d)
      .map((x) => [x.type, x.value]),
  );
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}`;
}

beforeAll(async () => {
  const port = await findFreePort(48_000 + Math.floor(Math.random() * 2_000));
  process.env.SMTP_URL = `smtp://127.0.0.1:${port}`;
  process.env.MAIL_FROM = "Essex Data Platform <no-reply@portal.test>";
  peer = await startSmtpPeer(port);
  await installJobQueue({ adminUrl: process.env.TEST_ADMIN_URL! });
  await startMailWorker({ pollingIntervalSeconds: 0.5 });
  orgs = {
    county: await createOrganisation({ kind: "county_council" }),
    borough: await createOrganisation({ kind: "borough_council" }),
    police: await createOrganisation({ kind: "police" }),
    outsider: await createOrganisation({ kind: "borough_council" }),
  };
  agreementId = (
    await createAgreement({
      ownerOrgId: orgs.county.id,
      name: "Incident test agreement",
      parties: [{ orgId: orgs.police.id }],
      suppliers: { "housing-benefits": orgs.borough.id },
    })
  ).id;
  // The outsider is party to another agreement only.
  await createAgreement({ ownerOrgId: orgs.outsider.id });
  analyst = await actorOf(orgs.borough.id, "partner_analyst");
  outsiderAnalyst = await actorOf(orgs.outsider.id, "partner_analyst");
  const ops = await createOrganisation({ kind: "platform_operator" });
  admin = await actorOf(ops.id, "administrator");
  admin2 = await actorOf(ops.id, "administrator");
});

afterAll(async () => {
  await stopMailWorker();
  await stopJobQueue();
  await peer?.stop();
  await closeDatabase();
});

const report = (actor: IncidentActor, over: Record<string, string> = {}) =>
  reportBreach(actor, {
    agreementId,
    kind: "lost-device",
    title: "Laptop left on a train",
    description: "An encrypted laptop with an extract was lost.",
    discoveredAt: ukLocal(1),
    ...over,
  });

describe("reporting a breach", () => {
  it("a partner analyst records it and every party's data-protection contact receives the e-mail at once", async () => {
    const out = await report(analyst);
    expect(out.notified).toBe(3);
    const ref = `INC-${String(out.number).padStart(5, "0")}`;
    for (const org of [orgs.county, orgs.borough, orgs.police]) {
      const m = await peer.waitFor((r) => r.envelopeTo.includes(`dpo@${org.slug}.example`) && (r.parsed.subject ?? "").includes(ref), 30_000);
      expect(m.parsed.subject).toBe(`Data-protection incident ${ref} under "Incident test agreement"`);
      expect(m.parsed.text).toMatch(/within 24 hours/);
      expect(m.parsed.text).toMatch(/Laptop left on a train/);
      expect(m.parsed.text).toContain(`/incidents/${out.incidentId}`);
    }
    const detail = await getIncident(analyst, out.incidentId);
    expect(detail).toMatchObject({ status: "open", kind: "lost-device", reference: ref });
    expect(detail!.timeline.map((e) => e.kind)).toEqual(["recorded", "notified"]);
    const audit = await withContext({ kind: "system", purpose: "test" }, (tx) => tx.auditEvent.findMany({ where: { targetId: out.incidentId } }));
    expect(audit.map((a) => a.action)).toEqual(["incident.recorded"]);
  });

  it("refuses bad input field by field, and a party it is not", async () => {
    const err = await reportBreach(analyst, { agreementId: "x", kind: "meteor", title: "", description: "", discoveredAt: "" }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(IncidentInputError);
    expect(Object.keys((err as IncidentInputError).fields).sort()).toEqual(["agreementId", "description", "discoveredAt", "kind", "title"]);
    await expect(report(analyst, { discoveredAt: "yesterday" })).rejects.toMatchObject({
      fields: { discoveredAt: expect.stringMatching(/date and time/) },
    });
    await expect(report(analyst, { discoveredAt: ukLocal(-3) })).rejects.toMatchObject({ fields: { discoveredAt: expect.stringMatching(/future/) } });
    await expect(report(outsiderAnalyst)).rejects.toMatchObject({ fields: { agreementId: "Your organisation is not a party to that agreement" } });
    const researcher = await actorOf(orgs.county.id, "researcher");
    await expect(report(researcher)).rejects.toBeInstanceOf(IncidentAccessError);
  });

  it("another organisation's analyst sees none of it; administrators see all", async () => {
    const out = await report(analyst, { title: "Wrong recipient", kind: "wrong-recipient" });
    expect((await listIncidentRegister(outsiderAnalyst)).map((i) => i.id)).not.toContain(out.incidentId);
    expect(await getIncident(outsiderAnalyst, out.incidentId)).toBeNull();
    await withContextClient({ kind: "org", orgId: orgs.outsider.id }, async (c) => {
      expect((await c.query(`SELECT 1 FROM incident WHERE id = $1`, [out.incidentId])).rowCount).toBe(0);
      expect((await c.query(`SELECT 1 FROM incident_event WHERE incident_id = $1`, [out.incidentId])).rowCount).toBe(0);
      // Nor can it slip a note into another organisation's timeline.
      await expect(
        c.query(`INSERT INTO incident_event (incident_id, org_id, actor_label, kind, text) VALUES ($1, $2, 'x', 'note', 'x')`, [
          out.incidentId,
          orgs.borough.id,
        ]),
      ).rejects.toThrow(/row-level security/);
    });
    expect((await listIncidentRegister(admin)).map((i) => i.id)).toContain(out.incidentId);
  });
});

describe("the lifecycle", () => {
  it("open → investigating → reported (ICO reference) → closed (lessons learned), with owner, notes and timeline; analysts cannot move it", async () => {
    const { incidentId } = await report(analyst, { title: "Output published early", kind: "unapproved-output" });
    await expect(changeIncidentStatus(analyst, incidentId, { to: "investigating" })).rejects.toBeInstanceOf(IncidentAccessError);
    await assignIncidentOwner(admin, incidentId, admin2.userId);
    await changeIncidentStatus(admin, incidentId, { to: "investigating" });
    await addIncidentNote(analyst, incidentId, "The table was withdrawn from the website at 10:40.");
    await expect(changeIncidentStatus(admin, incidentId, { to: "closed", lessons: "x" })).rejects.toMatchObject({
      fields: { to: expect.stringMatching(/cannot become closed/) },
    });
    await expect(changeIncidentStatus(admin, incidentId, { to: "reported" })).rejects.toMatchObject({
      fields: { icoReference: expect.stringMatching(/reference/) },
    });
    await changeIncidentStatus(admin, incidentId, { to: "reported", icoReference: "ICO/2026/123" });
    await expect(changeIncidentStatus(admin, incidentId, { to: "closed" })).rejects.toMatchObject({
      fields: { lessons: expect.stringMatching(/lessons learned/) },
    });
    await changeIncidentStatus(admin, incidentId, { to: "closed", lessons: "Two-person check before publishing." });
    const d = (await getIncident(admin, incidentId))!;
    expect(d).toMatchObject({
      status: "closed",
      icoReference: "ICO/2026/123",
      lessonsLearned: "Two-person check before publishing.",
      ownerId: admin2.userId,
    });
    expect(d.timeline.map((e) => e.kind)).toEqual(["recorded", "notified", "owner", "status", "note", "status", "status"]);
    expect(incidentClock(d).settled).toBe(true);
  });

  it("not reportable needs its reason", async () => {
    const { incidentId } = await report(analyst);
    await expect(changeIncidentStatus(admin, incidentId, { to: "not_reportable" })).rejects.toMatchObject({ fields: { reason: expect.any(String) } });
    await changeIncidentStatus(admin, incidentId, { to: "not_reportable", reason: "Device encrypted; no risk to individuals." });
    expect((await getIncident(admin, incidentId))!.status).toBe("not_reportable");
  });
});

describe("the 24-hour clock", () => {
  it("shows time since discovery and escalates to every administrator after 20 hours without a report, once", async () => {
    const late = await report(analyst, { title: "Late discovery", discoveredAt: ukLocal(21) });
    const fresh = await report(analyst, { title: "Fresh one", discoveredAt: ukLocal(2) });
    const reported = await report(analyst, { title: "Already reported", discoveredAt: ukLocal(22) });
    await changeIncidentStatus(admin, reported.incidentId, { to: "reported", icoReference: "ICO/1" });
    const clock = incidentClock((await getIncident(admin, late.incidentId))!);
    expect(clock).toMatchObject({ hours: 21, warn: true, overdue: false, settled: false });

    const escalated = await escalateOverdueIncidents();
    expect(escalated).toContain(late.incidentId);
    expect(escalated).not.toContain(fresh.incidentId);
    expect(escalated).not.toContain(reported.incidentId);
    const ref = (await getIncident(admin, late.incidentId))!.reference;
    for (const a of [admin, admin2]) {
      const m = await peer.waitFor((r) => r.envelopeTo.includes(a.email) && (r.parsed.subject ?? "").includes(ref), 30_000);
      expect(m.parsed.subject).toBe(`Overdue: incident ${ref} not reported 20 hours after discovery`);
    }
    expect(await escalateOverdueIncidents()).not.toContain(late.incidentId);
    const d = (await getIncident(admin, late.incidentId))!;
    expect(d.escalatedAt).not.toBeNull();
    expect(d.timeline.at(-1)).toMatchObject({ kind: "escalated" });
  });
});

describe("identifier incidents of the upload guard", () => {
  it("enter the register with their clock, and the agreement's other parties are e-mailed at once", async () => {
    const [header, a, b] = (await csvText("housing-benefits", 2)).toString().trimEnd().split("\n");
    const r = await ingest(orgs.borough.id, "housing-benefits", [header, a, "jane.doe@example.org" + b!.slice(64)].join("\n") + "\n");
    expect(r.status).toBe("incident");
    const entry = (await listIncidentRegister(analyst)).find(
      (i) => i.kind === "identifier" && i.title === "Un-pseudonymised Housing and benefits file received",
    );
    expect(entry).toBeDefined();
    const d = (await getIncident(admin, entry!.id))!;
    expect(d).toMatchObject({ status: "open", agreementId });
    expect(d.description).not.toContain("jane");
    expect(d.timeline.map((e) => e.kind)).toEqual(["recorded", "notified"]);
    // The uploader's own contact has the detailed ingest notice; the other parties the register's.
    for (const org of [orgs.county, orgs.police]) {
      const m = await peer.waitFor((x) => x.envelopeTo.includes(`dpo@${org.slug}.example`) && (x.parsed.subject ?? "").includes(d.reference), 30_000);
      expect(m.parsed.text).not.toContain("jane");
    }
    await peer.waitFor(
      (x) =>
        x.envelopeTo.includes(`dpo@${orgs.borough.slug}.example`) &&
        (x.parsed.subject ?? "").startsWith("Data-protection incident: un-pseudonymised"),
      30_000,
    );
    expect(
      peer.received.filter((x) => x.envelopeTo.includes(`dpo@${orgs.borough.slug}.example`) && (x.parsed.subject ?? "").includes(d.reference)),
    ).toEqual([]);
  });
});
