// "Message customers" (R-MSG-2, R-AUTO-2): one message to all customers or to the buyers of
// chosen products. The seller writes it beside a live preview of who receives it (the server
// judges exactly as the send will: blocked customers and customers a placeholder has no value
// for are left out, unsubscribed ones get it without an email), confirms the number, then
// watches it go out; past messages are listed below with their progress.
import { useEffect, useMemo, useRef, useState } from 'react';
import { Link } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { ApiError, catalog, messaging, newIdempotencyKey, type Broadcast, type BroadcastPreview, type Product } from '../../api';
import { describeError } from '../../errors';
import { EmptyState, PageHeader } from '../../components/Page';
import { ErrorCard, LoadingCard } from '../../components/Feedback';
import { CheckIcon, MessagesIcon } from '../../components/Icons';
import { useLoad } from '../store/useLoad';
import { MessagesTabs } from './MessagesTabs';
import { formatWhen } from './format';
import {
  EMPTY_DRAFT,
  PLACEHOLDER_BUTTONS,
  audienceLabel,
  audienceOf,
  insertAt,
  previewInput,
  progressShare,
  type BroadcastDraft,
} from './broadcastForm';

/** How often a broadcast being sent is asked for its progress. */
export const POLL_MS = 1000;
/** How long the preview waits after the last keystroke. */
export const PREVIEW_DEBOUNCE_MS = 350;

/** A placeholder refusal in words for the message box (the preview is not a send). */
function describeBodyError(t: TFunction, error: ApiError): string {
  const name = /\{([^}|]+)/.exec(error.message)?.[1] ?? '';
  if (error.code === 'placeholder_unknown') return t('messages.broadcast.unknownPlaceholder', { name: `{${name}}` });
  if (error.code === 'too_long') return t('messages.broadcast.tooLong');
  return describeError(t, error);
}

type PreviewState =
  | { status: 'idle' }
  | { status: 'loading'; last: BroadcastPreview | null; bodyError: string | null }
  | { status: 'ready'; data: BroadcastPreview; bodyError: string | null }
  | { status: 'error'; error: unknown; bodyError: string | null };

type Stage =
  | { kind: 'compose' }
  | { kind: 'confirm'; preview: BroadcastPreview; key: string }
  | { kind: 'sending'; broadcast: Broadcast };

export function BroadcastsPage() {
  const { t, i18n } = useTranslation();
  const locale = i18n.resolvedLanguage ?? 'en';
  const [products, retryProducts] = useLoad((signal) => catalog.listAll(signal), []);
  const titles = useMemo(
    () => new Map(products.status === 'ready' ? products.data.map((p) => [p.id, p.title] as const) : []),
    [products],
  );
  const [draft, setDraft] = useState<BroadcastDraft>(EMPTY_DRAFT);
  const [stage, setStage] = useState<Stage>({ kind: 'compose' });
  const [historyVersion, setHistoryVersion] = useState(0);

  const header = (
    <>
      <PageHeader title={t('messages.title')} description={t('messages.broadcast.description')} />
      <MessagesTabs />
    </>
  );
  if (products.status === 'loading') return <>{header}<LoadingCard /></>;
  if (products.status !== 'ready')
    return <>{header}<ErrorCard title={t('messages.broadcast.loadError')} message={products.status === 'error' ? describeError(t, products.error) : null} onRetry={retryProducts} /></>;

  return (
    <>
      {header}
      {stage.kind === 'sending' ? (
        <SendingCard
          initial={stage.broadcast}
          label={audienceLabel(t, stage.broadcast.audience, titles, locale)}
          onDone={() => setHistoryVersion((v) => v + 1)}
          onAnother={() => {
            setDraft(EMPTY_DRAFT);
            setStage({ kind: 'compose' });
          }}
        />
      ) : stage.kind === 'confirm' ? (
        <ConfirmCard
          draft={draft}
          preview={stage.preview}
          idempotencyKey={stage.key}
          label={audienceLabel(t, audienceOf(draft), titles, locale)}
          onBack={() => setStage({ kind: 'compose' })}
          onSent={(broadcast) => {
            setStage({ kind: 'sending', broadcast });
            setHistoryVersion((v) => v + 1);
          }}
        />
      ) : (
        <ComposeCard
          draft={draft}
          setDraft={setDraft}
          products={products.data}
          onReview={(preview) => setStage({ kind: 'confirm', preview, key: newIdempotencyKey() })}
        />
      )}
      <History titles={titles} version={historyVersion} />
    </>
  );
}

