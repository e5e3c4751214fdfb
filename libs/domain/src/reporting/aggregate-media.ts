import { periodLabel, periodOfInstant, periodsInRange } from './periods.ts';
import { roundTo, ValueCollector } from './statistics.ts';
import type { ReportParams } from './report-params.ts';
import type { ReportRow } from './report-definitions.ts';

/** One upload as stored: its status at dataAsOf, when it reached storage and after how many attempts. */
export type UploadRecord = { createdAt: Date; status: string; storedAt: Date | null; storeAttempts: number };

/** A scrub incident (media_incidents): what was wrong and how it ended. */
export type IncidentRecord = { detectedAt: Date; kind: string; outcome: string; repairedFrom: string | null };

type Totals = { uploads: number; byStatus: Map<string, number>; storeSeconds: ValueCollector; retried: number; extraAttempts: number; incidents: Map<string, number> };

export class MediaAggregator {
  readonly #params: ReportParams;
  readonly #periods: Map<string, Totals>;

  constructor(params: ReportParams) {
    this.#params = params;
    this.#periods = new Map(
      periodsInRange(params.from, params.to, params.granularity).map((period) => [period, { uploads: 0, byStatus: new Map(), storeSeconds: new ValueCollector(), retried: 0, extraAttempts: 0, incidents: new Map() }]),
    );
  }

  add(upload: UploadRecord): void {
    const totals = this.#periods.get(periodOfInstant(upload.createdAt, this.#params.granularity));
    if (!totals) return;
    totals.uploads += 1;
    totals.byStatus.set(upload.status, (totals.byStatus.get(upload.status) ?? 0) + 1);
    if (upload.storedAt !== null) totals.storeSeconds.push((upload.storedAt.getTime() - upload.createdAt.getTime()) / 1000);
    const attempts = Number(upload.storeAttempts);
    if (attempts > 1) {
      totals.retried += 1;
      totals.extraAttempts += attempts - 1;
    }
  }

  addIncident(incident: IncidentRecord): void {
    const totals = this.#periods.get(periodOfInstant(incident.detectedAt, this.#params.granularity));
    if (!totals) return;
    const count = (key: string) => totals.incidents.set(key, (totals.incidents.get(key) ?? 0) + 1);
    count(`kind:${incident.kind}`);
    count(incident.outcome === 'repaired' ? `from:${incident.repairedFrom}` : `outcome:${incident.outcome}`);
  }

  rows(): ReportRow[] {
    return [...this.#periods].map(([period, t]) => {
      const [p50, p95] = t.storeSeconds.percentiles(0.5, 0.95);
      return {
        period: periodLabel(period, this.#params.granularity),
        uploads: t.uploads,
        spooled: t.byStatus.get('spooled') ?? 0,
        stored: t.byStatus.get('stored') ?? 0,
        failed: t.byStatus.get('failed') ?? 0,
        deleted: t.byStatus.get('deleted') ?? 0,
        lost: t.byStatus.get('lost') ?? 0,
        p50StoreSeconds: roundTo(p50 ?? null, 1),
        p95StoreSeconds: roundTo(p95 ?? null, 1),
        retriedUploads: t.retried,
        extraStoreAttempts: t.extraAttempts,
        incidentsMissing: t.incidents.get('kind:missing') ?? 0,
        incidentsChanged: t.incidents.get('kind:changed') ?? 0,
        incidentsSize: t.incidents.get('kind:size') ?? 0,
        repairedFromSpool: t.incidents.get('from:spool') ?? 0,
        repairedFromPrimary: t.incidents.get('from:primary') ?? 0,
        repairedFromMirror: t.incidents.get('from:mirror') ?? 0,
        repairedByRegenerating: t.incidents.get('from:regenerated') ?? 0,
        incidentsOpen: t.incidents.get('outcome:open') ?? 0,
        incidentsUnrepairable: t.incidents.get('outcome:unrepairable') ?? 0,
      };
    });
  }
}
