// The pure logic of "Message customers": the draft (who, what) ↔ the API's audience and preview
// input, inserting a placeholder where the cursor is, and how an audience reads in the history.
import type { TFunction } from 'i18next';
import type { Broadcast, BroadcastAudience } from '../../api';

export type AudienceChoice = 'all' | 'products';

export interface BroadcastDraft {
  choice: AudienceChoice;
  productIds: string[];
  body: string;
}

export const EMPTY_DRAFT: BroadcastDraft = { choice: 'all', productIds: [], body: '' };

/** The placeholders offered as buttons, with the i18n key of their everyday name. */
export const PLACEHOLDER_BUTTONS: { name: string; label: string }[] = [
  { name: 'customer_first_name', label: 'messages.broadcast.ph.firstName' },
  { name: 'customer_name', label: 'messages.broadcast.ph.fullName' },
  { name: 'product_title', label: 'messages.broadcast.ph.product' },
  { name: 'order_id', label: 'messages.broadcast.ph.order' },
  { name: 'store_name', label: 'messages.broadcast.ph.store' },
  { name: 'support_email', label: 'messages.broadcast.ph.supportEmail' },
  { name: 'library_url', label: 'messages.broadcast.ph.library' },
];

/** The audience to send to, or null while "chosen products" has none chosen. */
export function audienceOf(draft: BroadcastDraft): BroadcastAudience | null {
  if (draft.choice === 'all') return { kind: 'all' };
  if (draft.productIds.length === 0) return null;
  return { kind: 'products', product_ids: [...draft.productIds] };
}

/** What to ask the preview: the audience, and the body once there is one. */
export function previewInput(draft: BroadcastDraft): { audience: BroadcastAudience; body?: string } | null {
  const audience = audienceOf(draft);
  if (!audience) return null;
  return draft.body.trim() ? { audience, body: draft.body } : { audience };
}

/** `text` with `insert` replacing [start, end), and where the caret goes after it. */
export function insertAt(text: string, start: number, end: number, insert: string): { text: string; caret: number } {
  const a = Math.max(0, Math.min(start, text.length));
  const b = Math.max(a, Math.min(end, text.length));
  return { text: text.slice(0, a) + insert + text.slice(b), caret: a + insert.length };
}

/** "All customers" or "Buyers of Brush Pack and Font Kit" (products the store no longer has are counted). */
export function audienceLabel(t: TFunction, audience: BroadcastAudience | null | undefined, titles: Map<string, string>, locale: string): string {
  if (!audience || audience.kind === 'all') return t('messages.broadcast.audienceAll');
  const ids = audience.product_ids ?? [];
  const known = ids.map((id) => titles.get(id)).filter((x): x is string => Boolean(x));
  if (known.length === 0) return t('messages.broadcast.audienceProducts', { count: ids.length });
  const missing = ids.length - known.length;
  const names = missing > 0 ? [...known, t('messages.broadcast.otherProducts', { count: missing })] : known;
  return t('messages.broadcast.audienceBuyersOf', { list: new Intl.ListFormat(locale, { style: 'long', type: 'conjunction' }).format(names) });
}

/** Share of a broadcast done (sent or skipped), 0..1. */
export function progressShare(b: Broadcast): number {
  const { recipients, sent, skipped } = b.progress;
  if (recipients <= 0) return 1;
  return Math.min(1, (sent + skipped) / recipients);
}