function ComposeCard({
  draft,
  setDraft,
  products,
  onReview,
}: {
  draft: BroadcastDraft;
  setDraft: (update: (d: BroadcastDraft) => BroadcastDraft) => void;
  products: Product[];
  onReview: (preview: BroadcastPreview) => void;
}) {
  const { t } = useTranslation();
  const bodyRef = useRef<HTMLTextAreaElement>(null);
  const [filter, setFilter] = useState('');
  const [attempt, setAttempt] = useState(0);
  const [preview, setPreview] = useState<PreviewState>({ status: 'idle' });
  const [tried, setTried] = useState(false);
  const input = previewInput(draft);
  const inputKey = JSON.stringify(input);

  // The preview follows the draft, PREVIEW_DEBOUNCE_MS after the last change. A body the server
  // refuses (an unknown placeholder) is reported under the box, and the audience is still counted.
  useEffect(() => {
    if (!input) {
      setPreview({ status: 'idle' });
      return;
    }
    const controller = new AbortController();
    setPreview((p) => ({
      status: 'loading',
      last: p.status === 'ready' ? p.data : p.status === 'loading' ? p.last : null,
      bodyError: p.status === 'idle' ? null : p.bodyError,
    }));
    const timer = setTimeout(async () => {
      let bodyError: string | null = null;
      try {
        try {
          const data = await messaging.previewBroadcast(input, controller.signal);
          setPreview({ status: 'ready', data, bodyError: null });
          return;
        } catch (error) {
          if (!(error instanceof ApiError && error.param === 'body' && input.body !== undefined)) throw error;
          bodyError = describeBodyError(t, error);
        }
        const data = await messaging.previewBroadcast({ audience: input.audience }, controller.signal);
        setPreview({ status: 'ready', data, bodyError });
      } catch (error) {
        if (!controller.signal.aborted) setPreview({ status: 'error', error, bodyError });
      }
    }, PREVIEW_DEBOUNCE_MS);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
    // inputKey stands for `input`.
  }, [inputKey, attempt, t]);

  function insertPlaceholder(name: string) {
    const box = bodyRef.current;
    const start = box?.selectionStart ?? draft.body.length;
    const end = box?.selectionEnd ?? draft.body.length;
    const next = insertAt(draft.body, start, end, `{${name}}`);
    setDraft((d) => ({ ...d, body: next.text }));
    requestAnimationFrame(() => {
      box?.focus();
      box?.setSelectionRange(next.caret, next.caret);
    });
  }

  const shown = preview.status === 'ready' ? preview.data : preview.status === 'loading' ? preview.last : null;
  const bodyError = preview.status === 'idle' ? null : preview.bodyError;
  const noBody = !draft.body.trim();
  const noProducts = draft.choice === 'products' && draft.productIds.length === 0;
  const ready = preview.status === 'ready' && !preview.bodyError && !noBody && preview.data.recipients > 0;
  // With no text yet the button stays on, so that pressing it says what is missing.
  const canReview = ready || (noBody && preview.status === 'ready' && preview.data.recipients > 0);
  const visibleProducts = filter.trim()
    ? products.filter((p) => p.title.toLocaleLowerCase().includes(filter.trim().toLocaleLowerCase()))
    : products;

  function review() {
    setTried(true);
    if (ready && preview.status === 'ready') onReview(preview.data);
  }

  return (
    <section className="card broadcast" aria-labelledby="broadcast-compose-title" data-testid="broadcast-composer">
      <div className="broadcast__form">
        <h2 id="broadcast-compose-title" className="broadcast__title">
          {t('messages.broadcast.composeTitle')}
        </h2>
        <fieldset className="segmented">
          <legend className="field__label">{t('messages.broadcast.audience')}</legend>
          <div className="segmented__options">
            {(['all', 'products'] as const).map((choice) => (
              <label key={choice} className="segmented__option">
                <input
                  type="radio"
                  name="broadcast-audience"
                  value={choice}
                  checked={draft.choice === choice}
                  onChange={() => setDraft((d) => ({ ...d, choice }))}
                />
                <span>{choice === 'all' ? t('messages.broadcast.all') : t('messages.broadcast.products')}</span>
              </label>
            ))}
          </div>
        </fieldset>

        {draft.choice === 'products' ? (
          <fieldset className="broadcast__products" data-testid="broadcast-products">
            <legend className="field__label">{t('messages.broadcast.chooseProducts')}</legend>
            {products.length === 0 ? (
              <p className="muted">
                {t('messages.broadcast.noProducts')} <Link to="/app/products/new">{t('messages.broadcast.createProduct')}</Link>
              </p>
            ) : (
              <>
                {products.length > 8 ? (
                  <input
                    type="search"
                    className="broadcast__filter"
                    placeholder={t('messages.broadcast.filterProducts')}
                    aria-label={t('messages.broadcast.filterProducts')}
                    value={filter}
                    onChange={(e) => setFilter(e.target.value)}
                  />
                ) : null}
                <ul className="check-list broadcast__product-list">
                  {visibleProducts.map((p) => (
                    <li key={p.id}>
                      <label className="check">
                        <input
                          type="checkbox"
                          checked={draft.productIds.includes(p.id)}
                          onChange={(e) =>
                            setDraft((d) => ({
                              ...d,
                              productIds: e.target.checked ? [...d.productIds, p.id] : d.productIds.filter((id) => id !== p.id),
                            }))
                          }
                        />
                        <span className="check__label">{p.title}</span>
                      </label>
                    </li>
                  ))}
                  {visibleProducts.length === 0 ? <li className="muted">{t('messages.broadcast.noProductMatch')}</li> : null}
                </ul>
                {noProducts ? <p className="field__hint">{t('messages.broadcast.pickProduct')}</p> : null}
              </>
            )}
          </fieldset>
        ) : null}

        <div className="broadcast__body">
          <label htmlFor="broadcast-body" className="field__label">
            {t('messages.broadcast.bodyLabel')}
          </label>
          <div className="broadcast__insert" role="group" aria-label={t('messages.broadcast.insertLabel')}>
            <span className="field__hint">{t('messages.broadcast.insertLabel')}</span>
            {PLACEHOLDER_BUTTONS.map((ph) => (
              <button key={ph.name} type="button" className="chip-button" title={`{${ph.name}}`} onClick={() => insertPlaceholder(ph.name)}>
                {t(ph.label)}
              </button>
            ))}
          </div>
          <textarea
            id="broadcast-body"
            ref={bodyRef}
            rows={7}
            maxLength={20000}
            value={draft.body}
            placeholder={t('messages.broadcast.bodyPlaceholder')}
            onChange={(e) => setDraft((d) => ({ ...d, body: e.target.value }))}
            aria-invalid={bodyError || (tried && noBody) ? true : undefined}
            aria-describedby="broadcast-body-hint broadcast-body-error"
          />
          <p id="broadcast-body-hint" className="field__hint">
            {t('messages.broadcast.placeholderHint')}
          </p>
          <p id="broadcast-body-error" role="alert" className="field__error" data-testid="broadcast-body-error" hidden={!(bodyError || (tried && noBody))}>
            {bodyError ?? (tried && noBody ? t('messages.composer.empty') : '')}
          </p>
        </div>
      </div>

      <aside className="broadcast__preview" aria-labelledby="broadcast-preview-title" aria-busy={preview.status === 'loading'} data-testid="broadcast-preview">
        <h2 id="broadcast-preview-title" className="broadcast__title">
          {t('messages.broadcast.previewTitle')}
        </h2>
        {!input ? (
          <p className="muted">{noProducts ? t('messages.broadcast.pickProduct') : t('messages.broadcast.previewNone')}</p>
        ) : preview.status === 'error' ? (
          <div className="notice notice--error" role="alert">
            <p>{t('messages.broadcast.previewError')}</p>
            <p>{describeError(t, preview.error)}</p>
            <button type="button" className="button button--secondary button--small" onClick={() => setAttempt((n) => n + 1)}>
              {t('app.retry')}
            </button>
          </div>
        ) : shown ? (
          <PreviewSummary preview={shown} stale={preview.status === 'loading'} hasBody={!noBody && !bodyError} choice={draft.choice} />
        ) : (
          <p className="muted" role="status">
            <span className="spinner" aria-hidden="true" /> {t('messages.broadcast.counting')}
          </p>
        )}
        <div className="broadcast__actions">
          <button type="button" className="button button--primary" onClick={review} disabled={!canReview} data-testid="broadcast-review">
            {t('messages.broadcast.review')}
          </button>
        </div>
      </aside>
    </section>
  );
}

