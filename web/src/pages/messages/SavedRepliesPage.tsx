// Saved replies (R-MSG-3): answers the seller writes often, to insert into a message in one click,
// with the files that go with them (a manual, a how-to screenshot).
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ATTACHMENT_MAX_BYTES, messaging, type SavedReply, type SavedReplyInput } from '../../api';
import { describeError } from '../../errors';
import { PageHeader } from '../../components/Page';
import { ErrorCard, LoadingCard, ToastRegion, useToast } from '../../components/Feedback';
import { useLoad } from '../store/useLoad';
import { MessagesTabs } from './MessagesTabs';
import { describeSendError } from './Composer';
import { AttachButton, AttachmentChips, formatBytes, MessageAttachments, useAttachments } from './Attachments';

export function SavedRepliesPage() {
  const { t } = useTranslation();
  const toast = useToast();
  const [load, retry] = useLoad((signal) => messaging.savedReplies(signal), []);
  const [list, setList] = useState<SavedReply[] | null>(null);
  const [editing, setEditing] = useState<string | 'new' | null>(null);
  const header = (
    <>
      <PageHeader title={t('messages.title')} description={t('messages.saved.description')} />
      <MessagesTabs />
    </>
  );
  if (load.status === 'loading') return <>{header}<LoadingCard /></>;
  if (load.status !== 'ready')
    return <>{header}<ErrorCard title={t('messages.saved.loadError')} message={load.status === 'error' ? describeError(t, load.error) : null} onRetry={retry} /></>;
  const rows = list ?? load.data;

  async function remove(reply: SavedReply) {
    if (!window.confirm(t('messages.saved.confirmDelete', { title: reply.title }))) return;
    try {
      await messaging.deleteSavedReply(reply.id);
      setList(rows.filter((r) => r.id !== reply.id));
      toast.show(t('messages.saved.deleted', { title: reply.title }));
    } catch (error) {
      toast.show(describeError(t, error));
    }
  }

  return (
    <>
      {header}
      {editing === 'new' ? (
        <SavedReplyForm
          onCancel={() => setEditing(null)}
          onSave={async (input) => {
            const created = await messaging.createSavedReply(input);
            setList([created, ...rows]);
            setEditing(null);
            toast.show(t('messages.saved.created', { title: created.title }));
          }}
        />
      ) : (
        <div className="panel-actionbar">
          <button type="button" className="button button--primary" onClick={() => setEditing('new')}>
            {t('messages.saved.new')}
          </button>
        </div>
      )}
      {rows.length === 0 ? (
        <p className="card card--padded muted">{t('messages.saved.empty')}</p>
      ) : (
        <ul className="card saved-list" data-testid="saved-replies">
          {rows.map((reply) =>
            editing === reply.id ? (
              <li key={reply.id} className="saved-list__row">
                <SavedReplyForm
                  initial={reply}
                  onCancel={() => setEditing(null)}
                  onSave={async (input) => {
                    const updated = await messaging.updateSavedReply(reply.id, input);
                    setList(rows.map((r) => (r.id === reply.id ? updated : r)));
                    setEditing(null);
                    toast.show(t('messages.saved.updated', { title: updated.title }));
                  }}
                />
              </li>
            ) : (
              <li key={reply.id} className="saved-list__row" data-testid="saved-reply">
                <div>
                  <strong>{reply.title}</strong>
                  <p className="saved-list__body">{reply.body}</p>
                  <MessageAttachments attachments={reply.attachments ?? []} />
                </div>
                <div className="saved-list__actions">
                  <button type="button" className="button button--secondary button--small" aria-label={t('messages.saved.editName', { title: reply.title })} onClick={() => setEditing(reply.id)}>
                    {t('messages.saved.edit')}
                  </button>
                  <button type="button" className="button button--secondary button--small" aria-label={t('messages.saved.deleteName', { title: reply.title })} onClick={() => remove(reply)}>
                    {t('messages.saved.delete')}
                  </button>
                </div>
              </li>
            ),
          )}
        </ul>
      )}
      <ToastRegion message={toast.message} onClose={() => toast.show(null)} closeLabel={t('blocks.page.dismiss')} />
    </>
  );
}

function SavedReplyForm({
  initial,
  onSave,
  onCancel,
}: {
  initial?: SavedReply;
  onSave: (input: SavedReplyInput & { title: string; body: string }) => Promise<void>;
  onCancel: () => void;
}) {
  const { t, i18n } = useTranslation();
  const files = useAttachments((file) => messaging.uploadAttachment(file), initial?.attachments ?? []);
  const [title, setTitle] = useState(initial?.title ?? '');
  const [body, setBody] = useState(initial?.body ?? '');
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const idBase = initial?.id ?? 'new';

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!title.trim()) return setProblem(t('messages.saved.titleRequired'));
    if (!body.trim()) return setProblem(t('messages.saved.bodyRequired'));
    if (files.uploading) return setProblem(t('messages.attachments.wait'));
    setBusy(true);
    setProblem(null);
    try {
      // The list replaces the reply's files: sent when there are files, or to remove them all.
      const changedFiles = files.ids.length > 0 || (initial?.attachments?.length ?? 0) > 0;
      await onSave({ title: title.trim(), body, ...(changedFiles ? { attachment_ids: files.ids } : {}) });
    } catch (error) {
      setProblem(describeSendError(t, error));
      setBusy(false);
    }
  }

  return (
    <form className="card card--padded composer saved-form" onSubmit={submit} noValidate data-testid="saved-reply-form">
      <label className="field__label" htmlFor={`saved-title-${idBase}`}>
        {t('messages.saved.titleLabel')}
      </label>
      <input id={`saved-title-${idBase}`} maxLength={200} value={title} onChange={(e) => setTitle(e.target.value)} />
      <label className="field__label" htmlFor={`saved-body-${idBase}`}>
        {t('messages.saved.bodyLabel')}
      </label>
      <textarea id={`saved-body-${idBase}`} rows={5} maxLength={20000} value={body} onChange={(e) => setBody(e.target.value)} />
      <p className="field__hint">{t('messages.composer.placeholderHint')}</p>
      <AttachmentChips files={files.files} onRemove={files.remove} />
      <p role="alert" className="field__error composer__problem" hidden={!problem && files.notes.length === 0}>
        {[...files.notes, ...(problem ? [problem] : [])].map((note, i) => (
          <span key={i}>{note}</span>
        ))}
      </p>
      <div className="composer__actions">
        <span className="composer__attach">
          <AttachButton onFiles={files.add} disabled={busy} testId="saved-attach-input" />
          <span className="field__hint">{t('messages.attachments.savedHint', { max: formatBytes(ATTACHMENT_MAX_BYTES, i18n.resolvedLanguage ?? 'en') })}</span>
        </span>
        <span className="composer__buttons">
          <button type="button" className="button button--secondary" onClick={onCancel} disabled={busy}>
            {t('messages.saved.cancel')}
          </button>
          <button type="submit" className="button button--primary" disabled={busy}>
            {t('messages.saved.save')}
          </button>
        </span>
      </div>
    </form>
  );
}
