import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { buyer, type LibraryItem, type RefundRequest } from '../api';
import { formatMoney } from '../money';
import { describeError } from '../errors';
import { EmptyState, PageHeader } from '../components/Page';
import { ErrorCard, LoadingCard } from '../components/Feedback';
import { CheckIcon, LibraryIcon } from '../components/Icons';
import { formatBytes } from './products/productForm';
import { useLoad } from './store/useLoad';

const COPIED_MS = 2000;

/** Copies `text` to the clipboard and says so for a moment. */
export function CopyButton({ text }: { text: string }) {
  const { t } = useTranslation();
  const [copied, setCopied] = useState(false);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => () => {
    if (timer.current) clearTimeout(timer.current);
  }, []);

  async function copy() {
    try {
      await navigator.clipboard.writeText(text);
    } catch {
      // No clipboard access (plain http, permissions): fall back to the selection command.
      const area = document.createElement('textarea');
      area.value = text;
      area.setAttribute('readonly', '');
      area.style.position = 'fixed';
      area.style.opacity = '0';
      document.body.appendChild(area);
      area.select();
      document.execCommand('copy');
      area.remove();
    }
    setCopied(true);
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(() => setCopied(false), COPIED_MS);
  }

  return (
    <button type="button" className="button button--secondary button--small" onClick={copy} aria-label={t('library.copyKey')}>
      {copied ? <CheckIcon size={14} /> : null}
      <span aria-live="polite">{copied ? t('library.copied') : t('library.copy')}</span>
    </button>
  );
}

export function LibraryPage() {
  const { t } = useTranslation();
  const [load, retry] = useLoad((signal) => buyer.library(signal), []);
  const [items, setItems] = useState<LibraryItem[] | null>(null);
  useEffect(() => {
    if (load.status === 'ready') setItems(load.data);
  }, [load]);

  const header = <PageHeader title={t('library.title')} description={t('library.description')} />;
  if (load.status === 'loading') {
    return (
      <>
        {header}
        <LoadingCard />
      </>
    );
  }
  if (load.status === 'error' || load.status === 'not_found') {
    return (
      <>
        {header}
        <ErrorCard title={t('library.loadError')} message={load.status === 'error' ? describeError(t, load.error) : null} onRetry={retry} />
      </>
    );
  }
  const list = items ?? load.data;
  if (list.length === 0) {
    return (
      <>
        {header}
        <EmptyState icon={<LibraryIcon size={28} />} title={t('library.emptyTitle')} body={t('library.emptyBody')} />
      </>
    );
  }
  return (
    <>
      {header}
      <ul className="library" data-testid="library">
        {list.map((item) => (
          <LibraryEntry
            key={item.id}
            item={item}
            onRequested={(request) => setItems((all) => (all ?? list).map((it) => (it.order_id === item.order_id ? { ...it, refund_request: request } : it)))}
            onDownloaded={(fileId) =>
              setItems((all) =>
                (all ?? list).map((it) =>
                  it.id === item.id
                    ? { ...it, files: it.files.map((f) => (f.id === fileId ? { ...f, downloads: f.downloads + 1 } : f)) }
                    : it,
                ),
              )
            }
          />
        ))}
      </ul>
    </>
  );
}

