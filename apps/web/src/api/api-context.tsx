import { createContext, useCallback, useContext, useEffect, useState, useSyncExternalStore, type DependencyList, type ReactNode } from 'react';
import type { ApiClient } from './client.ts';
import { ApiProblem, networkProblem } from './problem.ts';
import type { Session } from './session-store.ts';

const ApiContext = createContext<ApiClient | null>(null);

export function ApiProvider({ api, children }: { api: ApiClient; children: ReactNode }) {
  return <ApiContext.Provider value={api}>{children}</ApiContext.Provider>;
}

export function useApi(): ApiClient {
  const api = useContext(ApiContext);
  if (!api) throw new Error('useApi outside ApiProvider');
  return api;
}

export function useSession(): Session | null {
  const { store } = useApi();
  return useSyncExternalStore(
    (listener) => store.subscribe(listener),
    () => store.session,
  );
}

export function asProblem(error: unknown): ApiProblem {
  return error instanceof ApiProblem ? error : networkProblem(error);
}

export interface Loaded<T> {
  data: T | null;
  error: ApiProblem | null;
  loading: boolean;
  reload(): void;
}

/** Runs `load` when `deps` change; the latest answer wins (an older one arriving late is dropped). */
export function useLoad<T>(load: (api: ApiClient) => Promise<T>, deps: DependencyList): Loaded<T> {
  const api = useApi();
  const [state, setState] = useState<{ data: T | null; error: ApiProblem | null; loading: boolean }>({ data: null, error: null, loading: true });
  const [round, setRound] = useState(0);
  useEffect(() => {
    let current = true;
    setState((previous) => ({ ...previous, loading: true, error: null }));
    load(api).then(
      (data) => current && setState({ data, error: null, loading: false }),
      (error: unknown) => current && setState({ data: null, error: asProblem(error), loading: false }),
    );
    return () => {
      current = false;
    };
    // The caller names what the load depends on.
  }, [api, round, ...deps]);
  const reload = useCallback(() => setRound((value) => value + 1), []);
  return { ...state, reload };
}
