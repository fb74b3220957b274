// "Issue refund" in the Order details panel (R-REF-1..8), also used to grant a buyer's refund
// request (R-REF-9). Three steps: choose (full / per line / an amount) with a reason → the
// server's preview (money, balance, fee rule, what is revoked, the evidence) → a confirmation
// that says it cannot be undone. Refusals are said in plain words (refundRefusal).
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import {
  ApiError,
  newIdempotencyKey,
  refunds as refundsApi,
  type OrderDetails,
  type Refund,
  type RefundInput,
  type RefundPreview,
  type RefundRequest,
} from '../../api';
import { describeError } from '../../errors';
import { formatMinorAsMajor, parseMajorToMinor } from '../../money';

type Money = (minor: number, currency: string) => string;
type Mode = 'full' | 'lines' | 'amount';

/** A refusal of the refund rules as a sentence a seller understands. */
export function refundRefusal(
  t: TFunction,
  error: unknown,
  { money, currency, language, windowDays }: { money: Money; currency: string; language: string; windowDays?: number },
): string {
  if (!(error instanceof ApiError)) return describeError(t, error);
  const d = error.details;
  const date = (iso: unknown) => new Intl.DateTimeFormat(language, { dateStyle: 'long' }).format(new Date(String(iso)));
  switch (error.code) {
    case 'available_balance_insufficient': {
      const missing = money(Number(d.missing_minor ?? 0), String(d.currency ?? currency));
      return d.covered_at
        ? t('refunds.refusal.balanceShort', { missing, date: date(d.covered_at) })
        : t('refunds.refusal.balanceShortNoPending', { missing });
    }
    case 'refund_window_expired':
      return windowDays ? t('refunds.refusal.windowExpiredDays', { days: windowDays }) : t('refunds.refusal.windowExpired');
    case 'refund_exceeds_remaining':
    case 'order_fully_refunded':
    case 'line_fully_refunded':
    case 'nothing_to_refund':
    case 'refund_request_closed':
    case 'line_not_in_order':
      return t(`refunds.refusal.${error.code}`);
    case 'required':
      if (error.field === 'reason') return t('refunds.form.reasonRequired');
      return describeError(t, error);
    default:
      return describeError(t, error);
  }
}

function remainingOf(order: OrderDetails) {
  return order.lines.map((l) => ({ line: l, left: Math.max(0, l.total_minor - l.refunded_minor) }));
}

