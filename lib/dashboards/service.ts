import "server-only";
import type pg from "pg";
import { agreementDates, formatDay } from "@/lib/agreements/in-force";
import { withContextClient, type UnitContext } from "@/lib/db/tenant";
import { PILOT_AGREEMENT } from "@/lib/matching/sources";
import type { ProtectedPublication, UnitCell } from "@/lib/disclosure";
import {
  buildViews,
  publicationFor,
  runDomains,
  unitCells,
  viewKey,
  type DashboardSection,
  type Layout,
  type RunDomains,
  type VangeFilters,
} from "./vange";

export interface LiveRun {
  id: string;
  version: number;
  finishedAt: Date | null;
  agreementId: string;
  threshold: number;
}

export interface CoverageRow {
  datasetId: string;
  datasetTitle: string;
  organisation: string;
  loadedAt: Date | null;
}

export interface RunStatus {
  id: string;
  version: number;
  status: string;
  progress: number;
  stage: string;
  error: string | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

/** After its end date an agreement publishes nothing: its dashboards say so and show no figure. */
export interface EndedAgreement {
  name: string;
  endDate: string;
  message: string;
}

export type VangeDashboard =
  | { state: "no-run"; latest: RunStatus | null }
  | { state: "ended"; agreement: EndedAgreement }
  | {
      state: "ready";
      run: LiveRun;
      latest: RunStatus | null;
      filters: VangeFilters;
      options: { years: number[]; districts: string[] };
      coverage: CoverageRow[];
      sections: DashboardSection[];
    };

/** The live run of an agreement with its suppression threshold, as the researcher context sees it. */
export async function liveRun(db: pg.ClientBase, agreementSlug = PILOT_AGREEMENT): Promise<LiveRun | null> {
  const { rows } = await db.query<{ id: string; version: number; finished_at: Date | null; agreement_id: string; threshold: number }>(
    `SELECT r.id, r.version, r.finished_at, a.id AS agreement_id, a.suppression_threshold AS threshold
     FROM agreement a JOIN matching_live l ON l.agreement_id = a.id JOIN matching_run r ON r.id = l.run_id
     WHERE a.slug = $1`,
    [agreementSlug],
  );
  const r = rows[0];
  return r ? { id: r.id, version: r.version, finishedAt: r.finished_at, agreementId: r.agreement_id, threshold: r.threshold } : null;
}

export async function latestRun(db: pg.ClientBase, agreementSlug = PILOT_AGREEMENT): Promise<RunStatus | null> {
  const { rows } = await db.query<{
    id: string;
    version: number;
    status: string;
    progress: number;
    stage: string;
    error: string | null;
    created_at: Date;
    started_at: Date | null;
    finished_at: Date | null;
  }>(
    `SELECT r.id, r.version, r.status, r.progress, r.stage, r.error, r.created_at, r.started_at, r.finished_at
     FROM matching_run r JOIN agreement a ON a.id = r.agreement_id WHERE a.slug = $1 ORDER BY r.version DESC LIMIT 1`,
    [agreementSlug],
  );
  const r = rows[0];
  return r
    ? {
        id: r.id,
        version: r.version,
        status: r.status,
        progress: r.progress,
        stage: r.stage,
        error: r.error,
        createdAt: r.created_at,
        startedAt: r.started_at,
        finishedAt: r.finished_at,
      }
    : null;
}

/** Which partners' data is in a run, as of when (no counts: coverage is not a statistic). */
export async function coverage(db: pg.ClientBase, runId: string): Promise<CoverageRow[]> {
  const { rows } = await db.query<{ dataset_id: string; title: string; organisation: string; loaded_at: Date | null }>(
    `SELECT DISTINCT s.dataset_id, d.title, o.name AS organisation, s.batch_loaded_at AS loaded_at
     FROM matching_run_dataset s JOIN dataset d ON d.id = s.dataset_id JOIN organisation o ON o.id = s.org_id
     WHERE s.run_id = $1 ORDER BY d.title, o.name`,
    [runId],
  );
  return rows.map((r) => ({ datasetId: r.dataset_id, datasetTitle: r.title, organisation: r.organisation, loadedAt: r.loaded_at }));
}

interface Computed {
  domains: RunDomains;
  /** The unit cells and the whole protected publication (every view), for release checks. */
  cells: UnitCell[];
  publication: ProtectedPublication;
  layouts: Layout[];
  views: Map<string, DashboardSection[]>;
  /** Each view's sections as JSON, serialised once: the data endpoint sends them as they are. */
  viewJson: Map<string, string>;
  /** The data endpoint's whole response body per view, encoded once (it depends on nothing else). */
  bodies: Map<string, Buffer<ArrayBuffer>>;
  coverage: CoverageRow[];
}

// The protected publication depends only on (live run, threshold), so it is computed once per
// process: a run's rows never change once it is live, and a new run has a new id.
const CACHE_LIMIT = 8;
const g = globalThis as unknown as { __vangeCache?: Map<string, Promise<Computed>> };
const cache = (g.__vangeCache ??= new Map());

async function compute(ctx: UnitContext, run: LiveRun): Promise<Computed> {
  return withContextClient(ctx, async (c) => {
    const domains = await runDomains(c, run.id);
    const cells = await unitCells(c, run.id);
    const computed = publicationFor(domains, cells, run.threshold);
    const views = buildViews(domains, cells, run.threshold, computed);
    const viewJson = new Map([...views].map(([k, v]) => [k, JSON.stringify(v)]));
    return { domains, cells, ...computed, views, viewJson, bodies: new Map(), coverage: await coverage(c, run.id) };
  });
}

function cached(ctx: UnitContext, run: LiveRun): Promise<Computed> {
  const key = `${run.id}|${run.threshold}`;
  let hit = cache.get(key);
  if (hit) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  hit = compute(ctx, run);
  hit.catch(() => cache.delete(key));
  cache.set(key, hit);
  while (cache.size > CACHE_LIMIT) cache.delete(cache.keys().next().value!);
  return hit;
}

/**
 * The dashboard publication of a run as the engine protected it (every view, jointly), with its
 * base: what a release request's outputs are defined against (lib/release). Shares the cache.
 */
export async function vangeRunPublication(
  ctx: UnitContext,
  run: LiveRun,
): Promise<{ domains: RunDomains; cells: UnitCell[]; publication: ProtectedPublication; layouts: Layout[]; coverage: CoverageRow[] }> {
  const { domains, cells, publication, layouts, coverage } = await cached(ctx, run);
  return { domains, cells, publication, layouts, coverage };
}

/** Parses the filters from a query string; anything unexpected is ignored rather than trusted. */
export function parseFilters(params: URLSearchParams | Record<string, string | string[] | undefined>): VangeFilters {
  const get = (k: string) => {
    const v = params instanceof URLSearchParams ? params.get(k) : params[k];
    return (Array.isArray(v) ? v[0] : v) ?? "";
  };
  const year = /^\d{4}$/.test(get("year")) ? Number(get("year")) : null;
  const district = /^[A-Z0-9-]{1,20}$/.test(get("district")) ? get("district") : null;
  return { year, district };
}

/**
 * The Vange dashboard for one view (filters), protected as one publication. Filters outside the
 * run's domains fall back to "all", so a URL cannot ask for a population the page does not offer.
 */
/*
 * Which run is live (and the newest run's progress) is looked up at most once a second per
 * agreement and process: every researcher sees the same run metadata, and a dashboard under load
 * should not spend a database transaction per request on it. A run going live in this process
 * clears it at once (lib/jobs wires onRunLive to forgetRunState).
 */
const RUN_STATE_TTL_MS = 1_000;
interface RunState {
  run: LiveRun | null;
  latest: RunStatus | null;
  ended: EndedAgreement | null;
}
const runStates = ((globalThis as unknown as { __vangeRunStates?: Map<string, { at: number; state: Promise<RunState> }> }).__vangeRunStates ??=
  new Map());

function runState(ctx: UnitContext, agreementSlug: string): Promise<RunState> {
  const hit = runStates.get(agreementSlug);
  if (hit && Date.now() - hit.at < RUN_STATE_TTL_MS) return hit.state;
  const state = withContextClient(ctx, async (c): Promise<RunState> => {
    const a = await agreementDates(c, { slug: agreementSlug });
    if (a?.phase === "ended") {
      const message = `The agreement "${a.name}" ended on ${formatDay(a.endDate)}. Its dashboards are no longer published; the data is kept only until it is destroyed.`;
      return { run: null, latest: null, ended: { name: a.name, endDate: a.endDate, message } };
    }
    return { run: await liveRun(c, agreementSlug), latest: await latestRun(c, agreementSlug), ended: null };
  });
  runStates.set(agreementSlug, { at: Date.now(), state });
  state.catch(() => runStates.delete(agreementSlug));
  return state;
}

export function forgetRunState(): void {
  runStates.clear();
}

async function resolveView(ctx: UnitContext, requested: VangeFilters, agreementSlug: string) {
  const { run, latest, ended } = await runState(ctx, agreementSlug);
  if (ended) return { run: null, latest: null, ended } as const;
  if (!run) return { run: null, latest, ended: null } as const;
  const all = await cached(ctx, run);
  const filters: VangeFilters = {
    year: requested.year !== null && all.domains.year.includes(requested.year) ? requested.year : null,
    district: requested.district !== null && all.domains.districts.includes(requested.district) ? requested.district : null,
  };
  return { run, latest, all, filters, ended: null } as const;
}

/**
 * The data endpoint's body for one view: the same protected sections the page renders, with the
 * sections' JSON computed once per run rather than per request.
 */
export async function vangeDashboardJson(
  ctx: UnitContext,
  requested: VangeFilters,
  agreementSlug = PILOT_AGREEMENT,
): Promise<{ body: Buffer<ArrayBuffer>; run: LiveRun | null; filters: VangeFilters }> {
  const v = await resolveView(ctx, requested, agreementSlug);
  if (v.ended) return { body: Buffer.from(JSON.stringify({ state: "ended", message: v.ended.message })), run: null, filters: requested };
  if (!v.run) return { body: Buffer.from(JSON.stringify({ state: "no-run", message: "No matching run yet." })), run: null, filters: requested };
  const { run, all, filters } = v;
  const key = viewKey(filters);
  let body = all.bodies.get(key);
  if (!body) {
    const head = JSON.stringify({
      state: "ready",
      run: { version: run.version, finishedAt: run.finishedAt, threshold: run.threshold },
      filters,
      options: { years: all.domains.year, districts: all.domains.districts },
      coverage: all.coverage,
    });
    body = Buffer.from(`${head.slice(0, -1)},"sections":${all.viewJson.get(key)!}}`, "utf8");
    all.bodies.set(key, body);
  }
  return { body, run, filters };
}

export async function vangeDashboard(ctx: UnitContext, requested: VangeFilters, agreementSlug = PILOT_AGREEMENT): Promise<VangeDashboard> {
  const v = await resolveView(ctx, requested, agreementSlug);
  if (v.ended) return { state: "ended", agreement: v.ended };
  if (!v.run) return { state: "no-run", latest: v.latest };
  const { run, latest, all, filters } = v;
  return {
    state: "ready",
    run,
    latest,
    filters,
    options: { years: all.domains.year, districts: all.domains.districts },
    coverage: all.coverage,
    sections: all.views.get(viewKey(filters))!,
  };
}

/** Computes the live run's publication ahead of the first reader (after start-up and after each run). */
export async function warmVangeDashboard(): Promise<void> {
  // A researcher context with no user: only the live run's aggregates are read, nothing is shown.
  const ctx: UnitContext = { kind: "researcher", userId: "00000000-0000-0000-0000-000000000000", requestId: "warm-up" };
  await vangeDashboard(ctx, { year: null, district: null });
}
