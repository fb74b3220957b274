import { useState, type ReactNode } from 'react';
import { NavLink, Outlet, useNavigate } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { useSession } from '../session';
import { LanguageSwitch } from './LanguageSwitch';
import { BalanceIcon, BlockedIcon, LibraryIcon, Logo, LogoutIcon, MessagesIcon, ProductsIcon, SalesIcon, SettingsIcon } from './Icons';

export interface NavItem {
  to: string;
  labelKey: string;
  icon: ReactNode;
  /** Active only on this exact path (not on the paths under it). */
  end?: boolean;
}

export const SELLER_NAV: NavItem[] = [
  { to: '/app/sales', labelKey: 'nav.sales', icon: <SalesIcon /> },
  { to: '/app/products', labelKey: 'nav.products', icon: <ProductsIcon /> },
  { to: '/app/messages', labelKey: 'nav.messages', icon: <MessagesIcon /> },
  { to: '/app/balance', labelKey: 'nav.balance', icon: <BalanceIcon /> },
  { to: '/app/blocked', labelKey: 'nav.blocked', icon: <BlockedIcon /> },
  { to: '/app/settings', labelKey: 'nav.settings', icon: <SettingsIcon /> },
];

export const BUYER_NAV: NavItem[] = [
  { to: '/library', labelKey: 'nav.library', icon: <LibraryIcon />, end: true },
  { to: '/library/messages', labelKey: 'nav.messages', icon: <MessagesIcon /> },
];

/** The signed-in shell: sidebar (top bar on phones) with navigation, account and language. */
export function AppLayout({ nav }: { nav: NavItem[] }) {
  const { t } = useTranslation();
  const { state, signOut } = useSession();
  const navigate = useNavigate();
  const [leaving, setLeaving] = useState(false);
  if (state.status !== 'authenticated') return null;
  const { user, store } = state;

  async function logout() {
    setLeaving(true);
    try {
      await signOut();
    } catch {
      // The session is dropped locally either way; the server forgets it on expiry.
    } finally {
      navigate('/login', { replace: true });
    }
  }

  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        {t('app.skipToContent')}
      </a>
      <aside className="sidebar">
        <div className="sidebar__inner">
          <div className="sidebar__brand">
            <span className="brand-mark">
              <Logo />
            </span>
            <div className="sidebar__brand-text">
              <span className="sidebar__product">{t('app.name')}</span>
              {store ? (
                <span className="sidebar__store" data-testid="store-name" title={store.name}>
                  {store.name}
                </span>
              ) : null}
            </div>
          </div>
          <nav className="sidebar__nav" aria-label={t('nav.main')}>
            <ul>
              {nav.map((item) => (
                <li key={item.to}>
                  <NavLink to={item.to} end={item.end} className="nav-link">
                    {item.icon}
                    <span>{t(item.labelKey)}</span>
                  </NavLink>
                </li>
              ))}
            </ul>
          </nav>
          <div className="sidebar__footer" aria-label={t('nav.account')} role="group">
            <div className="account">
              <span className="account__avatar" aria-hidden="true">
                {(user.name || user.email).trim().charAt(0).toUpperCase()}
              </span>
              <div className="account__text">
                {user.name ? <span className="account__name">{user.name}</span> : null}
                <span className="account__email" data-testid="user-email" title={user.email}>
                  {user.email}
                </span>
              </div>
            </div>
            <div className="sidebar__actions">
              <LanguageSwitch />
              <button
                type="button"
                className="button button--ghost button--small logout"
                onClick={logout}
                disabled={leaving}
                aria-label={leaving ? t('nav.loggingOut') : t('nav.logout')}
                title={t('nav.logout')}
              >
                <LogoutIcon size={16} />
                <span className="logout__text">{leaving ? t('nav.loggingOut') : t('nav.logout')}</span>
              </button>
            </div>
          </div>
        </div>
      </aside>
      <main id="main" className="main" tabIndex={-1}>
        <div className="main__inner">
          <Outlet />
        </div>
      </main>
    </div>
  );
}
