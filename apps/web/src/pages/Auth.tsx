import { useState, type FormEvent } from 'react';
import { asProblem, useApi, useLoad } from '../api/api-context.tsx';
import { sessionFromAnswer, unwrap } from '../api/client.ts';
import type { ApiProblem } from '../api/problem.ts';
import type { Role } from '../api/session-store.ts';
import type { RegionCode } from '../api/types.ts';
import { ProblemAlert } from '../components/ProblemAlert.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { Link, navigate } from '../router.tsx';

export function homePathOf(role: Role): string {
  if (role === 'dealer') return '/dealer/requests';
  if (role === 'analyst' || role === 'admin') return '/reports';
  return '/requests';
}

export function SignInPage() {
  const api = useApi();
  const { t } = useI18n();
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setProblem(null);
    try {
      const answer = await unwrap(api.client.POST('/v1/auth/login', { body: { email: String(form.get('email')), password: String(form.get('password')) } }));
      const session = sessionFromAnswer(answer);
      api.store.setSession(session);
      navigate(homePathOf(session.account.role), { replace: true });
    } catch (error) {
      setProblem(asProblem(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card narrow">
      <h1>{t('signIn')}</h1>
      <form onSubmit={submit}>
        <label>
          {t('email')}
          <input name="email" type="email" autoComplete="email" required />
        </label>
        <label>
          {t('password')}
          <input name="password" type="password" autoComplete="current-password" required />
        </label>
        <ProblemAlert problem={problem} signIn />
        <button type="submit" disabled={busy}>
          {t('signIn')}
        </button>
      </form>
      <p className="muted">
        {t('noAccount')} <Link to="/signup">{t('nav_signUp')}</Link>
      </p>
    </section>
  );
}

export function SignUpPage() {
  const api = useApi();
  const { t } = useI18n();
  const [kind, setKind] = useState<'customer' | 'dealer'>('customer');
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [busy, setBusy] = useState(false);
  const regions = useLoad((client) => unwrap(client.client.GET('/v1/regions')), []);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const common = { email: String(form.get('email')), password: String(form.get('password')), displayName: String(form.get('displayName')) };
    setBusy(true);
    setProblem(null);
    try {
      const answer =
        kind === 'customer'
          ? await unwrap(api.client.POST('/v1/auth/customers', { body: common }))
          : await unwrap(api.client.POST('/v1/auth/dealers', { body: { ...common, dealershipName: String(form.get('dealershipName')), regions: form.getAll('regions').map(String) as RegionCode[] } }));
      const session = sessionFromAnswer(answer);
      api.store.setSession(session);
      navigate(homePathOf(session.account.role), { replace: true });
    } catch (error) {
      setProblem(asProblem(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card narrow">
      <h1>{t('nav_signUp')}</h1>
      <form onSubmit={submit}>
        <fieldset className="segmented">
          <legend>{t('accountType')}</legend>
          {(['customer', 'dealer'] as const).map((value) => (
            <label key={value}>
              <input type="radio" name="kind" value={value} checked={kind === value} onChange={() => setKind(value)} />
              {value === 'customer' ? t('signUpAsCustomer') : t('signUpAsDealer')}
            </label>
          ))}
        </fieldset>
        <label>
          {t('displayName')}
          <input name="displayName" autoComplete="name" required maxLength={100} />
        </label>
        <label>
          {t('email')}
          <input name="email" type="email" autoComplete="email" required />
        </label>
        <label>
          {t('password')} <small className="muted">({t('passwordHint')})</small>
          <input name="password" type="password" autoComplete="new-password" required minLength={10} />
        </label>
        {kind === 'dealer' && (
          <>
            <label>
              {t('dealershipName')}
              <input name="dealershipName" required maxLength={100} />
            </label>
            <fieldset className="checks">
              <legend>{t('regions')}</legend>
              {regions.data?.map((region) => (
                <label key={region.code}>
                  <input type="checkbox" name="regions" value={region.code} />
                  {region.nameKo}
                </label>
              ))}
            </fieldset>
          </>
        )}
        <ProblemAlert problem={problem ?? regions.error} />
        <button type="submit" disabled={busy}>
          {t('signUp')}
        </button>
      </form>
      <p className="muted">
        {t('haveAccount')} <Link to="/signin">{t('nav_signIn')}</Link>
      </p>
    </section>
  );
}
