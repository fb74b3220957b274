// The Order details side panel (R-SALES-4) and, from its ⋯ menu, the customer's transaction
// history (R-SALES-5). It is a modal dialog: focus moves into it, Tab stays inside, Esc or the
// close button closes it, and the page's URL (/app/sales/orders/:id[/history]?<list query>)
// says what is open, so it can be linked to and survives a reload.
import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { refunds as refundsApi, sales as salesApi, type CustomerTransaction, type CustomerTransactions, type OrderDetails, type Refund, type RefundRequest } from '../../api';
import { useSession } from '../../session';
import { describeError } from '../../errors';
import { formatMoney } from '../../money';
import { countryName } from '../../checkout';
import { useLoad } from '../store/useLoad';
import { brandName } from '../store/ReceiptPage';
import { CloseIcon } from '../../components/Icons';
import { statusBadgeClass } from './salesQuery';
import { BlockCustomerDialog } from './BlockCustomerDialog';
import { RefundFlow } from './RefundFlow';
import { Composer } from '../messages/Composer';
import { withFiles } from '../messages/Attachments';
import { messaging as messagingApi } from '../../api';

const FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea, summary, [tabindex]:not([tabindex="-1"])';

export function OrderPanel({
  orderId,
  showHistory,
  search,
  locale,
  onClose,
  onChanged,
}: {
  orderId: string;
  showHistory: boolean;
  search: string;
  locale: string;
  onClose: () => void;
  /** The order changed (a refund, a declined request): the list behind should reload. */
  onChanged?: () => void;
}) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'en';
  const panelRef = useRef<HTMLDivElement>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const [menuOpen, setMenuOpen] = useState(false);
  const [blocking, setBlocking] = useState(false);
  const [writing, setWriting] = useState(false);
  const [sentTo, setSentTo] = useState<string | null>(null);
  const [blockedNote, setBlockedNote] = useState<string | null>(null);
  // The refund flow, open for a plain refund or for granting a buyer's request.
  const [refunding, setRefunding] = useState<{ request: RefundRequest | null } | null>(null);
  const { state: session } = useSession();
  const windowDays = session.status === 'authenticated' ? session.store?.refund_window_days : undefined;
  const menuOpenRef = useRef(menuOpen);
  menuOpenRef.current = menuOpen;
  const onCloseRef = useRef(onClose);
  onCloseRef.current = onClose;

  const [order, retry] = useLoad((signal) => salesApi.order(orderId, signal), [orderId]);

  // Focus the heading when the panel opens or switches between the order and the history.
  useEffect(() => {
    headingRef.current?.focus();
  }, [orderId, showHistory, order.status]);

  // Esc closes the menu if it is open, else the panel; Tab cycles inside the panel.
  useEffect(() => {
    function onKey(event: KeyboardEvent) {
      if (event.key === 'Escape') {
        event.preventDefault();
        if (menuOpenRef.current) setMenuOpen(false);
        else onCloseRef.current();
        return;
      }
      if (event.key !== 'Tab' || !panelRef.current) return;
      const items = [...panelRef.current.querySelectorAll<HTMLElement>(FOCUSABLE)];
      if (items.length === 0) return;
      const first = items[0] as HTMLElement;
      const last = items[items.length - 1] as HTMLElement;
      const active = document.activeElement;
      if (event.shiftKey && (active === first || active === headingRef.current)) {
        event.preventDefault();
        last.focus();
      } else if (!event.shiftKey && active === last) {
        event.preventDefault();
        first.focus();
      }
    }
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);

  // The page behind does not scroll while the panel is open.
  useEffect(() => {
    const previous = document.body.style.overflow;
    document.body.style.overflow = 'hidden';
    return () => {
      document.body.style.overflow = previous;
    };
  }, []);

  const orderPath = `/app/sales/orders/${encodeURIComponent(orderId)}`;
  const money = (minor: number, currency: string) => formatMoney(minor, currency, locale);
  const title = showHistory ? t('sales.transactions.title') : t('sales.order.title', { id: orderId });

  let body: ReactNode;
  if (order.status === 'loading') {
    body = (
      <div className="panel-skeleton" role="status" aria-label={t('app.loading')}>
        <span className="skeleton skeleton--title" />
        <span className="skeleton" />
        <span className="skeleton" />
        <span className="skeleton skeleton--short" />
      </div>
    );
  } else if (order.status === 'not_found') {
    body = <p className="muted">{t('sales.order.notFound')}</p>;
  } else if (order.status === 'error') {
    body = (
      <div role="alert">
        <p>{t('sales.order.loadError')}</p>
        <p className="muted">{describeError(t, order.error)}</p>
        <button type="button" className="button button--secondary" onClick={retry}>
          {t('app.retry')}
        </button>
      </div>
    );
  } else if (writing && !showHistory) {
    const customer = order.data.customer;
    const name = customer.name || customer.email;
    body = (
      <section className="panel-section" aria-labelledby="panel-message" data-testid="order-message">
        <h3 id="panel-message">{t('messages.order.title', { name })}</h3>
        <Composer
          label={t('messages.order.label', { name })}
          sendLabel={t('messages.order.send')}
          savedReplies
          onCancel={() => setWriting(false)}
          upload={(file) => messagingApi.uploadAttachment(file)}
          onSend={async (text, attachmentIds) => {
            const sent = await messagingApi.messageCustomer(customer.id, { body: text, ...withFiles(attachmentIds) });
            setWriting(false);
            setSentTo(sent.thread_id);
            setBlockedNote(t('messages.order.sent', { name }));
          }}
        />
      </section>
    );
  } else if (blocking && !showHistory) {
    body = (
      <BlockCustomerDialog
        customerId={order.data.customer.id}
        onCancel={() => setBlocking(false)}
        onBlocked={(b) => {
          setBlocking(false);
          setBlockedNote(t('blocks.dialog.done', { name: b.customer.name }));
        }}
      />
    );
  } else if (refunding && !showHistory) {
    const current = order.data;
    body = (
      <RefundFlow
        order={current}
        request={refunding.request}
        money={money}
        windowDays={windowDays}
        onCancel={() => setRefunding(null)}
        onDone={(refund: Refund) => {
          setRefunding(null);
          setBlockedNote(t('refunds.done', { amount: money(refund.amount_minor, current.currency) }));
          retry();
          onChanged?.();
        }}
      />
    );
  } else if (showHistory) {
    body = <TransactionHistory order={order.data} search={search} money={money} />;
  } else {
    body = (
      <OrderBody
        order={order.data}
        money={money}
        onRefund={(request) => {
          setBlockedNote(null);
          setWriting(false);
          setSentTo(null);
          setRefunding({ request });
        }}
        onDeclined={() => {
          setBlockedNote(t('refunds.request.declined'));
          retry();
          onChanged?.();
        }}
      />
    );
  }

  return (
    <div className="panel-layer">
      <div className="panel-backdrop" onClick={onClose} aria-hidden="true" />
      <div
        ref={panelRef}
        className="panel"
        role="dialog"
        aria-modal="true"
        aria-labelledby="order-panel-title"
        data-testid="order-panel"
      >
        <header className="panel__head">
          <div className="panel__title">
            {showHistory ? (
              <Link className="back-link" to={{ pathname: orderPath, search }}>
                ← {t('sales.transactions.back')}
              </Link>
            ) : null}
            <h2 id="order-panel-title" ref={headingRef} tabIndex={-1}>
              {title}
            </h2>
            {!showHistory && order.status === 'ready' ? (
              <p className="panel__subtitle">
                <span className={statusBadgeClass(order.data.status)}>{t(`sales.status.${order.data.status}`, { defaultValue: order.data.status })}</span>
                <span className="muted">
                  {t('sales.order.placed', { date: new Intl.DateTimeFormat(language, { dateStyle: 'long', timeStyle: 'short' }).format(new Date(order.data.created_at)) })}
                </span>
              </p>
            ) : null}
          </div>
          <div className="panel__actions">
            {!showHistory && order.status === 'ready' && !writing ? (
              <button
                type="button"
                className="button button--secondary button--small"
                onClick={() => {
                  setBlockedNote(null);
                  setSentTo(null);
                  setBlocking(false);
                  setRefunding(null);
                  setWriting(true);
                }}
              >
                {t('messages.order.button')}
              </button>
            ) : null}
            {!showHistory && order.status === 'ready' ? (
              <MoreMenu open={menuOpen} setOpen={setMenuOpen}>
                <Link role="menuitem" className="menu__item" to={{ pathname: `${orderPath}/history`, search }} onClick={() => setMenuOpen(false)}>
                  {t('sales.order.viewHistory')}
                </Link>
                <button
                  type="button"
                  role="menuitem"
                  className="menu__item"
                  onClick={() => {
                    setMenuOpen(false);
                    setBlockedNote(null);
                    setWriting(false);
                    setSentTo(null);
                    setBlocking(true);
                  }}
                >
                  {t('sales.order.block')}
                </button>
              </MoreMenu>
            ) : null}
            <button type="button" className="icon-button panel__close" onClick={onClose} aria-label={t('sales.order.close')} title={t('sales.order.close')}>
              <CloseIcon size={18} />
            </button>
          </div>
        </header>
        <div className="panel__body">
          {blockedNote ? (
            <p role="status" className="notice">
              {blockedNote}
              {sentTo ? (
                <>
                  {' '}
                  <Link to={`/app/messages/threads/${encodeURIComponent(sentTo)}`}>{t('messages.order.openThread')}</Link>
                </>
              ) : null}
            </p>
          ) : null}
          {body}
        </div>
      </div>
    </div>
  );
}

