import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ApiProvider } from './api/api-context.tsx';
import { createApiClient } from './api/client.ts';
import { SessionStore } from './api/session-store.ts';
import { App } from './App.tsx';
import { I18nProvider } from './i18n/i18n.tsx';
import './styles.css';

// Same origin as the page: the gateway (or the load balancer in front of it) serves both.
const api = createApiClient({ baseUrl: '', store: new SessionStore(window.sessionStorage) });

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ApiProvider api={api}>
      <I18nProvider>
        <App />
      </I18nProvider>
    </ApiProvider>
  </StrictMode>,
);
