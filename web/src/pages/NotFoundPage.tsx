import { Link } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { AuthLayout } from '../components/AuthLayout';
import { useDocumentTitle } from '../components/Page';

// The page for an address the app does not know: on its own, or inside the seller's layout.
export function NotFoundPage({ embedded }: { embedded?: boolean }) {
  const { t } = useTranslation();
  useDocumentTitle(t('notFound.title'));
  const body = (
    <>
      <h1 className={embedded ? undefined : 'auth__title'}>{t('notFound.title')}</h1>
      <p className="auth__subtitle">{t('notFound.body')}</p>
      <Link className="button button--primary" to="/">
        {t('notFound.home')}
      </Link>
    </>
  );
  if (embedded) return <section className="card card--padded">{body}</section>;
  return <AuthLayout>{body}</AuthLayout>;
}
