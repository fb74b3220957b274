import { useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { catalog, type Product } from '../../api';
import { describeError } from '../../errors';
import { formatPriceRange } from '../../money';
import { useSession } from '../../session';
import { EmptyState, PageHeader } from '../../components/Page';
import { ErrorCard, LoadingCard } from '../../components/Feedback';
import { ProductsIcon } from '../../components/Icons';
import { tierPrices } from './productForm';

type Load = { status: 'loading' } | { status: 'error'; message: string } | { status: 'ready'; products: Product[] };

export function StatusBadge({ status }: { status: Product['status'] }) {
  const { t } = useTranslation();
  return (
    <span className={`badge badge--${status}`} data-testid="status-badge">
      {t(`products.status.${status}`)}
    </span>
  );
}

export function ProductsListPage() {
  const { t, i18n } = useTranslation();
  const { state } = useSession();
  const [load, setLoad] = useState<Load>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const language = i18n.resolvedLanguage ?? 'en';
  const slug = state.status === 'authenticated' ? state.store?.slug : undefined;

  useEffect(() => {
    const controller = new AbortController();
    setLoad({ status: 'loading' });
    catalog
      .listAll(controller.signal)
      .then((products) => setLoad({ status: 'ready', products }))
      .catch((error: unknown) => {
        if (!controller.signal.aborted) setLoad({ status: 'error', message: describeError(t, error) });
      });
    return () => controller.abort();
    // `t` follows the language; reloading the list for that is not wanted.
  }, [attempt]);

  const newButton = (
    <Link to="/app/products/new" className="button button--primary">
      {t('products.new')}
    </Link>
  );
  const header = (
    <PageHeader
      title={t('products.title')}
      description={t('products.description')}
      actions={
        <>
          {slug ? (
            <Link to={`/s/${encodeURIComponent(slug)}`} className="button button--secondary">
              {t('products.viewStore')}
            </Link>
          ) : null}
          {newButton}
        </>
      }
    />
  );

  if (load.status === 'loading') {
    return (
      <>
        {header}
        <LoadingCard />
      </>
    );
  }
  if (load.status === 'error') {
    return (
      <>
        {header}
        <ErrorCard title={t('products.loadError')} message={load.message} onRetry={() => setAttempt((n) => n + 1)} />
      </>
    );
  }
  if (load.products.length === 0) {
    return (
      <>
        {header}
        <EmptyState icon={<ProductsIcon size={28} />} title={t('products.emptyTitle')} body={t('products.emptyBody')} action={newButton} />
      </>
    );
  }

  const dateFormat = new Intl.DateTimeFormat(language, { dateStyle: 'medium' });
  return (
    <>
      {header}
      <section className="card table-card" aria-label={t('products.listLabel')}>
        <table className="table" data-testid="products-table">
          <thead>
            <tr>
              <th scope="col">{t('products.colProduct')}</th>
              <th scope="col">{t('products.colStatus')}</th>
              <th scope="col" className="table__num">
                {t('products.colPrice')}
              </th>
              <th scope="col" className="table__hide-sm">
                {t('products.colUpdated')}
              </th>
            </tr>
          </thead>
          <tbody>
            {load.products.map((product) => {
              const range = formatPriceRange(tierPrices(product), product.currency, language);
              return (
                <tr key={product.id}>
                  <td>
                    <Link to={`/app/products/${encodeURIComponent(product.id)}`} className="table__title">
                      {product.title}
                    </Link>
                    <span className="table__sub">
                      {t('products.tierCount', { count: product.tiers.length })} · {t('products.fileCount', { count: product.files.length })}
                    </span>
                  </td>
                  <td>
                    <StatusBadge status={product.status} />
                  </td>
                  <td className="table__num">{range || <span className="muted">{t('products.noPrice')}</span>}</td>
                  <td className="table__hide-sm muted">{dateFormat.format(new Date(product.updated_at))}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </section>
    </>
  );
}
