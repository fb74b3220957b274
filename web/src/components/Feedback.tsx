import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CheckIcon, CloseIcon } from './Icons';

const TOAST_MS = 4000;

/** A short confirmation in the corner ("Product saved"), gone after a few seconds. */
export function useToast() {
  const [message, setMessage] = useState<string | null>(null);
  useEffect(() => {
    if (!message) return;
    const timer = setTimeout(() => setMessage(null), TOAST_MS);
    return () => clearTimeout(timer);
  }, [message]);
  const show = useCallback((text: string | null) => setMessage(text), []);
  return { message, show };
}

export function ToastRegion({
  message,
  onClose,
  closeLabel,
  top,
}: {
  message: string | null;
  onClose: () => void;
  closeLabel: string;
  /** At the top right, for pages whose own action bar sits at the bottom. */
  top?: boolean;
}) {
  return (
    <div className={top ? 'toast-region toast-region--top' : 'toast-region'} role="status" aria-live="polite">
      {message ? (
        <div className="toast" data-testid="toast">
          <CheckIcon size={16} />
          <span>{message}</span>
          <button type="button" className="toast__close" onClick={onClose} aria-label={closeLabel}>
            <CloseIcon size={14} />
          </button>
        </div>
      ) : null}
    </div>
  );
}

export function LoadingCard() {
  const { t } = useTranslation();
  return (
    <div className="card card--padded" role="status">
      <span>
        <span className="spinner" aria-hidden="true" /> {t('app.loading')}
      </span>
    </div>
  );
}

export function ErrorCard({ title, message, onRetry }: { title: string; message?: string | null; onRetry?: () => void }) {
  const { t } = useTranslation();
  return (
    <div className="card card--padded" role="alert">
      <p>{title}</p>
      {message ? <p className="muted">{message}</p> : null}
      {onRetry ? (
        <button type="button" className="button button--secondary" onClick={onRetry}>
          {t('app.retry')}
        </button>
      ) : null}
    </div>
  );
}
