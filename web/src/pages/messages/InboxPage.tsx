// The seller's inbox (R-MSG-1, R-MSG-4): how quickly the store answers, then every conversation
// (unread first, as the server orders them), searchable by customer, email or message text.
import { useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { messaging, type InboxPage as Inbox, type ResponseMetrics, type ThreadRow } from '../../api';
import { describeError } from '../../errors';
import { EmptyState, PageHeader } from '../../components/Page';
import { ErrorCard, LoadingCard } from '../../components/Feedback';
import { MessagesIcon } from '../../components/Icons';
import { useLoad } from '../store/useLoad';
import { MessagesTabs } from './MessagesTabs';
import { formatDuration, formatShare, formatWhen } from './format';
import { Snippet } from './Snippet';

export function InboxPage() {
  const { t, i18n } = useTranslation();
  const locale = i18n.resolvedLanguage ?? 'en';
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const [text, setText] = useState(q);
  const [more, setMore] = useState<{ rows: ThreadRow[]; cursor: string | null } | null>(null);

  // The search is sent 250 ms after the last key and kept in the URL.
  useEffect(() => {
    if (text === q) return;
    const timer = setTimeout(() => setParams(text ? { q: text } : {}, { replace: true }), 250);
    return () => clearTimeout(timer);
  }, [text, q, setParams]);

  const [load, retry] = useLoad((signal) => messaging.inbox({ q }, signal), [q]);
  useEffect(() => setMore(null), [load]);

  const header = <PageHeader title={t('messages.title')} description={t('messages.description')} />;
  let list;
  if (load.status === 'loading') list = <LoadingCard />;
  else if (load.status !== 'ready')
    list = <ErrorCard title={t('messages.inbox.loadError')} message={load.status === 'error' ? describeError(t, load.error) : null} onRetry={retry} />;
  else {
    const page: Inbox = load.data;
    const rows = [...page.data, ...(more?.rows ?? [])];
    const cursor = more ? more.cursor : page.has_more ? page.next_cursor : null;
    async function loadMore() {
      if (!cursor) return;
      const next = await messaging.inbox({ q, cursor });
      setMore({ rows: [...(more?.rows ?? []), ...next.data], cursor: next.has_more ? next.next_cursor : null });
    }
    list = (
      <>
        {page.metrics ? <Metrics metrics={page.metrics} locale={locale} /> : null}
        {rows.length === 0 ? (
          q ? (
            <p className="card card--padded muted">{t('messages.inbox.noMatch', { q })}</p>
          ) : (
            <EmptyState icon={<MessagesIcon size={28} />} title={t('messages.emptyTitle')} body={t('messages.emptyBody')} />
          )
        ) : (
          <ul className="card inbox" aria-label={t('messages.inbox.label')} data-testid="inbox">
            {rows.map((row) => (
              <li key={row.id} className={row.unread ? 'inbox__row inbox__row--unread' : 'inbox__row'} data-testid="thread-row">
                <Link to={`/app/messages/threads/${encodeURIComponent(row.id)}`} className="inbox__link">
                  <span className="inbox__who">
                    <strong>{row.customer.name || row.customer.email}</strong>
                    <span className="muted"> {row.customer.email}</span>
                  </span>
                  <span className="inbox__when muted">{formatWhen(row.last_message_at, locale)}</span>
                  <span className="inbox__snippet">
                    {row.last_message ? (
                      <>
                        {row.last_message.author === 'seller' || row.last_message.author === 'auto' ? <span className="muted">{t('messages.inbox.you')} </span> : null}
                        <Snippet message={row.last_message} />
                      </>
                    ) : null}
                  </span>
                  {row.unread ? (
                    <span className="badge badge--requested inbox__unread" data-testid="unread-badge">
                      {t('messages.inbox.unread', { count: row.unread_count || 1 })}
                    </span>
                  ) : null}
                </Link>
              </li>
            ))}
          </ul>
        )}
        {cursor ? (
          <div className="panel-more">
            <button type="button" className="button button--secondary" onClick={loadMore}>
              {t('messages.inbox.loadMore')}
            </button>
          </div>
        ) : null}
      </>
    );
  }

  return (
    <>
      {header}
      <MessagesTabs />
      <div className="sales-search inbox__search">
        <label htmlFor="inbox-search" className="visually-hidden">
          {t('messages.inbox.searchLabel')}
        </label>
        <input
          id="inbox-search"
          type="search"
          className="sales-search__input"
          placeholder={t('messages.inbox.searchPlaceholder')}
          autoComplete="off"
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
      </div>
      {list}
    </>
  );
}

function Metrics({ metrics, locale }: { metrics: ResponseMetrics; locale: string }) {
  const { t } = useTranslation();
  const share = metrics.answered_within_24h_share;
  const belowTarget = share !== null && share < metrics.target_share;
  return (
    <section className="stat-grid inbox__metrics" aria-label={t('messages.metrics.label', { days: metrics.window_days })} data-testid="response-metrics">
      <div className="card stat-card">
        <span className="stat-card__label">{t('messages.metrics.median')}</span>
        <span className={metrics.median_first_response_seconds === null ? 'stat-card__value stat-card__value--none' : 'stat-card__value'} data-testid="metric-median">
          {metrics.median_first_response_seconds === null ? t('messages.metrics.none') : formatDuration(t, metrics.median_first_response_seconds)}
        </span>
        <span className="stat-card__hint">{t('messages.metrics.window', { days: metrics.window_days, count: metrics.new_threads })}</span>
      </div>
      <div className="card stat-card">
        <span className="stat-card__label">{t('messages.metrics.within24h')}</span>
        <span className={share === null ? 'stat-card__value stat-card__value--none' : belowTarget ? 'stat-card__value amount--negative' : 'stat-card__value'} data-testid="metric-share">
          {share === null ? t('messages.metrics.none') : formatShare(share, locale)}
        </span>
        <span className="stat-card__hint">{t('messages.metrics.target', { share: formatShare(metrics.target_share, locale) })}</span>
      </div>
    </section>
  );
}
