/**
 * What crosses a process boundary, written once and imported by both sides: the gateway and the
 * services it forwards to, the media API and its worker. Each side validates, serialises and
 * documents with these schemas, so a change shows on both at once and a contract test catches a
 * side that answers otherwise.
 */
export { DateTime, literals } from './literals.ts';
export { FieldProblem, Problem, problems, type ProblemDetails } from './problem.ts';
export { AcceptedMedia, MediaContentType, MediaId, MediaIdParams, MediaKind, MediaStatus, MediaView, SignedUrl, VariantName, VariantsStatus } from './media.ts';
export {
  MEDIA_JOB_DATA,
  MEDIA_JOB_NAMES,
  MEDIA_QUEUE_NAME,
  PER_MEDIA_JOB_NAMES,
  PerMediaJobData,
  SCRUB_JOB_PASSES,
  isMediaJobData,
  isMediaJobName,
  mediaJobDataIssue,
  type MediaJob,
  type MediaJobData,
  type MediaJobDataOf,
  type MediaJobName,
  type PerMediaJobName,
  type ScrubJobPass,
} from './media-jobs.ts';
export {
  REPORT_FORMATS,
  ReportColumn,
  ReportJson,
  ReportList,
  ReportName,
  ReportNameParams,
  ReportQuery,
  isReportFormat,
  reportContent,
  reportFreshnessHeaders,
  type ReportFormat,
} from './reports.ts';
