import { useTranslation } from 'react-i18next';
import type { ThreadMessage } from '../../api';
import { MessageAttachments } from './Attachments';

/**
 * A message's text with its web addresses as links (http and https only; trailing punctuation
 * stays text). Links open in a new tab without telling the other site where they came from.
 */
export function Linkified({ text }: { text: string }) {
  const parts: (string | { url: string })[] = [];
  let last = 0;
  for (const m of text.matchAll(/\bhttps?:\/\/[^\s<>"']+/gi)) {
    const url = m[0].replace(/[.,;:!?)\]}]+$/, '');
    const at = m.index ?? 0;
    if (at > last) parts.push(text.slice(last, at));
    parts.push({ url });
    last = at + url.length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return (
    <>
      {parts.map((p, i) =>
        typeof p === 'string' ? (
          p
        ) : (
          <a key={i} href={p.url} target="_blank" rel="noopener noreferrer nofollow">
            {p.url}
          </a>
        ),
      )}
    </>
  );
}

/** A conversation, oldest first; `me` is the side reading it (their messages sit on the right). */
export function MessageList({ messages, me, otherName }: { messages: ThreadMessage[]; me: 'seller' | 'buyer'; otherName: string }) {
  const { t, i18n } = useTranslation();
  const dateTime = new Intl.DateTimeFormat(i18n.resolvedLanguage ?? 'en', { dateStyle: 'medium', timeStyle: 'short' });
  if (messages.length === 0) return <p className="muted">{t('messages.thread.noMessages')}</p>;
  return (
    <ol className="conversation" data-testid="conversation">
      {messages.map((m) => {
        const mine = m.author === me || (me === 'seller' && m.author === 'auto');
        const who =
          m.author === 'auto'
            ? t('messages.thread.away')
            : mine
              ? t('messages.thread.you')
              : otherName;
        return (
          <li key={m.id} className={mine ? 'bubble bubble--mine' : 'bubble'} data-testid="message" data-author={m.author}>
            <span className="bubble__meta muted">
              {who} · {dateTime.format(new Date(m.created_at))}
              {m.broadcast_id ? ` · ${t('messages.thread.broadcast')}` : ''}
            </span>
            {m.body ? (
              <p className="bubble__body">
                <Linkified text={m.body} />
              </p>
            ) : null}
            <MessageAttachments attachments={m.attachments ?? []} />
          </li>
        );
      })}
    </ol>
  );
}
