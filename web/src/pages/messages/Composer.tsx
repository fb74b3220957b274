// The message box used everywhere a message is written: a text area, "Insert saved reply"
// (sellers; the reply's text goes into the box to be read and changed before sending, and its
// files join the message), the paperclip (files are uploaded as they are picked, dropped or
// pasted, and shown as chips), and the server's refusals in plain words right under the box.
// Placeholders such as {customer_first_name} are filled in by the server when the message is sent.
import { useId, useState, type ClipboardEvent, type DragEvent, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { ApiError, ATTACHMENT_MAX_BYTES, messaging, type Attachment, type SavedReply } from '../../api';
import { describeError } from '../../errors';
import { AttachButton, AttachmentChips, formatBytes, useAttachments } from './Attachments';

export const PLACEHOLDERS = ['customer_first_name', 'customer_name', 'product_title', 'order_id', 'store_name', 'support_email', 'library_url'];

/** A failed send in plain words; placeholder problems name the placeholder and what to do. */
export function describeSendError(t: TFunction, error: unknown): string {
  if (error instanceof ApiError && (error.code === 'placeholder_unknown' || error.code === 'placeholder_unfillable')) {
    const name = /\{([^}|]+)/.exec(error.message)?.[1] ?? '';
    return t(`messages.composer.${error.code === 'placeholder_unknown' ? 'unknownPlaceholder' : 'unfillablePlaceholder'}`, { name: `{${name}}`, fallback: `{${name}|…}` });
  }
  if (error instanceof ApiError && error.code === 'required') return t('messages.composer.empty');
  if (error instanceof ApiError && error.code === 'attachment_not_found') return t('messages.attachments.gone');
  return describeError(t, error);
}

export function Composer({
  label,
  sendLabel,
  onSend,
  savedReplies = false,
  initialBody = '',
  onCancel,
  upload,
  testId = 'composer',
}: {
  label: string;
  sendLabel: string;
  /** Sends the body and the attached files' ids; throwing keeps both and shows the error. */
  onSend: (body: string, attachmentIds: string[]) => Promise<void>;
  /** Offer "Insert saved reply" and the placeholder hint (seller side). */
  savedReplies?: boolean;
  initialBody?: string;
  onCancel?: () => void;
  /** Uploads a file for this message; without it the box takes no files. */
  upload?: (file: File) => Promise<Attachment>;
  testId?: string;
}) {
  const { t, i18n } = useTranslation();
  const locale = i18n.resolvedLanguage ?? 'en';
  const id = useId();
  const files = useAttachments(upload);
  const [dragging, setDragging] = useState(false);
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
    if (upload && reply.attachments?.length) files.addExisting(reply.attachments);
    setPicking(false);
    setProblem(null);
    document.getElementById(`${id}-body`)?.focus();
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (files.uploading) {
      setProblem(t('messages.attachments.wait'));
      return;
    }
    if (!body.trim() && files.ids.length === 0) {
      setProblem(t(upload ? 'messages.composer.emptyWithFiles' : 'messages.composer.empty'));
      return;
    }
    setBusy(true);
    setProblem(null);
    try {
      await onSend(body, files.ids);
      setBody('');
      files.clear();
    } catch (error) {
      setProblem(describeSendError(t, error));
    } finally {
      setBusy(false);
    }
  }

  // Files dropped on the box or pasted into the text (a screenshot) are attached too.
  function onDrop(event: DragEvent<HTMLFormElement>) {
    if (!upload || event.dataTransfer.files.length === 0) return;
    event.preventDefault();
    setDragging(false);
    setProblem(null);
    files.add(Array.from(event.dataTransfer.files));
  }
  function onDragOver(event: DragEvent<HTMLFormElement>) {
    if (!upload || !Array.from(event.dataTransfer.types).includes('Files')) return;
    event.preventDefault();
    setDragging(true);
  }
  function onPaste(event: ClipboardEvent<HTMLTextAreaElement>) {
    const pasted = Array.from(event.clipboardData.files);
    if (!upload || pasted.length === 0) return;
    event.preventDefault();
    setProblem(null);
    files.add(pasted);
  }
  const notes = [...files.notes, ...(problem ? [problem] : [])];

  return (
    <form
      className={dragging ? 'composer composer--dropping' : 'composer'}
      onSubmit={submit}
      noValidate
      data-testid={testId}
      onDrop={onDrop}
      onDragOver={onDragOver}
      onDragLeave={() => setDragging(false)}
    >
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
        onPaste={onPaste}
        // A box that starts with text (e.g. "About “Brush Pack”: ") is ready to continue typing.
        autoFocus={Boolean(initialBody)}
        onFocus={(e) => {
          if (initialBody && e.currentTarget.value === initialBody) e.currentTarget.setSelectionRange(initialBody.length, initialBody.length);
        }}
        aria-invalid={problem ? true : undefined}
        aria-describedby={`${id}-hint ${id}-problem`}
      />
      {upload ? <AttachmentChips files={files.files} onRemove={files.remove} /> : null}
      {savedReplies ? (
        <p id={`${id}-hint`} className="field__hint">
          {t('messages.composer.placeholderHint')}
        </p>
      ) : (
        <span id={`${id}-hint`} hidden />
      )}
      <p id={`${id}-problem`} role="alert" className="field__error composer__problem" data-testid="composer-error" hidden={notes.length === 0}>
        {notes.map((note, i) => (
          <span key={i}>{note}</span>
        ))}
      </p>
      <div className="composer__actions">
        {upload ? (
          <span className="composer__attach">
            <AttachButton onFiles={(picked) => { setProblem(null); files.add(picked); }} disabled={busy} />
            <span className="field__hint">{t('messages.attachments.hint', { max: formatBytes(ATTACHMENT_MAX_BYTES, locale) })}</span>
          </span>
        ) : null}
        <span className="composer__buttons">
          {onCancel ? (
            <button type="button" className="button button--secondary" onClick={onCancel} disabled={busy}>
              {t('messages.composer.cancel')}
            </button>
          ) : null}
          <button type="submit" className="button button--primary" disabled={busy}>
            {busy ? t('messages.composer.sending') : sendLabel}
          </button>
        </span>
      </div>
    </form>
  );
}