function PreviewSummary({ preview, stale, hasBody, choice }: { preview: BroadcastPreview; stale: boolean; hasBody: boolean; choice: 'all' | 'products' }) {
  const { t, i18n } = useTranslation();
  const nf = new Intl.NumberFormat(i18n.resolvedLanguage ?? 'en');
  if (preview.audience_size === 0)
    return (
      <p className="muted" data-testid="preview-empty">
        {choice === 'all' ? t('messages.broadcast.noCustomers') : t('messages.broadcast.noBuyers')}
      </p>
    );
  const more = preview.recipients - preview.sample.length;
  const unfillable = preview.skipped.unfillable ?? 0;
  return (
    <div className={stale ? 'broadcast__summary broadcast__summary--stale' : 'broadcast__summary'}>
      <p className="broadcast__count" data-testid="preview-count">
        <strong>{nf.format(preview.recipients)}</strong> {t('messages.broadcast.willReceive', { count: preview.recipients })}
      </p>
      <ul className="broadcast__facts">
        {preview.skipped.blocked > 0 ? (
          <li data-testid="preview-blocked">{t('messages.broadcast.skippedBlocked', { count: preview.skipped.blocked, n: nf.format(preview.skipped.blocked) })}</li>
        ) : null}
        {unfillable > 0 ? (
          <li className="broadcast__fact--warn" data-testid="preview-unfillable">
            {t('messages.broadcast.skippedUnfillable', { count: unfillable, n: nf.format(unfillable) })}
          </li>
        ) : null}
        {preview.unsubscribed > 0 ? (
          <li data-testid="preview-unsubscribed">{t('messages.broadcast.unsubscribed', { count: preview.unsubscribed, n: nf.format(preview.unsubscribed) })}</li>
        ) : null}
      </ul>
      {preview.sample.length > 0 ? (
        <>
          <h3 className="broadcast__subtitle">{t('messages.broadcast.sampleTitle')}</h3>
          <ul className="broadcast__people" data-testid="preview-sample">
            {preview.sample.map((p) => (
              <li key={p.id}>
                <span className="broadcast__person">{p.name || p.email}</span>
                {p.name ? <span className="broadcast__email muted">{p.email}</span> : null}
              </li>
            ))}
            {more > 0 ? <li className="muted">{t('messages.broadcast.andMore', { count: more, n: nf.format(more) })}</li> : null}
          </ul>
        </>
      ) : null}
      {hasBody && preview.first_message ? (
        <>
          <h3 className="broadcast__subtitle">{t('messages.broadcast.firstMessage', { name: preview.first_message.customer.name || preview.first_message.customer.email })}</h3>
          <div className="broadcast__rendered" data-testid="preview-message">
            {preview.first_message.body}
          </div>
        </>
      ) : null}
    </div>
  );
}

