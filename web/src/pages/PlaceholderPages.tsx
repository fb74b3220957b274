import { useEffect, useState, type ReactNode } from 'react';
import { Link } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { useSession } from '../session';
import { balance } from '../api';
import { formatMoney } from '../money';
import { AuthLayout } from '../components/AuthLayout';
import { EmptyState, PageHeader, useDocumentTitle } from '../components/Page';
import { BalanceIcon, LibraryIcon, MessagesIcon, ProductsIcon, SalesIcon } from '../components/Icons';

// These screens are built by later work; until then each says what it will hold, and shows
// no made-up data.

// Until the searchable Sales list exists, a store with sales is told so (with what it has
// earned) and pointed to Balance, which lists every sale's posting; never "no sales yet".
export function SalesPage() {
  const { t, i18n } = useTranslation();
  const { state } = useSession();
  const storeName = state.status === 'authenticated' ? (state.store?.name ?? '') : '';
  const [earned, setEarned] = useState<{ minor: number; currency: string } | null>(null);
  useEffect(() => {
    const ctrl = new AbortController();
    balance
      .get(ctrl.signal)
      .then((b) => setEarned({ minor: b.pending_minor + b.available_minor + b.paid_out_minor, currency: b.currency }))
      .catch(() => setEarned(null));
    return () => ctrl.abort();
  }, []);
  const hasSales = earned !== null && earned.minor > 0;
  return (
    <>
      <PageHeader title={t('sales.title')} description={t('sales.description')} />
      {hasSales ? (
        <EmptyState
          icon={<SalesIcon size={28} />}
          title={t('sales.hasSalesTitle', { amount: formatMoney(earned.minor, earned.currency, i18n.language) })}
          body={t('sales.hasSalesBody')}
          action={<Link className="button button--primary" to="/app/balance">{t('sales.openBalance')}</Link>}
        />
      ) : (
        <EmptyState icon={<SalesIcon size={28} />} title={t('sales.emptyTitle')} body={t('sales.emptyBody', { store: storeName })} />
      )}
    </>
  );
}

function Placeholder({ section, icon }: { section: 'products' | 'messages' | 'balance' | 'library'; icon: ReactNode }) {
  const { t } = useTranslation();
  return (
    <>
      <PageHeader title={t(`${section}.title`)} description={t(`${section}.description`)} />
      <EmptyState icon={icon} title={t(`${section}.emptyTitle`)} body={t(`${section}.emptyBody`)} />
    </>
  );
}

export const ProductsPage = () => <Placeholder section="products" icon={<ProductsIcon size={28} />} />;
export const MessagesPage = () => <Placeholder section="messages" icon={<MessagesIcon size={28} />} />;
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
