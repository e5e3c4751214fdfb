/**
 * What the client keeps between calls, in sessionStorage (one tab's session, gone with the tab; never
 * localStorage): the tokens, the account, and the latest consistency token. Nothing lives in a
 * cookie, so the API needs no CSRF defence.
 */
export type Role = 'customer' | 'dealer' | 'analyst' | 'admin';

export interface SessionAccount {
  id: number;
  email: string;
  role: Role;
  status: 'active' | 'pending_review' | 'suspended';
  displayName: string;
}

export interface Session {
  account: SessionAccount;
  accessToken: string;
  refreshToken: string;
  /** Epoch ms after which the access token must be refreshed first. */
  accessTokenExpiresAt: number;
}

/** The two storage calls the client needs (sessionStorage in the browser, a Map in unit tests). */
export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

const SESSION_KEY = 'chucar.session';
const CONSISTENCY_KEY = 'chucar.consistencyToken';

export class SessionStore {
  readonly #storage: KeyValueStorage;
  #session: Session | null;
  #consistencyToken: string | null;
  readonly #listeners = new Set<() => void>();

  constructor(storage: KeyValueStorage) {
    this.#storage = storage;
    this.#session = readJson<Session>(storage, SESSION_KEY);
    this.#consistencyToken = storage.getItem(CONSISTENCY_KEY);
  }

  get session(): Session | null {
    return this.#session;
  }

  get consistencyToken(): string | null {
    return this.#consistencyToken;
  }

  setSession(session: Session | null): void {
    this.#session = session;
    if (session) this.#storage.setItem(SESSION_KEY, JSON.stringify(session));
    else this.#storage.removeItem(SESSION_KEY);
    this.#notify();
  }

  /**
   * Keeps the token of the latest write seen. Each write's GTID list includes every earlier write of
   * this client (they committed first on the same primary), so the latest one is all we need to send.
   */
  rememberConsistencyToken(token: string | null): void {
    if (!token || token === this.#consistencyToken) return;
    this.#consistencyToken = token;
    this.#storage.setItem(CONSISTENCY_KEY, token);
  }

  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #notify(): void {
    for (const listener of this.#listeners) listener();
  }
}

function readJson<T>(storage: KeyValueStorage, key: string): T | null {
  const raw = storage.getItem(key);
  if (!raw) return null;
  try {
    return JSON.parse(raw) as T;
  } catch {
    storage.removeItem(key);
    return null;
  }
}
