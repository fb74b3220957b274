import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { LanguageSwitch } from './LanguageSwitch';
import { Logo } from './Icons';

/** Centered card for the signed-out screens (login, signup), with the language switch. */
export function AuthLayout({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  return (
    <div className="auth">
      <header className="auth__top">
        <span className="auth__brand">
          <span className="brand-mark">
            <Logo />
          </span>
          <span>{t('app.name')}</span>
        </span>
        <LanguageSwitch />
      </header>
      <main id="main" className="auth__main">
        <div className="card auth__card">{children}</div>
      </main>
    </div>
  );
}
