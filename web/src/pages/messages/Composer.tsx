// The message box used everywhere a message is written: a text area, "Insert saved reply"
// (sellers; the reply's text goes into the box to be read and changed before sending), and the
// server's refusals in plain words right under the box. Placeholders such as
// {customer_first_name} are filled in by the server when the message is sent.
import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { ApiError, messaging, type SavedReply } from '../../api';
import { describeError } from '../../errors';

export const PLACEHOLDERS = ['customer_first_name', 'customer_name', 'product_title', 'order_id', 'store_name', 'support_email', 'library_url'];

/** A failed send in plain words; placeholder problems name the placeholder and what to do. */
export function describeSendError(t: TFunction, error: unknown): string {
  if (error instanceof ApiError && (error.code === 'placeholder_unknown' || error.code === 'placeholder_unfillable')) {
    const name = /\{([^}|]+)/.exec(error.message)?.[1] ?? '';
    return t(`messages.composer.${error.code === 'placeholder_unknown' ? 'unknownPlaceholder' : 'unfillablePlaceholder'}`, { name: `{${name}}`, fallback: `{${name}|…}` });
  }
  if (error instanceof ApiError && error.code === 'required') return t('messages.composer.empty');
  return describeError(t, error);
}

export function Composer({
  label,
  sendLabel,
  onSend,
  savedReplies = false,
  initialBody = '',
  onCancel,
  testId = 'composer',
}: {
  label: string;
  sendLabel: string;
  /** Sends the body; throwing keeps the text and shows the error under the box. */
  onSend: (body: string) => Promise<void>;
  /** Offer "Insert saved reply" and the placeholder hint (seller side). */
  savedReplies?: boolean;
  initialBody?: string;
  onCancel?: () => void;
  testId?: string;
}) {
  const { t } = useTranslation();
  const id = useId();
  const [body, setBody] = useState(initialBody);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [replies, setReplies] = useState<SavedReply[] | null>(null);
  const [picking, setPicking] = useState(false);
  const [pickError, setPickError] = useState<string | null>(null);

  async function openPicker() {
    setPicking((p) => !p);
    if (replies) return;
    setPickError(null);
    try {
      setReplies(await messaging.savedReplies());
    } catch (error) {
      setPickError(describeError(t, error));
    }
  }

  function insert(reply: SavedReply) {
    setBody((current) => (current.trim() ? `${current.replace(/\s+$/, '')}\n\n${reply.body}` : reply.body));
    setPicking(false);
    setProblem(null);
    document.getElementById(`${id}-body`)?.focus();
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!body.trim()) {
      setProblem(t('messages.composer.empty'));
      return;
    }
    setBusy(true);
    setProblem(null);
    try {
      await onSend(body);
      setBody('');
    } catch (error) {
      setProblem(describeSendError(t, error));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="composer" onSubmit={submit} noValidate data-testid={testId}>
      <label htmlFor={`${id}-body`} className="field__label">
        {label}
      </label>
      {savedReplies ? (
        <div className="composer__tools">
          <button type="button" className="button button--secondary button--small" aria-expanded={picking} onClick={openPicker}>
            {t('messages.composer.insertSaved')}
          </button>
          {picking ? (
            <div className="composer__picker" role="group" aria-label={t('messages.composer.insertSaved')}>
              {pickError ? <p className="field__error">{pickError}</p> : null}
              {replies === null && !pickError ? <p className="muted">{t('app.loading')}</p> : null}
              {replies?.length === 0 ? <p className="muted">{t('messages.composer.noSaved')}</p> : null}
              {replies?.map((r) => (
                <button key={r.id} type="button" className="composer__saved" onClick={() => insert(r)}>
                  <strong>{r.title}</strong>
                  <span className="muted">{r.body.length > 90 ? `${r.body.slice(0, 90)}…` : r.body}</span>
                </button>
              ))}
            </div>
          ) : null}
        </div>
      ) : null}
      <textarea
        id={`${id}-body`}
        rows={5}
        maxLength={20000}
        value={body}
        onChange={(e) => setBody(e.target.value)}
        // A box that starts with text (e.g. "About “Brush Pack”: ") is ready to continue typing.
        autoFocus={Boolean(initialBody)}
        onFocus={(e) => {
          if (initialBody && e.currentTarget.value === initialBody) e.currentTarget.setSelectionRange(initialBody.length, initialBody.length);
        }}
        aria-invalid={problem ? true : undefined}
        aria-describedby={`${id}-hint ${id}-problem`}
      />
      {savedReplies ? (
        <p id={`${id}-hint`} className="field__hint">
          {t('messages.composer.placeholderHint')}
        </p>
      ) : (
        <span id={`${id}-hint`} hidden />
      )}
      <p id={`${id}-problem`} role="alert" className="field__error" data-testid="composer-error" hidden={!problem}>
        {problem}
      </p>
      <div className="composer__actions">
        {onCancel ? (
          <button type="button" className="button button--secondary" onClick={onCancel} disabled={busy}>
            {t('messages.composer.cancel')}
          </button>
        ) : null}
        <button type="submit" className="button button--primary" disabled={busy}>
          {busy ? t('messages.composer.sending') : sendLabel}
        </button>
      </div>
    </form>
  );
}
