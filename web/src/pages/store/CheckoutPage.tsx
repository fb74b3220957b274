import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { ApiError, accounts, buyer, newIdempotencyKey, storefront } from '../../api';
import { describeError } from '../../errors';
import { formatMoney } from '../../money';
import { useSession } from '../../session';
import { Field } from '../../components/Field';
import { Check } from '../../components/Check';
import { useDocumentTitle } from '../../components/Page';
import { StoreLayout } from '../../components/StoreLayout';
import { ErrorCard, LoadingCard } from '../../components/Feedback';
import {
  CHECKOUT_FIELD_FOR_CODE,
  CHECKOUT_FIELD_FOR_PARAM,
  buildCheckout,
  countryOptions,
  formatCardInput,
  guessCountry,
  needsRegion,
  parseQuantity,
  regionOptions,
  requiresConsent,
  type CheckoutField,
  type CheckoutForm,
} from '../../checkout';
import { NotFoundCard } from './StorePage';
import { MAX_QUANTITY } from './ProductPage';
import { useLoad } from './useLoad';

/** Errors that are about the payment itself: shown as one clear message by the Pay button. */
const PAYMENT_CODES = new Set(['card_declined', 'insufficient_funds', 'catalog_changed', 'product_unavailable', 'purchase_not_allowed']);

