import { Link, useParams } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { storefront, type PublicStore } from '../../api';
import { describeError } from '../../errors';
import { formatMoney, priceBounds } from '../../money';
import { useDocumentTitle } from '../../components/Page';
import { StoreLayout } from '../../components/StoreLayout';
import { ErrorCard, LoadingCard } from '../../components/Feedback';
import { parseRefundPolicy } from '../settingsForm';
import { useLoad } from './useLoad';

/** The store's refund policy as a sentence for buyers, or null when it is not one we know. */
export function refundPolicyText(t: TFunction, policy: string): string | null {
  const parsed = parseRefundPolicy(policy);
  if (parsed.kind === 'within_days') return t('storefront.refundPolicy.within_days', { count: Number.parseInt(parsed.days, 10) });
  if (parsed.kind === 'no_refunds' || parsed.kind === 'discretionary') return t(`storefront.refundPolicy.${parsed.kind}`);
  return null;
}

export function NotFoundCard({ title, body }: { title: string; body: string }) {
  return (
    <section className="card card--padded store-notfound" role="alert">
      <h1>{title}</h1>
      <p className="muted">{body}</p>
    </section>
  );
}

export function StoreFacts({ store }: { store: PublicStore }) {
  const { t } = useTranslation();
  const policy = refundPolicyText(t, store.refund_policy);
  return (
    <p className="store-facts muted">
      {policy ? <span>{policy}</span> : null}
      {store.support_email ? (
        <span>{t('storefront.contact', { email: store.support_email })}</span>
      ) : null}
    </p>
  );
}

export function StorePage() {
  const { t, i18n } = useTranslation();
  const { slug = '' } = useParams();
  const language = i18n.resolvedLanguage ?? 'en';
  const [load, retry] = useLoad(
    (signal) => Promise.all([storefront.store(slug, signal), storefront.products(slug, signal)]),
    [slug],
  );
  const store = load.status === 'ready' ? load.data[0] : null;
  useDocumentTitle(store?.name ?? (load.status === 'not_found' ? t('storefront.storeNotFound') : ''));

  return (
    <StoreLayout storeName={store?.name} slug={store ? slug : null}>
      <div className="store-page">
        {load.status === 'loading' ? <LoadingCard /> : null}
        {load.status === 'not_found' ? <NotFoundCard title={t('storefront.storeNotFound')} body={t('storefront.storeNotFoundBody')} /> : null}
        {load.status === 'error' ? <ErrorCard title={t('storefront.loadError')} message={describeError(t, load.error)} onRetry={retry} /> : null}
        {load.status === 'ready' ? (
          <>
            <header className="store-hero">
              <h1>{load.data[0].name}</h1>
              <StoreFacts store={load.data[0]} />
            </header>
            <h2 className="store-section-title">{t('storefront.products')}</h2>
            {load.data[1].length === 0 ? (
              <section className="card card--padded">
                <p className="muted">{t('storefront.empty')}</p>
              </section>
            ) : (
              <ul className="product-grid" data-testid="product-grid">
                {load.data[1].map((product) => {
                  const bounds = priceBounds(product.tiers.map((tier) => tier.price_minor));
                  const price = bounds
                    ? bounds.min === bounds.max
                      ? formatMoney(bounds.min, product.currency, language)
                      : t('storefront.from', { price: formatMoney(bounds.min, product.currency, language) })
                    : '';
                  return (
                    <li key={product.id} className="card product-card">
                      <span className="product-card__art" aria-hidden="true">
                        {product.title.trim().charAt(0).toUpperCase()}
                      </span>
                      <div className="product-card__body">
                        <h3>
                          <Link to={`/s/${encodeURIComponent(slug)}/p/${encodeURIComponent(product.id)}`} className="product-card__link">
                            {product.title}
                          </Link>
                        </h3>
                        {product.description ? <p className="product-card__description">{product.description}</p> : null}
                      </div>
                      <p className="product-card__price" data-testid="product-card-price">
                        {price}
                      </p>
                    </li>
                  );
                })}
              </ul>
            )}
          </>
        ) : null}
      </div>
    </StoreLayout>
  );
}
