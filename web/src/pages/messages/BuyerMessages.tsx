// The buyer's messages (R-MSG-1): their conversations with stores, one per store, and a way to
// write to a store ("Contact the seller" in the library opens /library/messages?store=<slug>).
import { Link, Navigate, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { buyerMessages } from '../../api';
import { describeError } from '../../errors';
import { EmptyState, PageHeader } from '../../components/Page';
import { ErrorCard, LoadingCard } from '../../components/Feedback';
import { MessagesIcon } from '../../components/Icons';
import { useLoad } from '../store/useLoad';
import { Composer } from './Composer';
import { MessageList } from './MessageList';
import { formatWhen } from './format';
import { Snippet } from './Snippet';

export function BuyerMessagesPage() {
  const { t, i18n } = useTranslation();
  const locale = i18n.resolvedLanguage ?? 'en';
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const slug = params.get('store');
  const storeName = params.get('name') || slug || '';
  // From a product page: the first message starts by naming the product.
  const product = params.get('product');
  const [load, retry] = useLoad((signal) => buyerMessages.threads(signal), []);
  const header = <PageHeader title={t('messages.buyer.title')} description={t('messages.buyer.description')} />;
  if (load.status === 'loading') return <>{header}<LoadingCard /></>;
  if (load.status !== 'ready')
    return <>{header}<ErrorCard title={t('messages.buyer.loadError')} message={load.status === 'error' ? describeError(t, load.error) : null} onRetry={retry} /></>;
  const rows = load.data.data;

  if (slug) {
    // One conversation per store: an existing one opens, otherwise a first message starts it.
    const existing = rows.find((r) => r.store.slug === slug);
    if (existing) return <Navigate to={`/library/messages/${encodeURIComponent(existing.id)}`} replace />;
    return (
      <>
        {header}
        <section className="card card--padded" aria-labelledby="new-thread-title">
          <h2 id="new-thread-title">{t('messages.buyer.newTitle', { store: storeName })}</h2>
          <Composer
            label={t('messages.buyer.newLabel', { store: storeName })}
            sendLabel={t('messages.buyer.send')}
            initialBody={product ? t('messages.buyer.aboutProduct', { product }) : ''}
            onCancel={() => (product ? navigate(-1) : navigate('/library'))}
            upload={(file) => buyerMessages.uploadAttachment(slug, file)}
            onSend={async (body, attachmentIds) => {
              const sent = await buyerMessages.write(slug, body, attachmentIds);
              navigate(`/library/messages/${encodeURIComponent(sent.thread_id)}`, { replace: true });
            }}
          />
        </section>
      </>
    );
  }

  return (
    <>
      {header}
      {rows.length === 0 ? (
        <EmptyState icon={<MessagesIcon size={28} />} title={t('messages.emptyTitle')} body={t('messages.buyer.empty')} />
      ) : (
        <ul className="card inbox" aria-label={t('messages.inbox.label')} data-testid="buyer-threads">
          {rows.map((row) => (
            <li key={row.id} className={row.unread ? 'inbox__row inbox__row--unread' : 'inbox__row'} data-testid="thread-row">
              <Link to={`/library/messages/${encodeURIComponent(row.id)}`} className="inbox__link">
                <span className="inbox__who">
                  <strong>{row.store.name}</strong>
                </span>
                <span className="inbox__when muted">{formatWhen(row.last_message_at, locale)}</span>
                <span className="inbox__snippet">
                  {row.last_message?.author === 'buyer' ? <span className="muted">{t('messages.inbox.you')} </span> : null}
                  <Snippet message={row.last_message} />
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
    </>
  );
}

export function BuyerThreadPage() {
  const { threadId = '' } = useParams();
  const { t } = useTranslation();
  const [load, reload] = useLoad((signal) => buyerMessages.thread(threadId, signal), [threadId]);
  const back = (
    <Link className="back-link" to="/library/messages">
      ← {t('messages.buyer.back')}
    </Link>
  );
  if (load.status === 'loading') return <>{back}<LoadingCard /></>;
  if (load.status === 'not_found') return <>{back}<p className="card card--padded">{t('messages.thread.notFound')}</p></>;
  if (load.status === 'error') return <>{back}<ErrorCard title={t('messages.thread.loadError')} message={describeError(t, load.error)} onRetry={reload} /></>;
  const thread = load.data;
  return (
    <>
      {back}
      <PageHeader title={thread.store.name} />
      <section className="card card--padded" aria-label={t('messages.thread.conversation')}>
        <MessageList messages={thread.messages} me="buyer" otherName={thread.store.name} />
        <Composer
          label={t('messages.buyer.replyLabel', { store: thread.store.name })}
          sendLabel={t('messages.buyer.sendReply')}
          testId="buyer-composer"
          upload={(file) => buyerMessages.uploadAttachment(thread.store.slug, file)}
          onSend={async (body, attachmentIds) => {
            await buyerMessages.reply(thread.id, body, attachmentIds);
            reload();
          }}
        />
      </section>
    </>
  );
}
