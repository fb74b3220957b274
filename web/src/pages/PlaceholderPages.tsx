import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { AuthLayout } from '../components/AuthLayout';
import { EmptyState, PageHeader, useDocumentTitle } from '../components/Page';
import { BalanceIcon, LibraryIcon, ProductsIcon } from '../components/Icons';

// These screens are built by later work; until then each says what it will hold, and shows
// no made-up data.

function Placeholder({ section, icon }: { section: 'products' | 'balance' | 'library'; icon: ReactNode }) {
  const { t } = useTranslation();
  return (
    <>
      <PageHeader title={t(`${section}.title`)} description={t(`${section}.description`)} />
      <EmptyState icon={icon} title={t(`${section}.emptyTitle`)} body={t(`${section}.emptyBody`)} />
    </>
  );
}

export const ProductsPage = () => <Placeholder section="products" icon={<ProductsIcon size={28} />} />;
export const BalancePage = () => <Placeholder section="balance" icon={<BalanceIcon size={28} />} />;
export const LibraryPage = () => <Placeholder section="library" icon={<LibraryIcon size={28} />} />;

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