function ConfirmCard({
  draft,
  preview,
  idempotencyKey,
  label,
  onBack,
  onSent,
}: {
  draft: BroadcastDraft;
  preview: BroadcastPreview;
  idempotencyKey: string;
  label: string;
  onBack: () => void;
  onSent: (b: Broadcast) => void;
}) {
  const { t, i18n } = useTranslation();
  const nf = new Intl.NumberFormat(i18n.resolvedLanguage ?? 'en');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const audience = audienceOf(draft);

  async function send() {
    if (!audience) return;
    setBusy(true);
    setProblem(null);
    try {
      // The same key on a retry: a lost answer never sends the message twice.
      onSent(await messaging.broadcast({ audience, body: draft.body }, idempotencyKey));
    } catch (error) {
      setProblem(error instanceof ApiError && error.param === 'body' ? describeBodyError(t, error) : describeError(t, error));
      setBusy(false);
    }
  }

  return (
    <section className="card card--padded broadcast-confirm" aria-labelledby="broadcast-confirm-title" data-testid="broadcast-confirm">
      <h2 id="broadcast-confirm-title">{t('messages.broadcast.confirmTitle', { count: preview.recipients, n: nf.format(preview.recipients) })}</h2>
      <p className="muted">{label}</p>
      <div className="broadcast__rendered broadcast__rendered--raw">{preview.first_message?.body ?? draft.body}</div>
      {preview.first_message ? (
        <p className="field__hint">{t('messages.broadcast.confirmPersonal', { name: preview.first_message.customer.name || preview.first_message.customer.email })}</p>
      ) : null}
      <ul className="broadcast__facts">
        <li>{t('messages.broadcast.confirmThreads')}</li>
        {preview.unsubscribed > 0 ? <li>{t('messages.broadcast.unsubscribed', { count: preview.unsubscribed, n: nf.format(preview.unsubscribed) })}</li> : null}
        {preview.skipped.blocked > 0 ? <li>{t('messages.broadcast.skippedBlocked', { count: preview.skipped.blocked, n: nf.format(preview.skipped.blocked) })}</li> : null}
        {(preview.skipped.unfillable ?? 0) > 0 ? (
          <li className="broadcast__fact--warn">{t('messages.broadcast.skippedUnfillable', { count: preview.skipped.unfillable ?? 0, n: nf.format(preview.skipped.unfillable ?? 0) })}</li>
        ) : null}
      </ul>
      <p className="notice notice--warning">{t('messages.broadcast.cannotUndo')}</p>
      <p role="alert" className="field__error" hidden={!problem} data-testid="broadcast-send-error">
        {problem}
      </p>
      <div className="composer__actions">
        <button type="button" className="button button--secondary" onClick={onBack} disabled={busy}>
          {t('messages.broadcast.back')}
        </button>
        <button type="button" className="button button--primary" onClick={send} disabled={busy} data-testid="broadcast-send">
          {busy ? t('messages.composer.sending') : t('messages.broadcast.sendTo', { count: preview.recipients, n: nf.format(preview.recipients) })}
        </button>
      </div>
    </section>
  );
}

