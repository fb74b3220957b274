import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, balance as balanceApi, type Balance, type Posting } from '../api';
import { describeError } from '../errors';
import { formatMinorAsMajor, formatMoney, minorDigits, parseMajorToMinor } from '../money';
import { useSession } from '../session';
import { Field } from '../components/Field';
import { PageHeader } from '../components/Page';
import { ErrorCard, LoadingCard, ToastRegion, useToast } from '../components/Feedback';
import { payoutProblem } from './balanceForm';

type Load =
  | { status: 'loading' }
  | { status: 'error'; message: string }
  | { status: 'ready'; balance: Balance; postings: Posting[]; cursor: string | null };

const KNOWN_KINDS = ['sale', 'payout', 'refund', 'reversal', 'adjustment'];

export function BalancePage() {
  const { t, i18n } = useTranslation();
  const { state } = useSession();
  const [load, setLoad] = useState<Load>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const [amount, setAmount] = useState('');
  const [amountError, setAmountError] = useState<string | null>(null);
  const [paying, setPaying] = useState(false);
  const [loadingMore, setLoadingMore] = useState(false);
  const toast = useToast();
  const language = i18n.resolvedLanguage ?? 'en';
  // Amounts follow the store's locale and currency (what the seller set in Settings).
  const storeLocale = state.status === 'authenticated' ? (state.store?.locale ?? language) : language;

  useEffect(() => {
    const controller = new AbortController();
    Promise.all([balanceApi.get(controller.signal), balanceApi.postings({}, controller.signal)])
      .then(([b, page]) => setLoad({ status: 'ready', balance: b, postings: page.data, cursor: page.has_more ? page.next_cursor : null }))
      .catch((error: unknown) => {
        if (!controller.signal.aborted) setLoad({ status: 'error', message: describeError(t, error) });
      });
    return () => controller.abort();
    // `t` follows the language; reloading the balance for that is not wanted.
  }, [attempt]);

  const header = <PageHeader title={t('balance.title')} description={t('balance.description')} />;
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
        <ErrorCard title={t('balance.loadError')} message={load.message} onRetry={() => setAttempt((n) => n + 1)} />
      </>
    );
  }

  const { balance, postings, cursor } = load;
  const currency = balance.currency;
  const money = (minor: number) => formatMoney(minor, currency, storeLocale);
  const dateFormat = new Intl.DateTimeFormat(language, { dateStyle: 'medium' });
  const dateTimeFormat = new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'short' });
  const formatDate = (iso: string) => dateFormat.format(new Date(iso));

  async function onPayout(event: FormEvent) {
    event.preventDefault();
    if (load.status !== 'ready') return;
    const parsed = parseMajorToMinor(amount, currency);
    const problem = payoutProblem(parsed, load.balance.available_minor, minorDigits(currency));
    if (problem) {
      setAmountError(t(problem.key, { ...problem.values, amount: money(load.balance.available_minor) }));
      return;
    }
    if (!parsed.ok) return;
    setAmountError(null);
    setPaying(true);
    try {
      await balanceApi.payout(parsed.value);
      toast.show(t('balance.payoutDone', { amount: money(parsed.value) }));
      setAmount('');
      setAttempt((n) => n + 1);
    } catch (error) {
      if (error instanceof ApiError && error.code === 'available_balance_insufficient') {
        setAmountError(t('balance.payoutTooMuch', { amount: money(load.balance.available_minor) }));
        setAttempt((n) => n + 1);
      } else {
        setAmountError(describeError(t, error));
      }
    } finally {
      setPaying(false);
    }
  }

  async function loadMore() {
    if (load.status !== 'ready' || !load.cursor) return;
    setLoadingMore(true);
    try {
      const page = await balanceApi.postings({ cursor: load.cursor });
      setLoad({ ...load, postings: [...load.postings, ...page.data], cursor: page.has_more ? page.next_cursor : null });
    } catch (error) {
      toast.show(describeError(t, error));
    } finally {
      setLoadingMore(false);
    }
  }

  const kindLabel = (p: Posting) => (KNOWN_KINDS.includes(p.kind) ? t(`balance.kinds.${p.kind}`) : p.memo || p.kind);

  return (
    <>
      {header}
      <div className="stat-grid">
        <StatCard label={t('balance.pending')} value={money(balance.pending_minor)} hint={t('balance.pendingHint')} testId="balance-pending" />
        <StatCard label={t('balance.available')} value={money(balance.available_minor)} hint={t('balance.availableHint')} testId="balance-available" />
        <StatCard label={t('balance.paidOut')} value={money(balance.paid_out_minor)} hint={t('balance.paidOutHint')} testId="balance-paid-out" />
      </div>
      <p className="muted balance-next" data-testid="balance-next">
        {balance.next_available_at ? t('balance.nextAvailable', { date: formatDate(balance.next_available_at) }) : t('balance.nothingPending')}
      </p>

      <section className="card payout-card">
        <div>
          <h2>{t('balance.payoutTitle')}</h2>
          <p className="muted">
            {balance.available_minor > 0 ? t('balance.payoutHint', { amount: money(balance.available_minor) }) : t('balance.payoutNone')}
          </p>
        </div>
        <form className="payout-form" onSubmit={onPayout} noValidate>
          <Field label={t('balance.payoutAmount')} error={amountError} name="payout_amount">
            {(p) => (
              <div className="input-group">
                <input
                  {...p}
                  name="payout_amount"
                  inputMode="decimal"
                  autoComplete="off"
                  value={amount}
                  disabled={balance.available_minor <= 0}
                  onChange={(e) => {
                    setAmount(e.target.value);
                    setAmountError(null);
                  }}
                />
                <span className="input-group__suffix" aria-hidden="true">
                  {currency}
                </span>
              </div>
            )}
          </Field>
          <div className="payout-form__actions">
            <button
              type="button"
              className="button button--ghost"
              disabled={balance.available_minor <= 0}
              onClick={() => {
                setAmount(formatMinorAsMajor(balance.available_minor, currency));
                setAmountError(null);
              }}
            >
              {t('balance.payoutAll')}
            </button>
            <button type="submit" className="button button--primary" disabled={paying || balance.available_minor <= 0}>
              {paying ? t('balance.payoutSubmitting') : t('balance.payoutSubmit')}
            </button>
          </div>
        </form>
      </section>

      <section className="card table-card postings">
        <div className="table-card__head">
          <h2>{t('balance.postingsTitle')}</h2>
          <p className="muted">{t('balance.postingsHint')}</p>
        </div>
        {postings.length === 0 ? (
          <p className="table-card__empty muted">{t('balance.noPostings')}</p>
        ) : (
          <table className="table" data-testid="postings-table">
            <thead>
              <tr>
                <th scope="col">{t('balance.colDate')}</th>
                <th scope="col">{t('balance.colEntry')}</th>
                <th scope="col" className="table__hide-sm">
                  {t('balance.colStatus')}
                </th>
                <th scope="col" className="table__num">
                  {t('balance.colAmount')}
                </th>
              </tr>
            </thead>
            <tbody>
              {postings.map((p) => (
                <tr key={p.id}>
                  <td className="muted nowrap">{dateTimeFormat.format(new Date(p.created_at))}</td>
                  <td>
                    <span className="table__title">{kindLabel(p)}</span>
                    {p.order_id ? <span className="table__sub mono">{t('balance.orderRef', { id: p.order_id })}</span> : null}
                  </td>
                  <td className="table__hide-sm">
                    {p.pending && p.available_at ? (
                      <span className="badge badge--draft">{t('balance.pendingUntil', { date: formatDate(p.available_at) })}</span>
                    ) : (
                      <span className="badge badge--published">{t('balance.settled')}</span>
                    )}
                  </td>
                  <td className={`table__num nowrap ${p.amount_minor < 0 ? 'amount--negative' : ''}`}>{money(p.amount_minor)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {cursor ? (
          <div className="table-card__more">
            <button type="button" className="button button--secondary" onClick={loadMore} disabled={loadingMore}>
              {loadingMore ? t('app.loading') : t('balance.loadMore')}
            </button>
          </div>
        ) : null}
      </section>

      <ToastRegion message={toast.message} onClose={() => toast.show(null)} closeLabel={t('balance.dismiss')} />
    </>
  );
}

function StatCard({ label, value, hint, testId }: { label: string; value: string; hint: string; testId: string }) {
  return (
    <section className="card stat-card">
      <h2 className="stat-card__label">{label}</h2>
      <p className="stat-card__value" data-testid={testId}>
        {value}
      </p>
      <p className="stat-card__hint">{hint}</p>
    </section>
  );
}
