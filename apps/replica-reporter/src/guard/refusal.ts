/**
 * Why a report will not run, in one line: the CLI prints it and exits non-zero, the HTTP API
 * answers it as problem+json. Every refusal is about the server or its load, never the request,
 * so HTTP answers 503 and says when to retry.
 */
export type RefusalCode = 'not_a_replica' | 'replica_too_stale' | 'replica_unreachable' | 'reports_busy' | 'report_query_timeout';

export class ReportRefusal extends Error {
  readonly code: RefusalCode;
  readonly retryAfterS: number;

  constructor(code: RefusalCode, message: string, retryAfterS = 30) {
    super(message);
    this.name = 'ReportRefusal';
    this.code = code;
    this.retryAfterS = retryAfterS;
  }
}