/** Polls a broadcast every POLL_MS until it is completed. */
function useBroadcastProgress(initial: Broadcast): { broadcast: Broadcast; stalled: boolean } {
  const [broadcast, setBroadcast] = useState(initial);
  const [stalled, setStalled] = useState(false);
  const done = broadcast.status === 'completed';
  useEffect(() => {
    if (done) return;
    const controller = new AbortController();
    const timer = setInterval(async () => {
      try {
        setBroadcast(await messaging.broadcastStatus(initial.id, controller.signal));
        setStalled(false);
      } catch {
        if (!controller.signal.aborted) setStalled(true);
      }
    }, POLL_MS);
    return () => {
      clearInterval(timer);
      controller.abort();
    };
  }, [done, initial.id]);
  return { broadcast, stalled };
}

function Meter({ share, label }: { share: number; label: string }) {
  const percent = Math.round(share * 100);
  return (
    <div className="meter" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent} aria-label={label}>
      <div className="meter__bar" style={{ width: `${percent}%` }} />
    </div>
  );
}

function SendingCard({ initial, label, onDone, onAnother }: { initial: Broadcast; label: string; onDone: () => void; onAnother: () => void }) {
  const { t, i18n } = useTranslation();
  const nf = new Intl.NumberFormat(i18n.resolvedLanguage ?? 'en');
  const { broadcast, stalled } = useBroadcastProgress(initial);
  const done = broadcast.status === 'completed';
  const { recipients, sent, skipped } = broadcast.progress;
  useEffect(() => {
    if (done) onDone();
    // Once, when it completes.
  }, [done]);
  return (
    <section className="card card--padded broadcast-progress" aria-labelledby="broadcast-progress-title" data-testid="broadcast-progress" data-status={broadcast.status}>
      <h2 id="broadcast-progress-title">{done ? t('messages.broadcast.doneTitle') : t('messages.broadcast.sendingTitle')}</h2>
      <p className="muted">{label}</p>
      {done ? null : <Meter share={progressShare(broadcast)} label={t('messages.broadcast.progressLabel')} />}
      <p aria-live="polite" data-testid="broadcast-progress-text">
        {done ? (
          <>
            <CheckIcon size={16} /> {t('messages.broadcast.done', { count: sent, n: nf.format(sent) })}
            {skipped > 0 ? ` ${t('messages.broadcast.skippedDone', { count: skipped, n: nf.format(skipped) })}` : ''}
          </>
        ) : (
          <>
            {t('messages.broadcast.progress', { done: nf.format(sent + skipped), total: nf.format(recipients) })}
            {skipped > 0 ? ` · ${t('messages.broadcast.skippedCount', { count: skipped, n: nf.format(skipped) })}` : ''}
          </>
        )}
      </p>
      {stalled ? <p className="field__hint">{t('messages.broadcast.stalled')}</p> : null}
      {done ? (
        <div className="composer__actions composer__actions--start">
          <button type="button" className="button button--primary" onClick={onAnother}>
            {t('messages.broadcast.another')}
          </button>
          <Link to="/app/messages" className="button button--secondary">
            {t('messages.broadcast.toInbox')}
          </Link>
        </div>
      ) : (
        <p className="field__hint">{t('messages.broadcast.canLeave')}</p>
      )}
    </section>
  );
}