function LibraryEntry({
  item,
  onDownloaded,
  onRequested,
}: {
  item: LibraryItem;
  onDownloaded: (fileId: string) => void;
  onRequested: (request: RefundRequest) => void;
}) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'en';
  const [preparing, setPreparing] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function download(fileId: string) {
    setError(null);
    setPreparing(fileId);
    try {
      const link = await buyer.downloadLink(item.id, fileId);
      // The signed link answers with Content-Disposition: attachment, so the page stays put.
      window.location.assign(link.url);
      onDownloaded(fileId);
    } catch (e) {
      setError(describeError(t, e));
    } finally {
      setPreparing(null);
    }
  }

  const dateText = new Intl.DateTimeFormat(language, { dateStyle: 'medium' }).format(new Date(item.created_at));
  return (
    <li className={`card library-item ${item.revoked ? 'library-item--revoked' : ''}`} data-testid="library-item" aria-disabled={item.revoked || undefined}>
      <header className="library-item__head">
        <div>
          <h2 className="library-item__title">{item.product.title}</h2>
          <p className="muted library-item__meta">
            <span>{t('library.fromStore', { store: item.store.name })}</span>
            <span aria-hidden="true"> · </span>
            <Link to={`/orders/${encodeURIComponent(item.order_id)}`} className="mono" data-testid="library-order">
              {t('library.order', { id: item.order_id })}
            </Link>
            <span aria-hidden="true"> · </span>
            <span>{dateText}</span>
            <span aria-hidden="true"> · </span>
            <Link to={`/library/messages?${new URLSearchParams({ store: item.store.slug, name: item.store.name })}`} data-testid="contact-seller">
              {t('messages.buyer.contact')}
            </Link>
          </p>
        </div>
        {item.revoked ? (
          <span className="badge badge--revoked">
            {item.revoked_reason === 'refunded' ? t('library.refundedBadge') : t('library.revokedBadge')}
          </span>
        ) : null}
      </header>

      {item.revoked ? (
        <p className="notice notice--muted" data-testid="revoked-note">
          {item.revoked_reason === 'refunded'
            ? t('library.revokedRefunded')
            : item.revoked_reason === 'dispute'
              ? t('library.revokedDispute')
              : t('library.revoked')}
        </p>
      ) : null}

      <div className="library-item__grid">
        <section>
          <h3 className="library-item__section">{t('library.files')}</h3>
          {item.files.length === 0 ? (
            <p className="muted">{t('library.noFiles')}</p>
          ) : (
            <ul className="file-list">
              {item.files.map((file) => (
                <li key={file.id} className="file-list__item">
                  <span className="file-list__name">{file.filename}</span>
                  <span className="muted nowrap">{formatBytes(file.size_bytes, language)}</span>
                  <span className="muted nowrap file-list__count" data-testid="download-count">
                    {t('library.downloads', { count: file.downloads })}
                  </span>
                  <button
                    type="button"
                    className="button button--primary button--small"
                    disabled={item.revoked || preparing !== null}
                    onClick={() => download(file.id)}
                    aria-label={t('library.downloadFile', { name: file.filename })}
                  >
                    {preparing === file.id ? t('library.preparing') : t('library.download')}
                  </button>
                </li>
              ))}
            </ul>
          )}
          {error ? (
            <p className="field__error" role="alert">
              {error}
            </p>
          ) : null}
        </section>

        {item.license_key ? (
          <section>
            <h3 className="library-item__section">{t('library.licenseKey')}</h3>
            <div className="license-key">
              <code className="license-key__value" data-testid="library-license-key">
                {item.license_key}
              </code>
              {!item.revoked ? <CopyButton text={item.license_key} /> : null}
            </div>
          </section>
        ) : null}

        {item.links.length > 0 && !item.revoked ? (
          <section>
            <h3 className="library-item__section">{t('library.links')}</h3>
            <ul className="plain-list">
              {item.links.map((link, i) => (
                <li key={`${link.url}-${i}`}>
                  <a href={link.url} target="_blank" rel="noopener noreferrer">
                    {link.label} ↗
                  </a>
                </li>
              ))}
            </ul>
          </section>
        ) : null}

        {item.support_materials.length > 0 && !item.revoked ? (
          <section>
            <h3 className="library-item__section">{t('library.support')}</h3>
            <ul className="plain-list support-list">
              {item.support_materials.map((m) => (
                <li key={m.id}>
                  <details>
                    <summary>
                      <span className="badge badge--kind">{t(`productEditor.supportKinds.${m.kind}`)}</span> {m.title}
                    </summary>
                    {m.body ? <p className="support-list__body">{m.body}</p> : null}
                    {m.url ? (
                      <a href={m.url} target="_blank" rel="noopener noreferrer">
                        {t('library.openLink')} ↗
                      </a>
                    ) : null}
                  </details>
                </li>
              ))}
            </ul>
          </section>
        ) : null}
      </div>

      <RefundStatus item={item} onRequested={onRequested} />

      {item.store.support_email ? <p className="muted library-item__help">{t('library.help', { email: item.store.support_email })}</p> : null}
    </li>
  );
}

