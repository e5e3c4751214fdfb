import { useEffect, type ReactNode } from 'react';
import { useApi, useSession } from './api/api-context.tsx';
import type { Role } from './api/session-store.ts';
import { useI18n } from './i18n/i18n.tsx';
import type { MessageKey } from './i18n/messages.ts';
import { AlertsPage } from './pages/Alerts.tsx';
import { SignInPage, SignUpPage, homePathOf } from './pages/Auth.tsx';
import { CatalogPage } from './pages/Catalog.tsx';
import { DealerQuotesPage, DealerRequestPage, DealerRequestsPage } from './pages/Dealer.tsx';
import { NewRequestPage } from './pages/NewRequest.tsx';
import { ReportsPage } from './pages/Reports.tsx';
import { MyRequestsPage, RequestDetailPage } from './pages/Requests.tsx';
import { Link, matchPath, navigate, useLocation } from './router.tsx';

const NAV: Record<Role | 'guest', { to: string; label: MessageKey }[]> = {
  guest: [
    { to: '/catalog', label: 'nav_catalog' },
    { to: '/signin', label: 'nav_signIn' },
    { to: '/signup', label: 'nav_signUp' },
  ],
  customer: [
    { to: '/catalog', label: 'nav_catalog' },
    { to: '/requests', label: 'nav_myRequests' },
  ],
  dealer: [
    { to: '/dealer/requests', label: 'nav_dealerRequests' },
    { to: '/dealer/quotes', label: 'nav_dealerQuotes' },
  ],
  analyst: [
    { to: '/reports', label: 'nav_reports' },
    { to: '/catalog', label: 'nav_catalog' },
  ],
  admin: [
    { to: '/reports', label: 'nav_reports' },
    { to: '/admin/alerts', label: 'nav_alerts' },
    { to: '/catalog', label: 'nav_catalog' },
  ],
};

function RequireRole({ roles, children }: { roles: Role[]; children: ReactNode }) {
  const session = useSession();
  const { t } = useI18n();
  if (!session) {
    return (
      <section className="card narrow">
        <p>{t('needSignIn')}</p>
        <Link className="button" to="/signin">
          {t('nav_signIn')}
        </Link>
      </section>
    );
  }
  if (!roles.includes(session.account.role)) return <p className="problem" role="alert">{t('wrongRole', { role: roles.map((role) => t(`role_${role}`)).join(', ') })}</p>;
  return <>{children}</>;
}

function Page() {
  const { path, query } = useLocation();
  const session = useSession();
  const { t } = useI18n();
  let params: Record<string, string> | null;

  if (path === '/') {
    return session ? <Redirect to={homePathOf(session.account.role)} /> : <CatalogPage />;
  }
  if (path === '/signin') return <SignInPage />;
  if (path === '/signup') return <SignUpPage />;
  if (path === '/catalog') return <CatalogPage />;
  if (path === '/requests') return <RequireRole roles={['customer']}><MyRequestsPage /></RequireRole>;
  if (path === '/requests/new') {
    const trim = Number(query.get('trim'));
    return <RequireRole roles={['customer']}><NewRequestPage trimId={Number.isSafeInteger(trim) && trim > 0 ? trim : null} /></RequireRole>;
  }
  if ((params = matchPath('/requests/:id', path))) return <RequireRole roles={['customer']}><RequestDetailPage id={Number(params['id'])} /></RequireRole>;
  if (path === '/dealer/requests') return <RequireRole roles={['dealer']}><DealerRequestsPage /></RequireRole>;
  if (path === '/dealer/quotes') return <RequireRole roles={['dealer']}><DealerQuotesPage /></RequireRole>;
  if ((params = matchPath('/dealer/requests/:id', path))) return <RequireRole roles={['dealer']}><DealerRequestPage id={Number(params['id'])} /></RequireRole>;
  if (path === '/reports') return <RequireRole roles={['analyst', 'admin']}><ReportsPage /></RequireRole>;
  if (path === '/admin/alerts') return <RequireRole roles={['admin']}><AlertsPage /></RequireRole>;
  return (
    <section className="card narrow">
      <p>{t('pageNotFound')}</p>
      <Link className="button" to="/">
        {t('goHome')}
      </Link>
    </section>
  );
}

function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to, { replace: true }), [to]);
  return null;
}

export function App() {
  const api = useApi();
  const session = useSession();
  const { t, language, setLanguage } = useI18n();
  const role = session?.account.role ?? 'guest';

  const signOut = async () => {
    const refreshToken = session?.refreshToken;
    api.store.setSession(null);
    navigate('/signin');
    // Revoking is best effort: the tokens are already gone from this tab.
    if (refreshToken) await api.client.POST('/v1/auth/logout', { body: { refreshToken } }).catch(() => undefined);
  };

  return (
    <>
      <header className="top">
        <Link to="/" className="brand">
          {t('appName')}
        </Link>
        <nav aria-label="main">
          {NAV[role].map((item) => (
            <Link key={item.to} to={item.to}>
              {t(item.label)}
            </Link>
          ))}
        </nav>
        <div className="account">
          {session && (
            <>
              <span className="muted" data-testid="signed-in-as">
                {t('signedInAs', { name: session.account.displayName })} · {t(`role_${session.account.role}`)}
              </span>
              <button type="button" className="link" onClick={() => void signOut()}>
                {t('nav_signOut')}
              </button>
            </>
          )}
          <select aria-label={t('language')} value={language} onChange={(event) => setLanguage(event.target.value === 'en' ? 'en' : 'ko')} data-testid="language">
            <option value="ko">한국어</option>
            <option value="en">English</option>
          </select>
        </div>
      </header>
      <main>
        <Page />
      </main>
    </>
  );
}
