import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { ApiError, accounts, setCsrfToken, setUnauthenticatedListener, type Session, type Store, type User } from './api';

export type SessionState =
  | { status: 'loading' }
  | { status: 'anonymous'; expired?: boolean }
  | { status: 'unavailable' }
  | { status: 'authenticated'; user: User; store: Store | null };

interface SessionContextValue {
  state: SessionState;
  /** Adopt the answer of login or signup. */
  signIn(session: Session): void;
  signOut(): Promise<void>;
  /** The store changed (settings saved): keep the shell's store name in step. */
  setStore(store: Store): void;
  refresh(): void;
}

const SessionContext = createContext<SessionContextValue | null>(null);

function fromSession(session: Session): SessionState {
  return { status: 'authenticated', user: session.user, store: session.store ?? null };
}

export function SessionProvider({ children, initial }: { children: ReactNode; initial?: SessionState }) {
  const [state, setState] = useState<SessionState>(initial ?? { status: 'loading' });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    if (initial && attempt === 0) return;
    const controller = new AbortController();
    accounts
      .me(controller.signal)
      .then((session) => setState(fromSession(session)))
      .catch((error: unknown) => {
        if (controller.signal.aborted) return;
        if (error instanceof ApiError && error.status === 401) setState({ status: 'anonymous' });
        else setState({ status: 'unavailable' });
      });
    return () => controller.abort();
  }, [attempt, initial]);

  useEffect(() => {
    setUnauthenticatedListener(() => {
      setCsrfToken(null);
      setState({ status: 'anonymous', expired: true });
    });
    return () => setUnauthenticatedListener(null);
  }, []);

  const signIn = useCallback((session: Session) => setState(fromSession(session)), []);
  const signOut = useCallback(async () => {
    try {
      await accounts.logout();
    } finally {
      setState({ status: 'anonymous' });
    }
  }, []);
  const setStore = useCallback(
    (store: Store) => setState((s) => (s.status === 'authenticated' ? { ...s, store } : s)),
    [],
  );
  const refresh = useCallback(() => {
    setState({ status: 'loading' });
    setAttempt((n) => n + 1);
  }, []);

  const value = useMemo(
    () => ({ state, signIn, signOut, setStore, refresh }),
    [state, signIn, signOut, setStore, refresh],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionContextValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside SessionProvider');
  return value;
}

/** Where a signed-in person starts: sellers in their Sales view, buyers in their library. */
export function homePath(state: SessionState): string {
  if (state.status !== 'authenticated') return '/login';
  return state.store ? '/app/sales' : '/library';
}

/** After logging in: back to the page that asked for it, when this person may see it. */
export function landingPath(state: SessionState, from: unknown): string {
  const home = homePath(state);
  if (state.status !== 'authenticated' || typeof from !== 'string') return home;
  if (state.store && from.startsWith('/app/')) return from;
  if (from === '/library' || from.startsWith('/library/')) return from;
  // Buyer-facing pages (store, product, checkout, receipt) are open to everyone signed in.
  if (from.startsWith('/s/') || from.startsWith('/orders/')) return from;
  return home;
}
