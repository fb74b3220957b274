// Attachments on messages (Issue 6): the paperclip control, the chips of files being attached
// (name, size, a thumbnail for images, remove), and the files of a sent message (images as
// thumbnails that open full size, other files as download links). Files are uploaded as soon as
// they are picked, so sending is quick; a file that is too large is refused before uploading,
// in plain words.
import { useCallback, useRef, useState, type ChangeEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { ApiError, ATTACHMENT_MAX_BYTES, ATTACHMENTS_PER_MESSAGE_MAX, type Attachment } from '../../api';
import { describeError } from '../../errors';
import { CloseIcon, FileIcon, PaperclipIcon } from '../../components/Icons';

/** "820 bytes", "12 kB", "1.2 MB" in the reader's language. */
export function formatBytes(bytes: number, locale: string): string {
  if (bytes < 1024) return new Intl.NumberFormat(locale, { style: 'unit', unit: 'byte', unitDisplay: 'long' }).format(bytes);
  const [value, unit] = bytes < 1024 * 1024 ? [bytes / 1024, 'kilobyte'] : [bytes / (1024 * 1024), 'megabyte'];
  return new Intl.NumberFormat(locale, { style: 'unit', unit, maximumFractionDigits: value < 10 ? 1 : 0 }).format(value);
}

/** `{attachment_ids}` for a request when there are files; nothing otherwise. */
export function withFiles(ids: string[]): { attachment_ids?: string[] } {
  return ids.length > 0 ? { attachment_ids: ids } : {};
}

/** A file being attached: uploading, or uploaded (then `attachment` is set). */
export interface PendingFile {
  key: string;
  name: string;
  size: number;
  attachment?: Attachment;
}

let nextKey = 0;
const keyOf = () => `file-${++nextKey}`;

/** Why a file was not attached, in plain words. */
export function describeUploadError(t: TFunction, locale: string, file: { name: string; size: number }, error: unknown): string {
  if (error instanceof ApiError && error.code === 'body_too_large')
    return t('messages.attachments.tooLarge', { name: file.name, size: formatBytes(file.size, locale), max: formatBytes(ATTACHMENT_MAX_BYTES, locale) });
  if (error instanceof ApiError && error.code === 'file_empty') return t('messages.attachments.empty', { name: file.name });
  return t('messages.attachments.failed', { name: file.name, reason: describeError(t, error) });
}

/**
 * The files of one message (or saved reply) being written. `upload` sends a file to the server
 * and answers with the attachment; `notes` are the refusals to show under the box.
 */
export function useAttachments(upload: ((file: File) => Promise<Attachment>) | undefined, initial: Attachment[] = []) {
  const { t, i18n } = useTranslation();
  const locale = i18n.resolvedLanguage ?? 'en';
  const [files, setFiles] = useState<PendingFile[]>(() => initial.map((a) => ({ key: keyOf(), name: a.filename, size: a.size_bytes, attachment: a })));
  const [notes, setNotes] = useState<string[]>([]);
  const count = useRef(files.length);
  count.current = files.length;

  const add = useCallback(
    (picked: File[]) => {
      if (!upload || picked.length === 0) return;
      const refused: string[] = [];
      let room = ATTACHMENTS_PER_MESSAGE_MAX - count.current;
      const accepted: PendingFile[] = [];
      for (const file of picked) {
        if (file.size > ATTACHMENT_MAX_BYTES) {
          refused.push(t('messages.attachments.tooLarge', { name: file.name, size: formatBytes(file.size, locale), max: formatBytes(ATTACHMENT_MAX_BYTES, locale) }));
          continue;
        }
        if (file.size === 0) {
          refused.push(t('messages.attachments.empty', { name: file.name }));
          continue;
        }
        if (room <= 0) {
          refused.push(t('messages.attachments.tooMany', { name: file.name, max: ATTACHMENTS_PER_MESSAGE_MAX }));
          continue;
        }
        room -= 1;
        const item = { key: keyOf(), name: file.name, size: file.size };
        accepted.push(item);
        upload(file).then(
          (attachment) => setFiles((list) => list.map((f) => (f.key === item.key ? { ...f, attachment } : f))),
          (error: unknown) => {
            setFiles((list) => list.filter((f) => f.key !== item.key));
            setNotes((n) => [...n, describeUploadError(t, locale, file, error)]);
          },
        );
      }
      count.current += accepted.length;
      setFiles((list) => [...list, ...accepted]);
      setNotes(refused);
    },
    [upload, t, locale],
  );

  /** Adds files already on the server (a saved reply's), each once. */
  const addExisting = useCallback((attachments: Attachment[]) => {
    setFiles((list) => {
      const out = [...list];
      for (const a of attachments) {
        if (out.some((f) => f.attachment?.id === a.id)) continue;
        if (out.length >= ATTACHMENTS_PER_MESSAGE_MAX) break;
        out.push({ key: keyOf(), name: a.filename, size: a.size_bytes, attachment: a });
      }
      return out;
    });
  }, []);

  const remove = useCallback((key: string) => {
    setFiles((list) => list.filter((f) => f.key !== key));
    setNotes([]);
  }, []);
  const clear = useCallback(() => {
    setFiles([]);
    setNotes([]);
  }, []);

  return {
    files,
    notes,
    add,
    addExisting,
    remove,
    clear,
    uploading: files.some((f) => !f.attachment),
    ids: files.flatMap((f) => (f.attachment ? [f.attachment.id] : [])),
  };
}

/** The paperclip: picks files (several at once). */
export function AttachButton({ onFiles, disabled, testId = 'attach-input' }: { onFiles: (files: File[]) => void; disabled?: boolean; testId?: string }) {
  const { t } = useTranslation();
  const input = useRef<HTMLInputElement>(null);
  function picked(event: ChangeEvent<HTMLInputElement>) {
    onFiles(Array.from(event.currentTarget.files ?? []));
    event.currentTarget.value = '';
  }
  return (
    <>
      <button type="button" className="button button--secondary button--small attach-button" onClick={() => input.current?.click()} disabled={disabled}>
        <PaperclipIcon size={16} />
        {t('messages.attachments.attach')}
      </button>
      <input ref={input} type="file" multiple hidden tabIndex={-1} aria-hidden="true" onChange={picked} data-testid={testId} />
    </>
  );
}

/** The files being attached, each with its size (or "Uploading…") and a remove button. */
export function AttachmentChips({ files, onRemove }: { files: PendingFile[]; onRemove: (key: string) => void }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.resolvedLanguage ?? 'en';
  if (files.length === 0) return null;
  return (
    <ul className="attachment-chips" aria-label={t('messages.attachments.listLabel')} data-testid="attachment-chips">
      {files.map((f) => (
        <li key={f.key} className={f.attachment ? 'attachment-chip' : 'attachment-chip attachment-chip--uploading'} data-testid="attachment-chip">
          {f.attachment?.is_image ? (
            <img className="attachment-chip__thumb" src={f.attachment.url} alt="" />
          ) : (
            <span className="attachment-chip__icon">
              <FileIcon size={16} />
            </span>
          )}
          <span className="attachment-chip__name" title={f.name}>
            {f.name}
          </span>
          <span className="attachment-chip__size muted">{f.attachment ? formatBytes(f.size, locale) : t('messages.attachments.uploading')}</span>
          <button type="button" className="attachment-chip__remove" aria-label={t('messages.attachments.remove', { name: f.name })} onClick={() => onRemove(f.key)}>
            <CloseIcon size={14} />
          </button>
        </li>
      ))}
    </ul>
  );
}

/** The files of a sent message: image thumbnails (open full size) and download links. */
export function MessageAttachments({ attachments }: { attachments: Attachment[] }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.resolvedLanguage ?? 'en';
  if (attachments.length === 0) return null;
  const images = attachments.filter((a) => a.is_image);
  const others = attachments.filter((a) => !a.is_image);
  return (
    <div className="message-files" data-testid="message-attachments">
      {images.length > 0 ? (
        <ul className="message-files__images">
          {images.map((a) => (
            <li key={a.id}>
              <a href={a.url} target="_blank" rel="noopener noreferrer" aria-label={t('messages.attachments.open', { name: a.filename })}>
                <img src={a.url} alt={a.filename} loading="lazy" className="message-files__thumb" data-testid="attachment-image" />
              </a>
            </li>
          ))}
        </ul>
      ) : null}
      {others.length > 0 ? (
        <ul className="message-files__list">
          {others.map((a) => (
            <li key={a.id}>
              <a className="message-files__file" href={a.url} download={a.filename} data-testid="attachment-file">
                <FileIcon size={16} />
                <span className="message-files__name">{a.filename}</span>
                <span className="muted">{formatBytes(a.size_bytes, locale)}</span>
              </a>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
