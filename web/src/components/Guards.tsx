import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { LanguageSwitch } from './LanguageSwitch';
import { homePath, landingPath, useSession } from '../session';

export function FullPageLoading() {
  const { t } = useTranslation();
  return (
    <div className="full-page" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      <span>{t('app.loading')}</span>
    </div>
  );
}

export function Unavailable() {
  const { t } = useTranslation();
  const { refresh } = useSession();
  return (
    <div className="full-page">
      <LanguageSwitch className="full-page__language" />
      <div className="card full-page__card" role="alert">
        <h1>{t('app.unavailableTitle')}</h1>
        <p>{t('app.unavailableBody')}</p>
        <button type="button" className="button button--primary" onClick={refresh}>
          {t('app.retry')}
        </button>
      </div>
    </div>
  );
}

/** Renders children for a signed-in person of the right kind; otherwise redirects. */
export function RequireAuth({ children, seller }: { children: ReactNode; seller?: boolean }) {
  const { state } = useSession();
  const location = useLocation();
  if (state.status === 'loading') return <FullPageLoading />;
  if (state.status === 'unavailable') return <Unavailable />;
  if (state.status === 'anonymous') {
    return <Navigate to="/login" replace state={{ from: location.pathname + location.search, expired: state.expired }} />;
  }
  if (seller && !state.store) return <Navigate to="/library" replace />;
  return <>{children}</>;
}

/** Login and signup are for signed-out visitors; a signed-in one goes home. */
export function RequireAnonymous({ children }: { children: ReactNode }) {
  const { state } = useSession();
  const location = useLocation();
  if (state.status === 'loading') return <FullPageLoading />;
  if (state.status === 'authenticated') {
    const from = (location.state as { from?: unknown } | null)?.from;
    return <Navigate to={landingPath(state, from)} replace />;
  }
  return <>{children}</>;
}

export function RootRedirect() {
  const { state } = useSession();
  if (state.status === 'loading') return <FullPageLoading />;
  if (state.status === 'unavailable') return <Unavailable />;
  return <Navigate to={homePath(state)} replace />;
}
