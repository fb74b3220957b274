// "Block customer" from the Order panel's ⋯ menu (R-BLK-1): the accounts the block will cover
// (names and masked emails, from the preview endpoint), a private reason, and the block.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { blocks as blocksApi, type Block } from '../../api';
import { describeError } from '../../errors';
import { useLoad } from '../store/useLoad';

export function BlockCustomerDialog({ customerId, onCancel, onBlocked }: { customerId: string; onCancel: () => void; onBlocked: (block: Block) => void }) {
  const { t } = useTranslation();
  const [preview, retry] = useLoad((signal) => blocksApi.preview(customerId, signal), [customerId]);
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const headingRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => headingRef.current?.focus(), []);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!reason.trim()) {
      setProblem(t('blocks.reasonRequired'));
      return;
    }
    setSaving(true);
    setProblem(null);
    try {
      onBlocked(await blocksApi.block(customerId, reason.trim()));
    } catch (error) {
      setProblem(describeError(t, error));
    } finally {
      setSaving(false);
    }
  }

  return (
    <section className="block-dialog" role="dialog" aria-labelledby="block-dialog-title" data-testid="block-dialog">
      <h3 id="block-dialog-title" ref={headingRef} tabIndex={-1}>
        {t('blocks.dialog.title')}
      </h3>
      <p className="muted">{t('blocks.dialog.explain')}</p>
      {preview.status === 'loading' ? <p role="status">{t('app.loading')}</p> : null}
      {preview.status === 'error' || preview.status === 'not_found' ? (
        <div role="alert">
          <p>{t('blocks.dialog.previewError')}</p>
          <button type="button" className="button button--secondary" onClick={retry}>
            {t('app.retry')}
          </button>
        </div>
      ) : null}
      {preview.status === 'ready' ? (
        <>
          <h4>{t('blocks.dialog.covers', { count: preview.data.covers.accounts.length })}</h4>
          <ul className="block-dialog__accounts" aria-label={t('blocks.dialog.coveredAccounts')}>
            {preview.data.covers.accounts.map((a, i) => (
              <li key={a.customer_id ?? i}>
                <strong>{a.name}</strong> <span className="muted">{a.email}</span>
                {a.depth > 0 ? <span className="muted"> · {t('blocks.dialog.linked')}</span> : null}
              </li>
            ))}
          </ul>
          <p className="muted">{t('blocks.dialog.paymentMethods', { count: preview.data.covers.payment_methods_count })}</p>
          {preview.data.covers.truncated ? <p className="muted">{t('blocks.dialog.truncated')}</p> : null}
        </>
      ) : null}
      <form onSubmit={submit} noValidate>
        <label htmlFor="block-reason">{t('blocks.dialog.reason')}</label>
        <textarea id="block-reason" value={reason} maxLength={1000} rows={3} onChange={(e) => setReason(e.target.value)} aria-describedby="block-reason-hint" aria-invalid={problem ? true : undefined} />
        <p id="block-reason-hint" className="muted">
          {t('blocks.dialog.reasonHint')}
        </p>
        {problem ? (
          <p role="alert" className="field__error">
            {problem}
          </p>
        ) : null}
        <div className="block-dialog__actions">
          <button type="button" className="button button--secondary" onClick={onCancel}>
            {t('blocks.dialog.cancel')}
          </button>
          <button type="submit" className="button button--primary" disabled={saving || preview.status !== 'ready'}>
            {t('blocks.dialog.confirm')}
          </button>
        </div>
      </form>
    </section>
  );
}
