import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { HttpProblem } from '@chucar/platform';
import type { Spool } from '../../spool.ts';

export type UploadRoute = 'post' | 'tus';

export interface IntakeMetrics {
  accepted(route: UploadRoute, outcome: string, seconds: number): void;
  rejected(route: UploadRoute, error: unknown): void;
}

/** Why an upload was refused, as a bounded label: the problem code, or the class of failure. */
export function rejectionReason(error: unknown): string {
  if (error instanceof HttpProblem) return error.code;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[A-Za-z_]{1,40}$/.test(code) ? code.toLowerCase() : 'internal_error';
}

/** Uploads accepted and refused, how long an accepted one took to its 202, and the spool disk's room. */
export function registerIntakeMetrics(registry: Registry, spool: Spool): IntakeMetrics {
  const acceptedTotal = new Counter({ name: 'media_uploads_accepted_total', help: 'Uploads accepted, by route and outcome (created, existing, revived)', labelNames: ['route', 'outcome'] as const, registers: [registry] });
  const rejectedTotal = new Counter({ name: 'media_uploads_rejected_total', help: 'Uploads refused or failed, by route and reason', labelNames: ['route', 'reason'] as const, registers: [registry] });
  const acceptSeconds = new Histogram({
    name: 'media_upload_accept_seconds',
    help: 'Time from the start of an upload request to its answer, accepted uploads only',
    labelNames: ['route'] as const,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  new Gauge({
    name: 'media_spool_bytes',
    help: 'The spool disk, used and free bytes (free as available to this process)',
    labelNames: ['state'] as const,
    registers: [registry],
    async collect() {
      const { freeBytes, totalBytes } = await spool.space();
      this.set({ state: 'free' }, freeBytes);
      this.set({ state: 'used' }, totalBytes - freeBytes);
    },
  });
  return {
    accepted(route, outcome, seconds) {
      acceptedTotal.inc({ route, outcome });
      acceptSeconds.observe({ route }, seconds);
    },
    rejected(route, error) {
      rejectedTotal.inc({ route, reason: rejectionReason(error) });
    },
  };
}
