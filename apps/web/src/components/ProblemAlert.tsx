import { describeProblem } from '../api/problem-message.ts';
import type { ApiProblem } from '../api/problem.ts';
import { useI18n } from '../i18n/i18n.tsx';

/** Every failed call is shown with this: what happened in plain words, the API's details, a reference. */
export function ProblemAlert({ problem, onRetry, signIn }: { problem: ApiProblem | null; onRetry?: () => void; signIn?: boolean }) {
  const { t } = useI18n();
  if (!problem) return null;
  const text = describeProblem(problem, t, { signIn: signIn ?? false });
  return (
    <div className="problem" role="alert" data-testid="problem" data-code={problem.code} data-status={problem.status}>
      <strong>{text.headline}</strong>
      {text.details.length > 0 && (
        <ul>
          {text.details.map((detail) => (
            <li key={detail}>{detail}</li>
          ))}
        </ul>
      )}
      {text.reference && <small>{text.reference}</small>}
      {onRetry && (
        <button type="button" className="secondary" onClick={onRetry}>
          {t('retry')}
        </button>
      )}
    </div>
  );
}

export function Loading() {
  const { t } = useI18n();
  return (
    <p className="muted" aria-busy="true">
      {t('loading')}
    </p>
  );
}
