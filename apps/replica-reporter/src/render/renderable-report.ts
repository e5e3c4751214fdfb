import type { ReportDefinition, ReportRow } from '@chucar/domain';
import type { ReportHeader } from '../reports/report-runner.ts';

/** What a renderer needs: the rows as they come from the runner, or already in hand. */
export type RenderableReport = { definition: ReportDefinition; header: ReportHeader; rows: AsyncIterable<ReportRow> | Iterable<ReportRow> };