function History({ titles, version }: { titles: Map<string, string>; version: number }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.resolvedLanguage ?? 'en';
  const nf = new Intl.NumberFormat(locale);
  const [load, retry] = useLoad((signal) => messaging.broadcasts({}, signal), [version]);
  const [rows, setRows] = useState<Broadcast[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  useEffect(() => {
    if (load.status !== 'ready') return;
    setRows(load.data.data);
    setCursor(load.data.has_more ? load.data.next_cursor : null);
  }, [load]);

  // While one is still sending, its row is refreshed.
  const sending = (rows ?? []).filter((b) => b.status !== 'completed').map((b) => b.id);
  const sendingKey = sending.join(',');
  useEffect(() => {
    if (!sendingKey) return;
    const controller = new AbortController();
    const timer = setInterval(async () => {
      try {
        const fresh = await Promise.all(sendingKey.split(',').map((id) => messaging.broadcastStatus(id, controller.signal)));
        setRows((current) => current?.map((b) => fresh.find((f) => f.id === b.id) ?? b) ?? current);
      } catch {
        // The next tick tries again.
      }
    }, POLL_MS * 2);
    return () => {
      clearInterval(timer);
      controller.abort();
    };
  }, [sendingKey]);

  async function loadMore() {
    if (!cursor) return;
    const next = await messaging.broadcasts({ cursor });
    setRows((current) => [...(current ?? []), ...next.data]);
    setCursor(next.has_more ? next.next_cursor : null);
  }

  let content;
  if (load.status === 'error' || load.status === 'not_found')
    content = <ErrorCard title={t('messages.broadcast.historyError')} message={load.status === 'error' ? describeError(t, load.error) : null} onRetry={retry} />;
  else if (rows === null) content = <LoadingCard />;
  else if (rows.length === 0)
    content = <EmptyState icon={<MessagesIcon size={28} />} title={t('messages.broadcast.historyEmptyTitle')} body={t('messages.broadcast.historyEmptyBody')} />;
  else
    content = (
      <ul className="card broadcast-history" data-testid="broadcast-history">
        {rows.map((b) => {
          const done = b.status === 'completed';
          return (
            <li key={b.id} className="broadcast-history__row" data-testid="broadcast-row">
              <div className="broadcast-history__main">
                <span className="broadcast-history__who">{audienceLabel(t, b.audience, titles, locale)}</span>
                <span className="broadcast-history__body">{b.body}</span>
              </div>
              <div className="broadcast-history__side">
                <span className="muted">{formatWhen(b.created_at, locale)}</span>
                <span className={done ? 'badge badge--published' : 'badge badge--unpublished'}>{done ? t('messages.broadcast.statusSent') : t('messages.broadcast.statusSending')}</span>
                <span className="broadcast-history__numbers">
                  {done
                    ? t('messages.broadcast.historySent', { count: b.progress.sent, n: nf.format(b.progress.sent) })
                    : t('messages.broadcast.progress', { done: nf.format(b.progress.sent + b.progress.skipped), total: nf.format(b.progress.recipients) })}
                  {b.progress.skipped > 0 ? ` · ${t('messages.broadcast.skippedCount', { count: b.progress.skipped, n: nf.format(b.progress.skipped) })}` : ''}
                </span>
                {!done ? <Meter share={progressShare(b)} label={t('messages.broadcast.progressLabel')} /> : null}
              </div>
            </li>
          );
        })}
      </ul>
    );

  return (
    <section className="broadcast-history-section" aria-labelledby="broadcast-history-title">
      <h2 id="broadcast-history-title" className="store-section-title">
        {t('messages.broadcast.history')}
      </h2>
      {content}
      {cursor ? (
        <div className="panel-more">
          <button type="button" className="button button--secondary" onClick={loadMore}>
            {t('messages.broadcast.loadMore')}
          </button>
        </div>
      ) : null}
    </section>
  );
}
