// One conversation for the seller: the messages, a reply box (with saved replies), and the
// customer's purchases beside it. Opening it marks the customer's messages read (the server does).
import { Link, useParams } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { messaging } from '../../api';
import { describeError } from '../../errors';
import { formatMoney } from '../../money';
import { PageHeader } from '../../components/Page';
import { ErrorCard, LoadingCard } from '../../components/Feedback';
import { useLoad } from '../store/useLoad';
import { Composer } from './Composer';
import { MessageList } from './MessageList';
import { withFiles } from './Attachments';

export function ThreadPage() {
  const { threadId = '' } = useParams();
  const { t, i18n } = useTranslation();
  const locale = i18n.resolvedLanguage ?? 'en';
  const [load, reload] = useLoad((signal) => messaging.thread(threadId, signal), [threadId]);
  const back = (
    <Link className="back-link" to="/app/messages">
      ← {t('messages.thread.back')}
    </Link>
  );
  if (load.status === 'loading') return <>{back}<LoadingCard /></>;
  if (load.status === 'not_found') return <>{back}<p className="card card--padded">{t('messages.thread.notFound')}</p></>;
  if (load.status === 'error') return <>{back}<ErrorCard title={t('messages.thread.loadError')} message={describeError(t, load.error)} onRetry={reload} /></>;
  const thread = load.data;
  const name = thread.customer.name || thread.customer.email;
  const date = new Intl.DateTimeFormat(locale, { dateStyle: 'medium' });
  const purchases = thread.purchases ?? [];
  return (
    <>
      {back}
      <PageHeader title={name} description={thread.customer.email} />
      <div className="thread-layout">
        <section className="card card--padded thread-layout__main" aria-label={t('messages.thread.conversation')}>
          <MessageList messages={thread.messages} me="seller" otherName={name} />
          <Composer
            label={t('messages.thread.replyLabel', { name })}
            sendLabel={t('messages.thread.send')}
            savedReplies
            testId="reply-composer"
            upload={(file) => messaging.uploadAttachment(file)}
            onSend={async (body, attachmentIds) => {
              await messaging.reply(thread.id, { body, ...withFiles(attachmentIds) });
              reload();
            }}
          />
        </section>
        <aside className="card card--padded thread-layout__side" aria-labelledby="thread-purchases" data-testid="thread-purchases">
          <h2 id="thread-purchases">{t('messages.thread.purchases')}</h2>
          {purchases.length === 0 ? (
            <p className="muted">{t('messages.thread.noPurchases')}</p>
          ) : (
            <ul className="plain-list thread-purchases">
              {purchases.map((p) => (
                <li key={p.order_id}>
                  <Link to={`/app/sales/orders/${encodeURIComponent(p.order_id)}`} className="table__title">
                    {p.description || p.order_id}
                  </Link>
                  <span className="table__sub">
                    {date.format(new Date(p.created_at))} · {formatMoney(p.total_minor, p.currency, locale)}
                    {p.refunded_minor > 0 ? ` · ${t('messages.thread.refunded', { amount: formatMoney(p.refunded_minor, p.currency, locale) })}` : ''}
                  </span>
                </li>
              ))}
            </ul>
          )}
        </aside>
      </div>
    </>
  );
}
