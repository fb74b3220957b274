import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { storefront } from '../../api';
import { describeError } from '../../errors';
import { formatMoney } from '../../money';
import { useDocumentTitle } from '../../components/Page';
import { StoreLayout } from '../../components/StoreLayout';
import { ErrorCard, LoadingCard } from '../../components/Feedback';
import { CheckIcon } from '../../components/Icons';
import { parseQuantity } from '../../checkout';
import { useSession } from '../../session';
import { NotFoundCard, StoreFacts } from './StorePage';
import { useLoad } from './useLoad';

export const MAX_QUANTITY = 99;

export function checkoutPath(slug: string, productId: string, tierId: string, quantity: number): string {
  const query = new URLSearchParams({ product: productId, tier: tierId, qty: String(quantity) });
  return `/s/${encodeURIComponent(slug)}/checkout?${query.toString()}`;
}

/** The buyer's conversation with a store (the library's "Contact the seller" goes there too);
 *  a signed-out visitor signs in first and comes back to it. */
export function contactPath(slug: string, storeName: string, productTitle: string): string {
  return `/library/messages?${new URLSearchParams({ store: slug, name: storeName, product: productTitle })}`;
}

export function ProductPage() {
  const { t, i18n } = useTranslation();
  const { slug = '', productId = '' } = useParams();
  const navigate = useNavigate();
  const { state: session } = useSession();
  const language = i18n.resolvedLanguage ?? 'en';
  const [quantities, setQuantities] = useState<Record<string, string>>({});
  const [load, retry] = useLoad(
    (signal) => Promise.all([storefront.store(slug, signal), storefront.product(slug, productId, signal)]),
    [slug, productId],
  );
  const store = load.status === 'ready' ? load.data[0] : null;
  const product = load.status === 'ready' ? load.data[1] : null;
  useDocumentTitle(product?.title ?? (load.status === 'not_found' ? t('storefront.productNotFound') : ''));

  const listFormat = new Intl.ListFormat(language, { style: 'long', type: 'conjunction' });

  return (
    <StoreLayout storeName={store?.name} slug={store ? slug : null}>
      <div className="store-page">
        {load.status === 'loading' ? <LoadingCard /> : null}
        {load.status === 'not_found' ? (
          <NotFoundCard title={t('storefront.productNotFound')} body={t('storefront.productNotFoundBody')} />
        ) : null}
        {load.status === 'error' ? <ErrorCard title={t('storefront.loadError')} message={describeError(t, load.error)} onRetry={retry} /> : null}
        {store && product ? (
          <>
            <Link to={`/s/${encodeURIComponent(slug)}`} className="back-link">
              ← {t('storefront.backToStore', { store: store.name })}
            </Link>
            <article className="product-detail">
              <header className="product-detail__head">
                <h1>{product.title}</h1>
                {product.description ? <p className="product-detail__description">{product.description}</p> : null}
              </header>

              <section className="card product-detail__includes" aria-labelledby="what-you-get">
                <h2 id="what-you-get">{t('storefront.whatYouGet')}</h2>
                <ul className="includes-list">
                  <li>
                    <CheckIcon size={16} /> {t('storefront.instantAccess')}
                  </li>
                  {product.files.length > 0 ? (
                    <li>
                      <CheckIcon size={16} /> {t('storefront.filesIncluded', { count: product.files.length })}
                    </li>
                  ) : null}
                  {product.links.length > 0 ? (
                    <li>
                      <CheckIcon size={16} /> {t('storefront.linksIncluded', { count: product.links.length })}
                    </li>
                  ) : null}
                  {product.license_keys ? (
                    <li>
                      <CheckIcon size={16} /> {t('storefront.licenseKeyIncluded')}
                    </li>
                  ) : null}
                  {product.support_materials?.length ? (
                    <li>
                      <CheckIcon size={16} />{' '}
                      {t('storefront.supportIncluded', { items: listFormat.format(product.support_materials.map((m) => m.title)) })}
                    </li>
                  ) : null}
                  {product.bundle_items?.length ? (
                    <li>
                      <CheckIcon size={16} />{' '}
                      {t('storefront.bundleIncludes', { items: listFormat.format(product.bundle_items.map((b) => b.title)) })}
                    </li>
                  ) : null}
                </ul>
              </section>

              <section aria-labelledby="choose-license">
                <h2 id="choose-license" className="store-section-title">
                  {t('storefront.chooseLicense')}
                </h2>
                <p className="muted store-section-hint">{t('storefront.chooseLicenseHint')}</p>
                <div className="tier-options" data-testid="tiers">
                  {product.tiers.map((tier) => {
                    const raw = quantities[tier.id] ?? '1';
                    const quantity = Math.min(parseQuantity(raw), MAX_QUANTITY);
                    const inputId = `qty-${tier.id}`;
                    return (
                      <section key={tier.id} className="card tier-option" data-testid="tier-option" aria-labelledby={`tier-${tier.id}`}>
                        <h3 id={`tier-${tier.id}`} className="tier-option__name">
                          {tier.name}
                        </h3>
                        <p className="tier-option__price">{formatMoney(tier.price_minor, product.currency, language)}</p>
                        <p className="tier-option__terms">{tier.terms}</p>
                        <div className="tier-option__buy">
                          <div className="qty">
                            <label htmlFor={inputId} className="field__label">
                              {t('storefront.quantity')}
                            </label>
                            <input
                              id={inputId}
                              type="number"
                              min={1}
                              max={MAX_QUANTITY}
                              step={1}
                              inputMode="numeric"
                              value={raw}
                              aria-label={t('storefront.quantityFor', { tier: tier.name })}
                              onChange={(e) => setQuantities((q) => ({ ...q, [tier.id]: e.target.value }))}
                            />
                          </div>
                          <button
                            type="button"
                            className="button button--primary"
                            aria-label={t('storefront.buyTier', { tier: tier.name })}
                            onClick={() => navigate(checkoutPath(slug, product.id, tier.id, quantity))}
                          >
                            {t('storefront.buy')}
                          </button>
                        </div>
                      </section>
                    );
                  })}
                </div>
              </section>
              {session.status === 'authenticated' && session.store?.slug === slug ? null : (
                <section className="card product-contact" aria-labelledby="product-contact-title">
                  <div>
                    <h2 id="product-contact-title">{t('storefront.questionsTitle')}</h2>
                    <p className="muted">{t('storefront.questionsBody', { store: store.name })}</p>
                  </div>
                  <Link to={contactPath(slug, store.name, product.title)} className="button button--secondary" data-testid="contact-seller">
                    {t('messages.buyer.contact')}
                  </Link>
                </section>
              )}
              <StoreFacts store={store} />
            </article>
          </>
        ) : null}
      </div>
    </StoreLayout>
  );
}