/**
 * The order's refunds and the buyer's refund request (R-REF-9): where they stand, and
 * "Request a refund" (with a reason) while the request window is open.
 */
export function RefundStatus({ item, onRequested, now = Date.now() }: { item: LibraryItem; onRequested: (request: RefundRequest) => void; now?: number }) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'en';
  const date = new Intl.DateTimeFormat(language, { dateStyle: 'medium' });
  const dateTime = new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'short' });
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const refunds = item.refunds ?? [];
  const request = item.refund_request ?? null;
  const until = item.refund_request_until ? new Date(item.refund_request_until) : null;
  const canRequest = !request && refunds.length === 0 && !item.revoked && until !== null && until.getTime() >= now;

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!reason.trim()) {
      setProblem(t('library.refund.reasonRequired'));
      return;
    }
    setBusy(true);
    setProblem(null);
    try {
      onRequested(await buyer.requestRefund(item.order_id, reason.trim()));
      setOpen(false);
    } catch (error) {
      setProblem(describeError(t, error));
    } finally {
      setBusy(false);
    }
  }

  if (refunds.length === 0 && !request && !canRequest) return null;
  return (
    <section className="library-refund" data-testid="library-refund">
      {refunds.map((r) => (
        <p key={r.id} className={r.status === 'succeeded' ? 'notice notice--info' : 'notice notice--muted'} data-testid="library-refund-status">
          {r.status === 'succeeded'
            ? t('library.refund.succeeded', { amount: formatMoney(r.amount_minor, r.currency ?? 'USD', language), date: r.succeeded_at ? date.format(new Date(r.succeeded_at)) : '' })
            : t('library.refund.processing', { amount: formatMoney(r.amount_minor, r.currency ?? 'USD', language), date: r.settles_at ? date.format(new Date(r.settles_at)) : '' })}
        </p>
      ))}
      {request && request.status === 'open' ? (
        <p className="notice notice--muted" data-testid="library-request-status">
          {t('library.refund.requested', { date: date.format(new Date(request.created_at)), replyBy: dateTime.format(new Date(request.reply_by)) })}
        </p>
      ) : null}
      {request && request.status === 'declined' ? (
        <div className="notice notice--muted" data-testid="library-request-status">
          <p>{t('library.refund.declined', { date: request.decided_at ? date.format(new Date(request.decided_at)) : '' })}</p>
          {request.decline_message ? <p>“{request.decline_message}”</p> : null}
        </div>
      ) : null}
      {canRequest && !open ? (
        <p>
          <button type="button" className="button button--secondary button--small" onClick={() => setOpen(true)}>
            {t('library.refund.request')}
          </button>{' '}
          <span className="muted">{t('library.refund.until', { date: date.format(until ?? new Date(now)) })}</span>
        </p>
      ) : null}
      {canRequest && open ? (
        <form onSubmit={submit} noValidate aria-label={t('library.refund.request')}>
          <label htmlFor={`refund-reason-${item.id}`}>{t('library.refund.reasonLabel')}</label>
          <textarea id={`refund-reason-${item.id}`} rows={3} maxLength={1000} value={reason} onChange={(e) => setReason(e.target.value)} />
          <p className="muted">{t('library.refund.hint')}</p>
          {problem ? (
            <p role="alert" className="field__error">
              {problem}
            </p>
          ) : null}
          <p>
            <button type="button" className="button button--secondary button--small" onClick={() => setOpen(false)} disabled={busy}>
              {t('library.refund.cancel')}
            </button>{' '}
            <button type="submit" className="button button--primary button--small" disabled={busy}>
              {t('library.refund.send')}
            </button>
          </p>
        </form>
      ) : null}
    </section>
  );
}
