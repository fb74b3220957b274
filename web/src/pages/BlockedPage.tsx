// "Blocked customers" (R-BLK-1): the store's blocks with their private reasons and whom each
// covers; Unblock undoes exactly that block.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { blocks as blocksApi, type Block, type Page } from '../api';
import { describeError } from '../errors';
import { PageHeader } from '../components/Page';
import { ErrorCard, LoadingCard, ToastRegion, useToast } from '../components/Feedback';
import { useLoad } from './store/useLoad';

export function BlockedPage() {
  const { t, i18n } = useTranslation();
  const toast = useToast();
  const [first, retry] = useLoad((signal) => blocksApi.list(undefined, signal), []);
  const [more, setMore] = useState<Block[]>([]);
  const [cursor, setCursor] = useState<string | null | undefined>(undefined);
  const [removed, setRemoved] = useState<Set<string>>(new Set());
  const [busy, setBusy] = useState<string | null>(null);
  const date = new Intl.DateTimeFormat(i18n.resolvedLanguage ?? 'en', { dateStyle: 'medium' });
  const header = <PageHeader title={t('blocks.page.title')} description={t('blocks.page.description')} />;

  if (first.status === 'loading') return <>{header}<LoadingCard /></>;
  if (first.status !== 'ready') {
    return <>{header}<ErrorCard title={t('blocks.page.loadError')} message={first.status === 'error' ? describeError(t, first.error) : null} onRetry={retry} /></>;
  }
  const page: Page<Block> = first.data;
  const next = cursor === undefined ? page.next_cursor : cursor;
  const rows = [...page.data, ...more].filter((b) => !removed.has(b.id));

  async function loadMore() {
    if (!next) return;
    try {
      const p = await blocksApi.list(next);
      setMore((m) => [...m, ...p.data]);
      setCursor(p.next_cursor);
    } catch (error) {
      toast.show(describeError(t, error));
    }
  }

  async function unblock(b: Block) {
    setBusy(b.id);
    try {
      await blocksApi.unblock(b.customer.id);
      setRemoved((r) => new Set(r).add(b.id));
      toast.show(t('blocks.page.unblocked', { name: b.customer.name }));
    } catch (error) {
      toast.show(describeError(t, error));
    } finally {
      setBusy(null);
    }
  }

  return (
    <>
      {header}
      {rows.length === 0 ? (
        <p className="card card--padded muted">{t('blocks.page.empty')}</p>
      ) : (
        <ul className="card blocked-list" aria-label={t('blocks.page.title')}>
          {rows.map((b) => (
            <li key={b.id} className="blocked-list__row" data-testid="blocked-row">
              <div>
                <strong>{b.customer.name}</strong> <span className="muted">{b.customer.email}</span>
                <p>
                  <span className="muted">{t('blocks.page.reason')}: </span>
                  {b.reason}
                </p>
                <p className="muted">
                  {t('blocks.page.since', { date: date.format(new Date(b.created_at)) })} · {t('blocks.page.covers', { count: b.covers.accounts.length })}
                </p>
              </div>
              <button type="button" className="button button--secondary" disabled={busy === b.id} onClick={() => unblock(b)} aria-label={t('blocks.page.unblockName', { name: b.customer.name })}>
                {t('blocks.page.unblock')}
              </button>
            </li>
          ))}
        </ul>
      )}
      {next ? (
        <button type="button" className="button button--secondary" onClick={loadMore}>
          {t('blocks.page.more')}
        </button>
      ) : null}
      <ToastRegion message={toast.message} onClose={() => toast.show(null)} closeLabel={t('blocks.page.dismiss')} />
    </>
  );
}
