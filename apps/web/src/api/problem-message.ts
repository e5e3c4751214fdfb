/** What the user reads for a failed call: a headline in their language, then the server's specifics. */
import type { MessageKey } from '../i18n/messages.ts';
import { ko } from '../i18n/messages.ts';
import type { ApiProblem } from './problem.ts';

type Translate = (key: MessageKey, values?: Record<string, string | number>) => string;

export interface ProblemText {
  headline: string;
  /** The gateway's own detail and the fields it names (English, as the API writes them). */
  details: string[];
  reference: string | null;
}

const hasKey = (key: string): key is MessageKey => key in ko;

function statusKey(status: number): MessageKey {
  if (status === 0) return 'error_network';
  const specific = `error_${status}`;
  if (hasKey(specific)) return specific;
  return status >= 500 ? 'error_5xx' : 'error_other';
}

export function describeProblem(problem: ApiProblem, t: Translate, context: { signIn?: boolean } = {}): ProblemText {
  const seconds = problem.retryAfterSeconds ?? 5;
  const codeKey = `code_${problem.code}`;
  let headline: string;
  if (context.signIn && problem.status === 401) headline = t('code_invalid_credentials');
  else if (hasKey(codeKey)) headline = t(codeKey, { seconds });
  else headline = t(statusKey(problem.status), { seconds, status: problem.status });
  const details: string[] = [];
  if (problem.status !== 0 && problem.detail && problem.detail !== headline) details.push(problem.detail);
  for (const error of problem.fieldErrors) details.push(t('fieldError', { field: error.field, message: error.message }));
  return { headline, details: [...new Set(details)], reference: problem.requestId ? t('errorReference', { requestId: problem.requestId }) : null };
}
