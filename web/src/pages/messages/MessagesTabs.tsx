import { NavLink } from 'react-router-dom';
import { useTranslation } from 'react-i18next';

/** Inbox · Saved replies · Message customers, under the Messages page header. */
export function MessagesTabs() {
  const { t } = useTranslation();
  const cls = ({ isActive }: { isActive: boolean }) => (isActive ? 'tabs__tab tabs__tab--active' : 'tabs__tab');
  return (
    <nav className="tabs" aria-label={t('messages.title')}>
      <NavLink end to="/app/messages" className={cls}>
        {t('messages.tabs.inbox')}
      </NavLink>
      <NavLink to="/app/messages/saved-replies" className={cls}>
        {t('messages.tabs.saved')}
      </NavLink>
      <NavLink to="/app/messages/broadcasts" className={cls}>
        {t('messages.tabs.broadcast')}
      </NavLink>
    </nav>
  );
}