export function RefundFlow({
  order,
  request,
  money,
  windowDays,
  onCancel,
  onDone,
}: {
  order: OrderDetails;
  /** Granting this buyer's request: the reason is prefilled and the grant route is used. */
  request?: RefundRequest | null;
  money: Money;
  windowDays?: number;
  onCancel: () => void;
  onDone: (refund: Refund) => void;
}) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'en';
  const cur = order.currency;
  const lines = remainingOf(order).filter((l) => l.left > 0);
  const remaining = lines.reduce((s, l) => s + l.left, 0);

  const [step, setStep] = useState<'form' | 'preview' | 'confirm'>('form');
  const [mode, setMode] = useState<Mode>('full');
  const [picked, setPicked] = useState<Record<string, { on: boolean; amount: string }>>(() =>
    Object.fromEntries(lines.map((l) => [l.line.id, { on: lines.length === 1, amount: '' }])),
  );
  const [amount, setAmount] = useState('');
  const [reason, setReason] = useState(request?.reason ?? '');
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [preview, setPreview] = useState<{ input: RefundInput; data: RefundPreview } | null>(null);
  const confirmKey = useRef<string>('');
  const headingRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => headingRef.current?.focus(), [step]);

  const refusal = (error: unknown) => refundRefusal(t, error, { money, currency: cur, language, windowDays });

  function buildInput(): RefundInput | string {
    const why = reason.trim();
    if (!why) return t('refunds.form.reasonRequired');
    if (mode === 'full') return { reason: why };
    if (mode === 'amount') {
      const parsed = parseMajorToMinor(amount, cur);
      if (!parsed.ok || parsed.value <= 0) return t('refunds.form.amountInvalid');
      if (parsed.value > remaining) return t('refunds.form.amountTooLarge', { max: money(remaining, cur) });
      return { reason: why, amount_minor: parsed.value };
    }
    const chosen: { line_id: string; amount_minor?: number }[] = [];
    for (const { line, left } of lines) {
      const p = picked[line.id];
      if (!p?.on) continue;
      if (p.amount.trim() === '') {
        chosen.push({ line_id: line.id });
        continue;
      }
      const parsed = parseMajorToMinor(p.amount, cur);
      if (!parsed.ok || parsed.value <= 0) return t('refunds.form.amountInvalid');
      if (parsed.value > left) return t('refunds.form.amountTooLarge', { max: money(left, cur) });
      chosen.push(parsed.value === left ? { line_id: line.id } : { line_id: line.id, amount_minor: parsed.value });
    }
    if (chosen.length === 0) return t('refunds.form.pickLine');
    return { reason: why, lines: chosen };
  }

  async function review(event: FormEvent) {
    event.preventDefault();
    const input = buildInput();
    if (typeof input === 'string') {
      setProblem(input);
      return;
    }
    setBusy(true);
    setProblem(null);
    try {
      const data = await refundsApi.preview(order.id, input);
      setPreview({ input, data });
      setStep('preview');
    } catch (error) {
      setProblem(refusal(error));
    } finally {
      setBusy(false);
    }
  }

  async function confirm() {
    if (!preview) return;
    setBusy(true);
    setProblem(null);
    try {
      const refund = request
        ? await refundsApi.grant(request.id, preview.input, confirmKey.current)
        : await refundsApi.create(order.id, preview.input, confirmKey.current);
      onDone(refund);
    } catch (error) {
      setProblem(refusal(error));
      setBusy(false);
    }
  }

  const title = request ? t('refunds.grantTitle') : t('refunds.title');
  const problemBox = problem ? (
    <p role="alert" className="notice notice--error" data-testid="refund-problem">
      {problem}
    </p>
  ) : null;

  if (step === 'confirm' && preview) {
    const p = preview.data;
    return (
      <section className="refund-flow" aria-labelledby="refund-flow-title" data-testid="refund-confirm">
        <h3 id="refund-flow-title" ref={headingRef} tabIndex={-1}>
          {t('refunds.confirm.title', { amount: money(p.amount_minor, cur) })}
        </h3>
        <div className="notice notice--warning" role="note">
          <p>
            <strong>{t('refunds.confirm.irreversible')}</strong>
          </p>
          <p>{t('refunds.confirm.summary', { amount: money(p.amount_minor, cur), name: order.customer.name || order.customer.email, share: money(p.seller_share_minor, cur) })}</p>
          {p.revokes.length > 0 ? <p>{t('refunds.confirm.revokes', { products: p.revokes.map((r) => r.product_title).join(', ') })}</p> : null}
        </div>
        {problemBox}
        <div className="refund-flow__actions">
          <button type="button" className="button button--secondary" onClick={() => setStep('preview')} disabled={busy}>
            {t('refunds.back')}
          </button>
          <button type="button" className="button button--danger" onClick={confirm} disabled={busy}>
            {busy ? t('refunds.confirm.working') : t('refunds.confirm.button', { amount: money(p.amount_minor, cur) })}
          </button>
        </div>
      </section>
    );
  }

  if (step === 'preview' && preview) {
    return (
      <section className="refund-flow" aria-labelledby="refund-flow-title" data-testid="refund-preview">
        <h3 id="refund-flow-title" ref={headingRef} tabIndex={-1}>
          {t('refunds.preview.title')}
        </h3>
        <PreviewView order={order} preview={preview.data} money={money} />
        {problemBox}
        <div className="refund-flow__actions">
          <button type="button" className="button button--secondary" onClick={() => setStep('form')}>
            {t('refunds.change')}
          </button>
          <button
            type="button"
            className="button button--primary"
            onClick={() => {
              confirmKey.current = newIdempotencyKey();
              setProblem(null);
              setStep('confirm');
            }}
          >
            {t('refunds.preview.continue')}
          </button>
        </div>
      </section>
    );
  }

  return (
    <section className="refund-flow" aria-labelledby="refund-flow-title" data-testid="refund-form">
      <h3 id="refund-flow-title" ref={headingRef} tabIndex={-1}>
        {title}
      </h3>
      <p className="muted">{t('refunds.form.remaining', { amount: money(remaining, cur) })}</p>
      <form onSubmit={review} noValidate>
        <fieldset className="refund-flow__modes">
          <legend>{t('refunds.form.what')}</legend>
          {(['full', 'lines', 'amount'] as const).map((m) => (
            <label key={m} className="radio">
              <input type="radio" name="refund-mode" value={m} checked={mode === m} onChange={() => setMode(m)} />
              {m === 'full' ? t('refunds.form.full', { amount: money(remaining, cur) }) : t(`refunds.form.${m}`)}
            </label>
          ))}
        </fieldset>
        {mode === 'lines' ? (
          <ul className="refund-flow__lines">
            {lines.map(({ line, left }) => {
              const p = picked[line.id] ?? { on: false, amount: '' };
              return (
                <li key={line.id}>
                  <label className="checkbox">
                    <input
                      type="checkbox"
                      checked={p.on}
                      onChange={(e) => setPicked({ ...picked, [line.id]: { ...p, on: e.target.checked } })}
                    />
                    {line.product.title} <span className="muted">({t('refunds.form.lineLeft', { amount: money(left, cur) })})</span>
                  </label>
                  {p.on ? (
                    <label className="refund-flow__amount">
                      <span>{t('refunds.form.lineAmount', { title: line.product.title })}</span>
                      <input
                        inputMode="decimal"
                        value={p.amount}
                        placeholder={formatMinorAsMajor(left, cur)}
                        aria-describedby="refund-line-hint"
                        onChange={(e) => setPicked({ ...picked, [line.id]: { ...p, amount: e.target.value } })}
                      />
                    </label>
                  ) : null}
                </li>
              );
            })}
            <li id="refund-line-hint" className="muted">
              {t('refunds.form.lineHint')}
            </li>
          </ul>
        ) : null}
        {mode === 'amount' ? (
          <div className="refund-flow__amount">
            <label htmlFor="refund-amount">{t('refunds.form.amountLabel')}</label>
            <input id="refund-amount" inputMode="decimal" value={amount} onChange={(e) => setAmount(e.target.value)} aria-describedby="refund-amount-hint" />
            <span id="refund-amount-hint" className="muted">
              {t('refunds.form.amountHint')}
            </span>
          </div>
        ) : null}
        <label htmlFor="refund-reason">{t('refunds.form.reason')}</label>
        <textarea id="refund-reason" value={reason} maxLength={1000} rows={2} onChange={(e) => setReason(e.target.value)} aria-describedby="refund-reason-hint" />
        <p id="refund-reason-hint" className="muted">
          {t('refunds.form.reasonHint')}
        </p>
        {problemBox}
        <div className="refund-flow__actions">
          <button type="button" className="button button--secondary" onClick={onCancel}>
            {t('refunds.cancel')}
          </button>
          <button type="submit" className="button button--primary" disabled={busy}>
            {busy ? t('app.loading') : t('refunds.form.review')}
          </button>
        </div>
      </form>
    </section>
  );
}

