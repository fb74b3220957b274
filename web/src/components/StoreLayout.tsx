import type { ReactNode } from 'react';
import { Link, useLocation } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { useSession } from '../session';
import { LanguageSwitch } from './LanguageSwitch';
import { LibraryIcon, Logo } from './Icons';

/**
 * The buyer-facing pages (store, product, checkout, receipt): a light header with the store's
 * name and the language switch, no seller sidebar.
 */
export function StoreLayout({ storeName, slug, children }: { storeName?: string | null; slug?: string | null; children: ReactNode }) {
  const { t } = useTranslation();
  const { state } = useSession();
  const location = useLocation();
  const name = storeName ?? '';
  return (
    <div className="storefront">
      <a className="skip-link" href="#main">
        {t('app.skipToContent')}
      </a>
      <header className="store-header">
        <div className="store-header__inner">
          {slug ? (
            <Link to={`/s/${encodeURIComponent(slug)}`} className="store-header__brand" data-testid="store-header-name">
              <span className="store-header__mark" aria-hidden="true">
                {name.trim().charAt(0).toUpperCase() || <Logo />}
              </span>
              <span>{name}</span>
            </Link>
          ) : (
            <span className="store-header__brand" data-testid="store-header-name">
              <span className="brand-mark">
                <Logo />
              </span>
              <span>{name || t('app.name')}</span>
            </span>
          )}
          <div className="store-header__actions">
            {state.status === 'authenticated' ? (
              <Link to="/library" className="button button--ghost button--small">
                <LibraryIcon size={16} />
                <span>{t('storeHeader.library')}</span>
              </Link>
            ) : state.status === 'anonymous' ? (
              <Link to="/login" state={{ from: location.pathname + location.search }} className="button button--ghost button--small">
                {t('storeHeader.logIn')}
              </Link>
            ) : null}
            <LanguageSwitch />
          </div>
        </div>
      </header>
      <main id="main" className="storefront__main" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}