function MoreMenu({ open, setOpen, children }: { open: boolean; setOpen: (open: boolean) => void; children: ReactNode }) {
  const { t } = useTranslation();
  const buttonRef = useRef<HTMLButtonElement>(null);
  const menuRef = useRef<HTMLDivElement>(null);
  const wasOpen = useRef(false);
  useEffect(() => {
    if (open) menuRef.current?.querySelector<HTMLElement>('[role="menuitem"]')?.focus();
    else if (wasOpen.current) buttonRef.current?.focus();
    wasOpen.current = open;
  }, [open]);
  useEffect(() => {
    if (!open) return;
    function onDown(event: MouseEvent) {
      if (!menuRef.current?.contains(event.target as Node) && event.target !== buttonRef.current) setOpen(false);
    }
    document.addEventListener('mousedown', onDown);
    return () => document.removeEventListener('mousedown', onDown);
  }, [open, setOpen]);
  return (
    <div className="menu">
      <button
        ref={buttonRef}
        type="button"
        className="icon-button menu__button"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-label={t('sales.order.more')}
        title={t('sales.order.more')}
        onClick={() => setOpen(!open)}
      >
        <span aria-hidden="true">⋯</span>
      </button>
      {open ? (
        <div ref={menuRef} className="menu__list" role="menu" aria-label={t('sales.order.more')}>
          {children}
        </div>
      ) : null}
    </div>
  );
}

