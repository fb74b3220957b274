import { useTranslation } from 'react-i18next';
import { PaperclipIcon } from '../../components/Icons';

/** A conversation's last message in a list: its text, and "📎 2 files" when it carries files. */
export function Snippet({ message }: { message: { body: string; attachment_count?: number } | null | undefined }) {
  const { t } = useTranslation();
  if (!message) return null;
  const files = message.attachment_count ?? 0;
  return (
    <>
      {message.body}
      {files > 0 ? (
        <span className="snippet-files muted">
          {message.body ? ' ' : ''}
          <PaperclipIcon size={13} /> {t('messages.attachments.count', { count: files })}
        </span>
      ) : null}
    </>
  );
}
