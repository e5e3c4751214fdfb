/**
 * Every failed call becomes an ApiProblem: the gateway's RFC 9457 body when there is one (title,
 * detail, code, requestId, errors[]), else what the status line says, or a network failure.
 */
export interface ProblemBody {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  code?: string;
  requestId?: string;
  errors?: { field: string; message: string }[];
}

export class ApiProblem extends Error {
  /** 0 when the server was never reached. */
  readonly status: number;
  readonly code: string;
  readonly title: string;
  readonly detail: string;
  readonly requestId: string | null;
  readonly fieldErrors: readonly { field: string; message: string }[];
  /** Seconds from Retry-After, when the server said how long to wait. */
  readonly retryAfterSeconds: number | null;

  constructor(status: number, body: ProblemBody, retryAfterSeconds: number | null = null) {
    super(body.detail || body.title || `HTTP ${status}`);
    this.name = 'ApiProblem';
    this.status = status;
    this.code = body.code ?? (status === 0 ? 'network_error' : `http_${status}`);
    this.title = body.title ?? '';
    this.detail = body.detail ?? '';
    this.requestId = body.requestId ?? null;
    this.fieldErrors = body.errors ?? [];
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

export function isProblemBody(value: unknown): value is ProblemBody {
  return typeof value === 'object' && value !== null && ('title' in value || 'code' in value || 'detail' in value);
}

export function retryAfterSeconds(headers: Headers): number | null {
  const raw = headers.get('retry-after');
  if (!raw) return null;
  const seconds = Number(raw);
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds));
  const date = Date.parse(raw);
  return Number.isNaN(date) ? null : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

/** Reads a failed response into an ApiProblem, whatever its body is. */
export async function problemFromResponse(response: Response): Promise<ApiProblem> {
  let body: ProblemBody = {};
  const text = await response.text().catch(() => '');
  try {
    const parsed: unknown = JSON.parse(text);
    if (isProblemBody(parsed)) body = parsed;
  } catch {
    // Not JSON (a proxy's HTML error page): the status line is all there is.
    body = { title: response.statusText };
  }
  return new ApiProblem(response.status, body, retryAfterSeconds(response.headers));
}

export function networkProblem(error: unknown): ApiProblem {
  return new ApiProblem(0, { title: 'network error', detail: error instanceof Error ? error.message : String(error) });
}