export function CheckoutPage() {
  const { t, i18n } = useTranslation();
  const { slug = '' } = useParams();
  const [search] = useSearchParams();
  const navigate = useNavigate();
  const { state, signIn } = useSession();
  const language = i18n.resolvedLanguage ?? 'en';
  const productId = search.get('product') ?? '';
  const tierId = search.get('tier') ?? '';
  const quantity = Math.min(parseQuantity(search.get('qty')), MAX_QUANTITY);

  const [load, retry] = useLoad(
    (signal) => Promise.all([storefront.store(slug, signal), productId ? storefront.product(slug, productId, signal) : Promise.resolve(null)]),
    [slug, productId],
  );
  const user = state.status === 'authenticated' ? state.user : null;
  const [form, setForm] = useState<CheckoutForm>(() => ({
    email: user?.email ?? '',
    name: user?.name ?? '',
    country: guessCountry(globalThis.navigator?.languages ?? []),
    region: '',
    postal_code: '',
    card: '',
    consent: false,
  }));
  const [errors, setErrors] = useState<Partial<Record<CheckoutField, string>>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [paymentError, setPaymentError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);
  // One key per attempt: a network retry reuses it (no second order); an answered attempt
  // (declined card, fixed field) gets a new one, since its body will differ.
  const idempotencyKey = useRef(newIdempotencyKey());

  useEffect(() => {
    // The session may arrive after the first render: fill in a signed-in buyer's details.
    if (!user) return;
    setForm((f) => ({ ...f, email: f.email || user.email, name: f.name || user.name }));
  }, [user?.email]);
  const formRef = useRef<HTMLFormElement>(null);

  const countries = useMemo(() => countryOptions(language), [language]);
  const regions = useMemo(() => regionOptions(form.country, language), [form.country, language]);
  const store = load.status === 'ready' ? load.data[0] : null;
  const product = load.status === 'ready' ? load.data[1] : null;
  const tier = product?.tiers.find((x) => x.id === tierId) ?? null;
  useDocumentTitle(t('checkout.title'));

  function update<K extends CheckoutField>(field: K, value: CheckoutForm[K]) {
    setForm((f) => ({ ...f, [field]: value, ...(field === 'country' ? { region: '' } : {}) }));
    setErrors((e) => (e[field] ? { ...e, [field]: undefined } : e));
    if (field === 'card') setPaymentError(null);
  }

  function focusFirstError() {
    requestAnimationFrame(() => formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
  }

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (!product || !tier || submitting) return;
    setFormError(null);
    setPaymentError(null);
    const built = buildCheckout(form, { store: slug, product_id: product.id, tier_id: tier.id, quantity });
    if (!built.ok) {
      setErrors(built.errors);
      setFormError(t('checkout.fixErrors'));
      focusFirstError();
      return;
    }
    setErrors({});
    setSubmitting(true);
    try {
      const { order } = await buyer.checkout(built.body, idempotencyKey.current);
      idempotencyKey.current = newIdempotencyKey();
      // A guest's checkout may have signed them in (new account): pick up the session and its
      // CSRF token, so the receipt and library work right away.
      try {
        signIn(await accounts.me());
      } catch {
        // Not signed in (the email already had an account): the receipt still shows below.
      }
      navigate(`/orders/${encodeURIComponent(order.id)}`, { state: { order } });
    } catch (error) {
      if (error instanceof ApiError && error.status !== 0) idempotencyKey.current = newIdempotencyKey();
      const code = error instanceof ApiError ? error.code : '';
      const text = describeError(t, error);
      const field =
        (error instanceof ApiError && error.param ? CHECKOUT_FIELD_FOR_PARAM[error.field ?? ''] : undefined) ?? CHECKOUT_FIELD_FOR_CODE[code];
      if (PAYMENT_CODES.has(code)) {
        setPaymentError(text);
        if (field) {
          requestAnimationFrame(() => formRef.current?.querySelector<HTMLElement>(`[name="${field}"]`)?.focus());
        }
      } else if (field) {
        setErrors({ [field]: text });
        focusFirstError();
      } else {
        setFormError(text);
      }
    } finally {
      setSubmitting(false);
    }
  }

  const errorText = (field: CheckoutField): string | null => {
    const e = errors[field];
    if (!e) return null;
    return e.startsWith('validation.') || e.startsWith('checkout.') ? t(e) : e;
  };

  const body = (() => {
    if (load.status === 'loading') return <LoadingCard />;
    if (load.status === 'not_found') return <NotFoundCard title={t('storefront.productNotFound')} body={t('storefront.productNotFoundBody')} />;
    if (load.status === 'error') return <ErrorCard title={t('storefront.loadError')} message={describeError(t, load.error)} onRetry={retry} />;
    if (!product || !tier) {
      return (
        <section className="card card--padded" role="alert">
          <p>{product ? t('checkout.tierGone') : t('checkout.incomplete')}</p>
          <Link className="button button--secondary" to={product ? `/s/${encodeURIComponent(slug)}/p/${encodeURIComponent(product.id)}` : `/s/${encodeURIComponent(slug)}`}>
            {t('checkout.backToProduct')}
          </Link>
        </section>
      );
    }
    const money = (minor: number) => formatMoney(minor, product.currency, language);
    const subtotal = tier.price_minor * quantity;
    const regionLabel = form.country === 'CA' ? t('checkout.province') : t('checkout.state');
    const showConsent = requiresConsent(form.country);

    return (
      <>
        <h1 className="checkout__title">{t('checkout.title')}</h1>
        <div className="checkout">
          <form ref={formRef} className="checkout__form" onSubmit={onSubmit} noValidate aria-busy={submitting}>
            {formError ? (
              <p className="notice notice--error" role="alert" data-testid="form-error">
                {formError}
              </p>
            ) : null}
            <section className="card checkout-section">
              <h2>{t('checkout.sectionDetails')}</h2>
              <Field label={t('checkout.email')} hint={t('checkout.emailHint')} error={errorText('email')} name="email">
                {(p) => (
                  <input
                    {...p}
                    name="email"
                    type="email"
                    inputMode="email"
                    autoComplete="email"
                    spellCheck={false}
                    value={form.email}
                    onChange={(e) => update('email', e.target.value)}
                  />
                )}
              </Field>
              <Field label={t('checkout.name')} error={errorText('name')} name="name">
                {(p) => <input {...p} name="name" autoComplete="name" value={form.name} onChange={(e) => update('name', e.target.value)} />}
              </Field>
              <div className="field-row">
                <Field label={t('checkout.country')} error={errorText('country')} name="country">
                  {(p) => (
                    <select {...p} name="country" autoComplete="country" value={form.country} onChange={(e) => update('country', e.target.value)}>
                      <option value="" disabled>
                        {t('checkout.countryPlaceholder')}
                      </option>
                      {countries.map((c) => (
                        <option key={c.code} value={c.code}>
                          {c.name}
                        </option>
                      ))}
                    </select>
                  )}
                </Field>
                {needsRegion(form.country) ? (
                  <Field label={regionLabel} error={errorText('region')} name="region">
                    {(p) => (
                      <select {...p} name="region" autoComplete="address-level1" value={form.region} onChange={(e) => update('region', e.target.value)}>
                        <option value="" disabled>
                          {t('checkout.regionPlaceholder')}
                        </option>
                        {regions.map((r) => (
                          <option key={r.code} value={r.code}>
                            {r.name}
                          </option>
                        ))}
                      </select>
                    )}
                  </Field>
                ) : null}
                <Field label={t('checkout.postalCode')} error={errorText('postal_code')} name="postal_code">
                  {(p) => (
                    <input
                      {...p}
                      name="postal_code"
                      autoComplete="postal-code"
                      value={form.postal_code}
                      onChange={(e) => update('postal_code', e.target.value)}
                      className="input--short"
                    />
                  )}
                </Field>
              </div>
            </section>

            <section className="card checkout-section">
              <h2>{t('checkout.sectionPayment')}</h2>
              <Field label={t('checkout.card')} hint={t('checkout.cardHint')} error={errorText('card')} name="card">
                {(p) => (
                  <input
                    {...p}
                    name="card"
                    inputMode="numeric"
                    autoComplete="cc-number"
                    placeholder="4242 4242 4242 4242"
                    value={form.card}
                    aria-invalid={p['aria-invalid'] || (paymentError ? true : undefined)}
                    onChange={(e) => update('card', formatCardInput(e.target.value))}
                    className="input--card mono"
                  />
                )}
              </Field>
              {showConsent ? (
                <div className={`consent ${errorText('consent') ? 'consent--invalid' : ''}`} data-field="consent">
                  <Check
                    name="consent"
                    checked={form.consent}
                    onChange={(e) => update('consent', e.target.checked)}
                    label={t('checkout.consent')}
                    hint={t('checkout.consentHint')}
                    error={errorText('consent')}
                  />
                </div>
              ) : null}
            </section>

            {paymentError ? (
              <div className="notice notice--error payment-error" role="alert" data-testid="payment-error">
                {paymentError}
              </div>
            ) : null}
            <button type="submit" className="button button--primary button--large button--block" disabled={submitting}>
              {submitting ? (
                <>
                  <span className="spinner spinner--light" aria-hidden="true" /> {t('checkout.paying')}
                </>
              ) : (
                t('checkout.pay')
              )}
            </button>
            <p className="muted checkout__fineprint">{t('checkout.noCardStored')}</p>
          </form>

          <aside className="card checkout-summary" aria-labelledby="summary-title" data-testid="order-summary">
            <h2 id="summary-title">{t('checkout.summary')}</h2>
            <div className="summary-line">
              <div>
                <p className="summary-line__title">{product.title}</p>
                <p className="summary-line__tier">{tier.name}</p>
                <p className="muted">
                  {t('checkout.quantity', { count: quantity })}
                  {quantity > 1 ? ` · ${t('checkout.unitPrice', { price: money(tier.price_minor) })}` : ''}
                </p>
              </div>
              <p className="summary-line__amount">{money(subtotal)}</p>
            </div>
            <div className="summary-terms">
              <h3>{t('checkout.licenseTerms')}</h3>
              <p>{tier.terms}</p>
            </div>
            <dl className="totals">
              <div>
                <dt>{t('checkout.subtotal')}</dt>
                <dd>{money(subtotal)}</dd>
              </div>
            </dl>
            <p className="summary-tax-note" data-testid="tax-note">
              {t('checkout.taxNote')}
            </p>
          </aside>
        </div>
      </>
    );
  })();

  return (
    <StoreLayout storeName={store?.name} slug={store ? slug : null}>
      <div className="store-page store-page--wide">{body}</div>
    </StoreLayout>
  );
}
