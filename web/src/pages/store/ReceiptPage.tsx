import { Link, useLocation, useParams } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { ApiError, buyer, type Order } from '../../api';
import { describeError } from '../../errors';
import { formatMoney } from '../../money';
import { countryName, formatRatePpm, regionOptions } from '../../checkout';
import { useDocumentTitle } from '../../components/Page';
import { StoreLayout } from '../../components/StoreLayout';
import { ErrorCard, LoadingCard } from '../../components/Feedback';
import { CheckIcon, LibraryIcon } from '../../components/Icons';
import { useLoad } from './useLoad';
import { CopyButton } from '../LibraryPage';

/** "VAT 19%" with the locale's decimal separator; the label is the tax authority's. */
export function taxRateText(ppm: number, language: string): string {
  const rate = formatRatePpm(ppm);
  return new Intl.NumberFormat(language, { maximumFractionDigits: 4 }).format(Number(rate));
}

export function placeName(country: string, region: string, language: string): string {
  const countryText = countryName(country, language);
  if (!region) return countryText;
  const regionText = regionOptions(country, language).find((r) => r.code === region)?.name ?? region;
  return `${regionText}, ${countryText}`;
}

export function ReceiptPage() {
  const { t, i18n } = useTranslation();
  const { orderId = '' } = useParams();
  const location = useLocation();
  const language = i18n.resolvedLanguage ?? 'en';
  // Straight from checkout the order comes along (a buyer whose email already had an account is
  // not signed in by checkout); a reload or a link fetches it.
  const passed = (location.state as { order?: Order } | null)?.order;
  const fromCheckout = passed && passed.id === orderId ? passed : null;
  const [load, retry] = useLoad<Order>((signal) => (fromCheckout ? Promise.resolve(fromCheckout) : buyer.order(orderId, signal)), [orderId]);
  useDocumentTitle(t('receipt.title'));
  const order = load.status === 'ready' ? load.data : null;

  let body;
  if (load.status === 'loading') body = <LoadingCard />;
  else if (load.status === 'not_found') body = <ErrorCard title={t('receipt.notFound')} />;
  else if (load.status === 'error') {
    if (load.error instanceof ApiError && load.error.status === 401) {
      body = (
        <section className="card card--padded" role="alert">
          <p>{t('receipt.loginToSee')}</p>
          <Link className="button button--primary" to="/login" state={{ from: location.pathname }}>
            {t('receipt.logIn')}
          </Link>
        </section>
      );
    } else {
      body = <ErrorCard title={t('receipt.loadError')} message={describeError(t, load.error)} onRetry={retry} />;
    }
  } else if (order) {
    const money = (minor: number) => formatMoney(minor, order.currency, language);
    const dateText = new Intl.DateTimeFormat(language, { dateStyle: 'long', timeStyle: 'short' }).format(new Date(order.created_at));
    const hasTax = order.tax_minor > 0 || order.tax.rate_ppm > 0;
    body = (
      <article className="card receipt" data-testid="receipt">
        <header className="receipt__head">
          <span className="receipt__check" aria-hidden="true">
            <CheckIcon size={22} />
          </span>
          <h1>{t('receipt.thanks')}</h1>
          <p className="receipt__order-label">{t('receipt.orderNumber')}</p>
          <p className="receipt__order-id mono" data-testid="order-id">
            {order.id}
          </p>
          <p className="muted">{t('receipt.placedOn', { date: dateText })}</p>
        </header>

        <section className="receipt__section" aria-labelledby="receipt-items">
          <h2 id="receipt-items">{t('receipt.items')}</h2>
          <ul className="receipt-lines">
            {order.lines.map((line, i) => (
              <li key={line.id ?? i} className="receipt-line" data-testid="receipt-line">
                <div className="receipt-line__main">
                  <div>
                    <p className="receipt-line__title">{line.product.title}</p>
                    <p className="receipt-line__tier">
                      {line.tier.name} · {t('receipt.quantity', { count: line.quantity })}
                    </p>
                  </div>
                  <p className="receipt-line__amount">{money(line.subtotal_minor)}</p>
                </div>
                <div className="receipt-line__terms">
                  <h3>{t('receipt.licenseTerms')}</h3>
                  <p data-testid="license-terms">{line.terms}</p>
                </div>
                {line.license_key ? (
                  <div className="license-key">
                    <span className="license-key__label">{t('receipt.licenseKey')}</span>
                    <code className="license-key__value" data-testid="license-key">
                      {line.license_key}
                    </code>
                    <CopyButton text={line.license_key} />
                  </div>
                ) : null}
              </li>
            ))}
          </ul>
        </section>

        <dl className="totals receipt__totals">
          <div>
            <dt>{t('receipt.subtotal')}</dt>
            <dd>{money(order.subtotal_minor)}</dd>
          </div>
          <div data-testid="tax-line">
            <dt>
              {hasTax ? (
                <>
                  {t('receipt.taxLine', { label: order.tax.label || t('receipt.tax'), rate: taxRateText(order.tax.rate_ppm, language) })}
                  <span className="muted"> · {placeName(order.tax.country, order.tax.region, language)}</span>
                </>
              ) : (
                t('receipt.noTax')
              )}
            </dt>
            <dd>{money(order.tax_minor)}</dd>
          </div>
          <div className="totals__grand">
            <dt>{t('receipt.total')}</dt>
            <dd data-testid="order-total">{money(order.total_minor)}</dd>
          </div>
        </dl>

        <dl className="receipt__meta">
          <div>
            <dt>{t('receipt.payment')}</dt>
            <dd data-testid="payment-method">
              {t('receipt.card', { brand: brandName(order.payment.brand), last4: order.payment.last4 })}
            </dd>
          </div>
        </dl>
        {order.store.support_email ? (
          <p className="receipt__support">{t('receipt.support', { email: order.store.support_email })}</p>
        ) : null}
        <div className="receipt__actions">
          <Link to="/library" className="button button--primary button--large">
            <LibraryIcon size={18} />
            {t('receipt.goToLibrary')}
          </Link>
        </div>
      </article>
    );
  }

  return (
    <StoreLayout storeName={order?.store.name} slug={order?.store.slug ?? null}>
      <div className="store-page store-page--narrow">{body}</div>
    </StoreLayout>
  );
}

const BRANDS: Record<string, string> = {
  visa: 'Visa',
  mastercard: 'Mastercard',
  amex: 'American Express',
  discover: 'Discover',
  jcb: 'JCB',
  diners: 'Diners Club',
  unionpay: 'UnionPay',
};

export function brandName(brand: string): string {
  return BRANDS[brand.toLowerCase()] ?? (brand ? brand.charAt(0).toUpperCase() + brand.slice(1) : '');
}