type Tone = 'good' | 'warn' | 'neutral';

/** The server's preview, laid out so a seller sees at a glance what happens and why. */
export function PreviewView({ order, preview: p, money }: { order: OrderDetails; preview: RefundPreview; money: Money }) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'en';
  const cur = p.currency || order.currency;
  const date = new Intl.DateTimeFormat(language, { dateStyle: 'medium' });
  const ev = p.evidence;

  const evidence: { tone: Tone; text: string; key: string }[] = [];
  for (const [i, item] of ev.items.entries()) {
    evidence.push({
      key: `item-${i}`,
      tone: 'good',
      text: t(`refunds.evidence.kinds.${item.kind}`, {
        title: item.product_title,
        order: item.other_order_id ?? '',
        date: item.other_order_at ? date.format(new Date(item.other_order_at)) : '',
        defaultValue: item.note,
      }),
    });
  }
  if (ev.items.length === 0) evidence.push({ key: 'none', tone: 'neutral', text: t('refunds.evidence.noOverlap') });
  evidence.push({ key: 'days', tone: 'neutral', text: t('refunds.evidence.days', { count: ev.days_since_purchase }) });
  evidence.push({ key: 'downloads', tone: ev.downloads === 0 ? 'good' : 'warn', text: t('refunds.evidence.downloads', { count: ev.downloads }) });
  for (const r of ev.refund_rates) {
    evidence.push({
      key: `rate-${r.product_id}`,
      tone: r.rate_bp >= 1000 ? 'warn' : 'neutral',
      text:
        r.lines_sold === 0
          ? t('refunds.evidence.rateNone', { title: r.product_title, days: r.days })
          : t('refunds.evidence.rate', {
              title: r.product_title,
              rate: new Intl.NumberFormat(language, { maximumFractionDigits: 1 }).format(r.rate_bp / 100),
              refunded: r.lines_refunded,
              sold: r.lines_sold,
              days: r.days,
            }),
    });
  }
  const signals: string[] = [];
  if (ev.duplicate_purchase) signals.push(t('refunds.evidence.duplicate'));
  if (ev.bundle_overlap) signals.push(t('refunds.evidence.bundle'));

  return (
    <div className="refund-preview">
      <dl className="panel-rows" data-testid="refund-preview-money">
        <div className="panel-row panel-row--strong">
          <dt>{t('refunds.preview.buyerGets')}</dt>
          <dd data-testid="preview-amount">{money(p.amount_minor, cur)}</dd>
        </div>
        <div className="panel-row">
          <dt>{t('refunds.preview.taxIncluded')}</dt>
          <dd>{money(p.tax_minor, cur)}</dd>
        </div>
        <div className="panel-row">
          <dt>{t('refunds.preview.feeReturned')}</dt>
          <dd>{money(p.fee_returned_minor, cur)}</dd>
        </div>
        <div className="panel-row panel-row--strong">
          <dt>{t('refunds.preview.yourShare')}</dt>
          <dd data-testid="preview-share">{money(-p.seller_share_minor, cur)}</dd>
        </div>
        <div className="panel-row">
          <dt>{t('refunds.preview.balance')}</dt>
          <dd data-testid="preview-balance">
            {money(p.balance.available_before_minor, cur)} → {money(p.balance.available_after_minor, cur)}
          </dd>
        </div>
        <div className="panel-row">
          <dt>{t('refunds.preview.leftAfter')}</dt>
          <dd>{money(p.order_remaining_after_minor, cur)}</dd>
        </div>
      </dl>
      <p className="muted panel-note" data-testid="preview-fee-rule">
        {t(`refunds.preview.feeRules.${p.fees.rule}`, { defaultValue: p.fees.note, share: money(p.seller_share_minor, cur), fee: money(p.fee_returned_minor, cur) })}
      </p>

      <h4>{t('refunds.preview.access')}</h4>
      {p.revokes.length === 0 ? (
        <p className="muted" data-testid="preview-revokes">
          {t('refunds.preview.keepsAccess')}
        </p>
      ) : (
        <ul className="plain-list" data-testid="preview-revokes">
          {p.revokes.map((r) => (
            <li key={r.line_id}>
              {t('refunds.preview.revokesAccess', { title: r.product_title })}
              {r.license_keys.map((k) => (
                <span key={k} className="refund-preview__key">
                  {' '}
                  {t('refunds.preview.revokesKey')} <span className="mono">{k}</span>
                </span>
              ))}
            </li>
          ))}
        </ul>
      )}

      <h4>{t('refunds.evidence.title')}</h4>
      <p className={signals.length ? 'evidence-verdict evidence-verdict--good' : 'evidence-verdict'} data-testid="evidence-verdict">
        {signals.length ? signals.join(' · ') : t('refunds.evidence.noSignals')}
      </p>
      <ul className="evidence" data-testid="refund-evidence">
        {evidence.map((e) => (
          <li key={e.key} className={`evidence__item evidence__item--${e.tone}`}>
            <span className="evidence__mark" aria-hidden="true">
              {e.tone === 'good' ? '✓' : e.tone === 'warn' ? '!' : '•'}
            </span>
            <span>{e.text}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}