function Row({ label, value, strong, testId }: { label: string; value: ReactNode; strong?: boolean; testId?: string }) {
  return (
    <div className={strong ? 'panel-row panel-row--strong' : 'panel-row'}>
      <dt>{label}</dt>
      <dd data-testid={testId}>{value}</dd>
    </div>
  );
}

function ratePercent(ppm: number, locale: string): string {
  return new Intl.NumberFormat(locale, { maximumFractionDigits: 4 }).format(ppm / 10000);
}

function OrderBody({
  order,
  money,
  onRefund,
  onDeclined,
}: {
  order: OrderDetails;
  money: (minor: number, currency: string) => string;
  onRefund: (request: RefundRequest | null) => void;
  onDeclined: () => void;
}) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'en';
  const cur = order.currency;
  const dateTime = new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'short' });
  const date = new Intl.DateTimeFormat(language, { dateStyle: 'medium' });

  const refundable = order.total_minor - order.refunded_minor;
  const openRequest = (order.refund_requests ?? []).find((r) => r.status === 'open') ?? null;

  return (
    <>
      {openRequest ? <RequestCard order={order} request={openRequest} onGrant={() => onRefund(openRequest)} onDeclined={onDeclined} /> : null}
      {refundable > 0 && !openRequest ? (
        <div className="panel-actionbar">
          <button type="button" className="button button--secondary" onClick={() => onRefund(null)}>
            {t('refunds.issue')}
          </button>
        </div>
      ) : null}
      <section className="panel-section" aria-labelledby="panel-customer">
        <h3 id="panel-customer">{t('sales.order.customer')}</h3>
        <p className="panel-customer__name" data-testid="panel-customer-name">
          {order.customer.name}
        </p>
        <p>
          <a href={`mailto:${order.customer.email}`}>{order.customer.email}</a>
        </p>
        {order.customer.country ? <p className="muted">{countryName(order.customer.country, language)}</p> : null}
      </section>

      <section className="panel-section" aria-labelledby="panel-items">
        <h3 id="panel-items">{t('sales.order.items')}</h3>
        <ul className="panel-lines">
          {order.lines.map((line) => (
            <li key={line.id} className="panel-line" data-testid="panel-line">
              <div className="panel-line__head">
                <div>
                  <span className="table__title">{line.product.title}</span>
                  <span className="table__sub">
                    {t('sales.order.tier', { tier: line.tier })}
                    {line.quantity > 1 ? ` · ${t('sales.order.quantity', { count: line.quantity })}` : ''}
                  </span>
                </div>
                <span className="nowrap">{money(line.total_minor, cur)}</span>
              </div>
              <div className="panel-line__meta">
                {line.status && line.status !== 'complete' ? (
                  <span className={statusBadgeClass(line.status)}>{t(`sales.status.${line.status}`, { defaultValue: line.status })}</span>
                ) : null}
                <span className={line.access === 'revoked' ? 'badge badge--revoked' : 'badge badge--draft'}>
                  {line.access === 'revoked' ? t('sales.order.accessRevoked') : t('sales.order.accessActive')}
                </span>
                <span className="muted">{t('sales.order.downloads', { count: line.downloads?.count ?? 0 })}</span>
              </div>
              {line.downloads?.files?.length ? (
                <ul className="panel-files muted">
                  {line.downloads.files.map((f) => (
                    <li key={f.file_id}>{t('sales.order.fileDownloads', { filename: f.filename, count: f.count })}</li>
                  ))}
                </ul>
              ) : null}
              {line.license_key ? (
                <p className="panel-line__key">
                  <span className="muted">{t('sales.order.licenseKey')}: </span>
                  <span className="mono">{line.license_key}</span>
                </p>
              ) : null}
            </li>
          ))}
        </ul>
      </section>

      <section className="panel-section" aria-labelledby="panel-money">
        <h3 id="panel-money">{t('sales.order.money')}</h3>
        <dl className="panel-rows">
          <Row label={t('sales.order.subtotal')} value={money(order.subtotal_minor, cur)} />
          <Row
            label={
              order.tax && order.tax.rate_ppm > 0
                ? t('sales.order.taxRate', { label: order.tax.label || t('sales.order.tax'), rate: ratePercent(order.tax.rate_ppm, language) })
                : t('sales.order.tax')
            }
            value={money(order.tax_minor, cur)}
          />
          <Row label={t('sales.order.total')} value={money(order.total_minor, cur)} strong testId="panel-total" />
          {order.refunded_minor > 0 ? <Row label={t('sales.order.refunded')} value={money(-order.refunded_minor, cur)} /> : null}
          <Row label={t('sales.order.fee')} value={money(-order.fee_minor, cur)} />
          <Row label={t('sales.order.net')} value={money(order.net_minor, cur)} strong />
        </dl>
        {order.available_at ? <p className="muted panel-note">{t('sales.order.availableOn', { date: date.format(new Date(order.available_at)) })}</p> : null}
      </section>

      <section className="panel-section" aria-labelledby="panel-payment">
        <h3 id="panel-payment">{t('sales.order.payment')}</h3>
        <p data-testid="panel-payment">
          {order.payment?.last4 ? t('sales.order.card', { brand: brandName(order.payment.brand), last4: order.payment.last4 }) : t('sales.order.noPayment')}
        </p>
      </section>

      <section className="panel-section" aria-labelledby="panel-history">
        <h3 id="panel-history">{t('sales.order.history')}</h3>
        <ol className="timeline">
          {order.status_history.map((h, i) => (
            <li key={`${h.status}-${h.at}-${i}`}>
              <span className="timeline__status">{t(`sales.order.statuses.${h.status}`, { defaultValue: h.status })}</span>
              <span className="muted"> · {dateTime.format(new Date(h.at))}</span>
              {h.note ? <span className="timeline__note muted">{h.note}</span> : null}
            </li>
          ))}
        </ol>
      </section>

      {order.disputes && order.disputes.length > 0 ? (
        <section className="panel-section" aria-labelledby="panel-disputes">
          <h3 id="panel-disputes">{t('sales.order.disputes')}</h3>
          <ul className="plain-list" data-testid="panel-disputes">
            {order.disputes.map((d) => (
              <li key={d.id} className="refund-card" data-testid="dispute-card">
                <strong>{money(d.amount_minor, d.currency)}</strong> ·{' '}
                <span className={d.status === 'won' ? 'badge badge--published' : 'badge badge--revoked'} data-testid="dispute-status">
                  {t(`sales.order.dispute.${d.status}`, { defaultValue: d.status })}
                </span>
                <p className="muted">{t('sales.order.dispute.openedOn', { date: dateTime.format(new Date(d.opened_at)) })}</p>
                {d.resolved_at ? <p className="muted">{t('sales.order.dispute.resolvedOn', { date: dateTime.format(new Date(d.resolved_at)) })}</p> : null}
                <p className="muted">{t('sales.order.dispute.reason', { reason: d.reason })}</p>
                <p>{t(`sales.order.dispute.${d.status}Help`, { defaultValue: '' })}</p>
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      <section className="panel-section" aria-labelledby="panel-refunds">
        <h3 id="panel-refunds">{t('sales.order.refunds')}</h3>
        {order.refunds.length === 0 ? (
          <p className="muted">{t('sales.order.noRefunds')}</p>
        ) : (
          <ul className="plain-list" data-testid="panel-refunds">
            {order.refunds.map((r) => (
              <li key={r.id} className="refund-card" data-testid="refund-card">
                <strong>{money(r.amount_minor, cur)}</strong> ·{' '}
                <span className={r.status === 'succeeded' ? 'badge badge--published' : 'badge badge--draft'} data-testid="refund-status">
                  {t(`refunds.status.${r.status}`, { defaultValue: r.status })}
                </span>
                {r.reason ? <span className="muted"> · {r.reason}</span> : null}
                <ol className="refund-timeline" aria-label={t('refunds.timeline')}>
                  {r.created_at ? (
                    <li>
                      {t('refunds.steps.processing')} <span className="muted">· {dateTime.format(new Date(r.created_at))}</span>
                    </li>
                  ) : null}
                  {r.status === 'succeeded' && r.succeeded_at ? (
                    <li className="refund-timeline__done">
                      {t('refunds.steps.succeeded')} <span className="muted">· {dateTime.format(new Date(r.succeeded_at))}</span>
                    </li>
                  ) : r.settles_at ? (
                    <li className="muted">{t('refunds.steps.expected', { date: date.format(new Date(r.settles_at)) })}</li>
                  ) : null}
                </ol>
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}

/** A buyer's open refund request (R-REF-9): what they wrote, the reply deadline, grant or decline. */
function RequestCard({ order, request, onGrant, onDeclined }: { order: OrderDetails; request: RefundRequest; onGrant: () => void; onDeclined: () => void }) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'en';
  const dateTime = new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'short' });
  const [declining, setDeclining] = useState(false);
  const [message, setMessage] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const overdue = new Date(request.reply_by).getTime() < Date.now();

  async function decline(event: FormEvent) {
    event.preventDefault();
    if (!message.trim()) {
      setProblem(t('refunds.request.messageRequired'));
      return;
    }
    setBusy(true);
    setProblem(null);
    try {
      await refundsApi.decline(request.id, message.trim());
      onDeclined();
    } catch (error) {
      setProblem(describeError(t, error));
      setBusy(false);
    }
  }

  return (
    <section className="request-card" aria-labelledby="request-title" data-testid="refund-request">
      <h3 id="request-title">
        <span className="badge badge--requested">{t('refunds.request.badge')}</span>
      </h3>
      <p>{t('refunds.request.asked', { name: order.customer.name || order.customer.email, date: dateTime.format(new Date(request.created_at)) })}</p>
      <blockquote className="muted" data-testid="request-reason">
        “{request.reason}”
      </blockquote>
      <p className={overdue ? 'field__error' : ''} data-testid="request-deadline">
        {t(overdue ? 'refunds.request.overdue' : 'refunds.request.replyBy', { date: dateTime.format(new Date(request.reply_by)) })}
      </p>
      {declining ? (
        <form onSubmit={decline} noValidate>
          <label htmlFor="decline-message">{t('refunds.request.messageLabel')}</label>
          <textarea id="decline-message" rows={3} maxLength={1000} value={message} onChange={(e) => setMessage(e.target.value)} aria-describedby="decline-hint" />
          <p id="decline-hint" className="muted">
            {t('refunds.request.messageHint')}
          </p>
          {problem ? (
            <p role="alert" className="field__error">
              {problem}
            </p>
          ) : null}
          <div className="refund-flow__actions">
            <button type="button" className="button button--secondary" onClick={() => setDeclining(false)} disabled={busy}>
              {t('refunds.cancel')}
            </button>
            <button type="submit" className="button button--primary" disabled={busy}>
              {t('refunds.request.sendDecline')}
            </button>
          </div>
        </form>
      ) : (
        <div className="refund-flow__actions">
          <button type="button" className="button button--secondary" onClick={() => setDeclining(true)}>
            {t('refunds.request.decline')}
          </button>
          <button type="button" className="button button--primary" onClick={onGrant}>
            {t('refunds.request.grant')}
          </button>
        </div>
      )}
    </section>
  );
}

type TxState =
  | { status: 'loading' }
  | { status: 'error'; message: string }
  | { status: 'ready'; rows: CustomerTransaction[]; cursor: string | null; totals: CustomerTransactions['totals'] };

function TransactionHistory({
  order,
  search,
  money,
}: {
  order: OrderDetails;
  search: string;
  money: (minor: number, currency: string) => string;
}) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'en';
  const navigate = useNavigate();
  const customerId = order.customer.id;
  const [state, setState] = useState<TxState>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const [loadingMore, setLoadingMore] = useState(false);

  useEffect(() => {
    const controller = new AbortController();
    setState({ status: 'loading' });
    salesApi
      .transactions(customerId, undefined, controller.signal)
      .then((a) => setState({ status: 'ready', rows: a.data, cursor: a.has_more ? a.next_cursor : null, totals: a.totals }))
      .catch((error: unknown) => {
        if (!controller.signal.aborted) setState({ status: 'error', message: describeError(t, error) });
      });
    return () => controller.abort();
  }, [customerId, attempt]);

  async function more() {
    if (state.status !== 'ready' || !state.cursor) return;
    setLoadingMore(true);
    try {
      const a = await salesApi.transactions(customerId, state.cursor);
      setState({ status: 'ready', rows: [...state.rows, ...a.data], cursor: a.has_more ? a.next_cursor : null, totals: a.totals });
    } catch (error) {
      setState({ status: 'error', message: describeError(t, error) });
    } finally {
      setLoadingMore(false);
    }
  }

  const date = new Intl.DateTimeFormat(language, { dateStyle: 'medium' });
  return (
    <>
      <section className="panel-section">
        <p className="panel-customer__name">{order.customer.name}</p>
        <p className="muted">{order.customer.email}</p>
        <p className="muted panel-note">{t('sales.transactions.intro', { name: order.customer.name || order.customer.email })}</p>
      </section>
      {state.status === 'loading' ? (
        <div className="panel-skeleton" role="status" aria-label={t('app.loading')}>
          <span className="skeleton" />
          <span className="skeleton" />
          <span className="skeleton skeleton--short" />
        </div>
      ) : state.status === 'error' ? (
        <div role="alert" className="panel-section">
          <p>{t('sales.transactions.loadError')}</p>
          <p className="muted">{state.message}</p>
          <button type="button" className="button button--secondary" onClick={() => setAttempt((n) => n + 1)}>
            {t('app.retry')}
          </button>
        </div>
      ) : (
        <>
          <section className="panel-section">
            <dl className="panel-rows" data-testid="transaction-totals">
              <Row label={t('sales.transactions.purchases')} value={money(state.totals.purchases_minor, state.totals.currency)} />
              <Row label={t('sales.transactions.refunds')} value={money(-state.totals.refunds_minor, state.totals.currency)} />
              <Row label={t('sales.transactions.net')} value={money(state.totals.net_minor, state.totals.currency)} strong />
            </dl>
            <p className="muted panel-note">{t('sales.transactions.count', { count: state.totals.count })}</p>
          </section>
          <section className="panel-section">
            {state.rows.length === 0 ? (
              <p className="muted">{t('sales.transactions.empty')}</p>
            ) : (
              <ul className="tx-list" data-testid="transactions">
                {state.rows.map((tx) => (
                  <li key={`${tx.type}-${tx.id}`} className="tx">
                    <div>
                      <span className="table__title">
                        {t(`sales.transactions.types.${tx.type}`, { defaultValue: tx.type })}
                        {tx.description ? ` · ${tx.description}` : ''}
                      </span>
                      <span className="table__sub">
                        {date.format(new Date(tx.created_at))} ·{' '}
                        <button
                          type="button"
                          className="link-button mono"
                          onClick={() => navigate({ pathname: `/app/sales/orders/${encodeURIComponent(tx.order_id)}`, search })}
                        >
                          {tx.order_id}
                        </button>
                      </span>
                    </div>
                    <span className={`nowrap ${tx.type === 'refund' ? 'amount--negative' : ''}`}>
                      {money(tx.type === 'refund' ? -Math.abs(tx.amount_minor) : tx.amount_minor, tx.currency)}
                    </span>
                  </li>
                ))}
              </ul>
            )}
            {state.cursor ? (
              <div className="panel-more">
                <button type="button" className="button button--secondary button--small" onClick={more} disabled={loadingMore}>
                  {loadingMore ? t('app.loading') : t('sales.transactions.loadMore')}
                </button>
              </div>
            ) : null}
          </section>
        </>
      )}
    </>
  );
}
