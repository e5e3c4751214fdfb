import { StreamingAggregator } from './period-walk.ts';
import { periodLabel, periodOfInstant } from './periods.ts';
import { roundTo, ValueCollector } from './statistics.ts';
import type { ReportParams } from './report-params.ts';

/** One upload as stored: its status at dataAsOf, when it reached storage and after how many attempts. */
export type UploadRecord = { createdAt: Date; status: string; storedAt: Date | null; storeAttempts: number };

/** A scrub incident (media_incidents): what was wrong and how it ended. */
export type IncidentRecord = { detectedAt: Date; kind: string; outcome: string; repairedFrom: string | null };

type UploadTotals = { uploads: number; byStatus: Map<string, number>; storeSeconds: ValueCollector; retried: number; extraAttempts: number };

/**
 * Incidents first (a few per period, counted), then uploads sorted by creation time: only the
 * open period's upload times are held.
 */
export class MediaAggregator extends StreamingAggregator {
  readonly #incidentsByPeriod = new Map<string, Map<string, number>>();
  readonly #open: UploadTotals = { uploads: 0, byStatus: new Map(), storeSeconds: new ValueCollector(), retried: 0, extraAttempts: 0 };
  #uploadsStarted = false;

  constructor(params: ReportParams) {
    super(params, 'uploads');
  }

  /** Every incident must come before the first upload: a period's row is written when its uploads end. */
  addIncident(incident: IncidentRecord): void {
    if (this.#uploadsStarted) throw new Error('media incidents must all be added before the first upload');
    const period = periodOfInstant(incident.detectedAt, this.params.granularity);
    let counts = this.#incidentsByPeriod.get(period);
    if (!counts) this.#incidentsByPeriod.set(period, (counts = new Map()));
    const count = (key: string) => counts.set(key, (counts.get(key) ?? 0) + 1);
    count(`kind:${incident.kind}`);
    count(incident.outcome === 'repaired' ? `from:${incident.repairedFrom}` : `outcome:${incident.outcome}`);
  }

  add(upload: UploadRecord): void {
    this.#uploadsStarted = true;
    if (!this.enterInstant(upload.createdAt)) return;
    const totals = this.#open;
    totals.uploads += 1;
    totals.byStatus.set(upload.status, (totals.byStatus.get(upload.status) ?? 0) + 1);
    if (upload.storedAt !== null) totals.storeSeconds.push((upload.storedAt.getTime() - upload.createdAt.getTime()) / 1000);
    const attempts = Number(upload.storeAttempts);
    if (attempts > 1) {
      totals.retried += 1;
      totals.extraAttempts += attempts - 1;
    }
  }

  protected closePeriod(period: string): void {
    const t = this.#open;
    const incidents = this.#incidentsByPeriod.get(period) ?? new Map<string, number>();
    const [p50, p95] = t.storeSeconds.percentiles(0.5, 0.95);
    this.emit([
      {
        period: periodLabel(period, this.params.granularity),
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
        incidentsMissing: incidents.get('kind:missing') ?? 0,
        incidentsChanged: incidents.get('kind:changed') ?? 0,
        incidentsSize: incidents.get('kind:size') ?? 0,
        repairedFromSpool: incidents.get('from:spool') ?? 0,
        repairedFromPrimary: incidents.get('from:primary') ?? 0,
        repairedFromMirror: incidents.get('from:mirror') ?? 0,
        repairedByRegenerating: incidents.get('from:regenerated') ?? 0,
        incidentsOpen: incidents.get('outcome:open') ?? 0,
        incidentsUnrepairable: incidents.get('outcome:unrepairable') ?? 0,
      },
    ]);
    t.uploads = t.retried = t.extraAttempts = 0;
    t.byStatus.clear();
    t.storeSeconds.clear();
  }

}
