import { describe, expect, it } from 'vitest';
import type { Store } from '../api';
import { formToUpdate, parseRefundPolicy, storeToForm } from './settingsForm';

const store: Store = {
  id: 'str_1',
  slug: 'demo',
  name: 'Demo',
  currency: 'USD',
  support_email: 'help@demo.test',
  locale: 'en',
  refund_policy: 'within_days:30',
  hold_period_days: 7,
  refund_window_days: 30,
  fee_percent_bp: 290,
  fee_fixed_minor: 30,
  created_at: '2025-01-01T00:00:00Z',
};

describe('store settings form', () => {
  it('shows integers as decimals', () => {
    expect(storeToForm(store)).toMatchObject({
      refund_policy_kind: 'within_days',
      refund_policy_days: '30',
      fee_percent: '2.90',
      fee_fixed: '0.30',
      hold_period_days: '7',
    });
  });

  it('sends nothing when nothing changed', () => {
    expect(formToUpdate(storeToForm(store), store)).toEqual({ ok: true, changes: {} });
  });

  it('sends only the changed fields, money as integers', () => {
    const form = { ...storeToForm(store), support_email: ' new@demo.test ', fee_percent: '3.5', fee_fixed: '0,45' };
    expect(formToUpdate(form, store)).toEqual({
      ok: true,
      changes: { support_email: 'new@demo.test', fee_percent_bp: 350, fee_fixed_minor: 45 },
    });
  });

  it('rewrites the refund policy string', () => {
    const form = { ...storeToForm(store), refund_policy_days: '14' };
    expect(formToUpdate(form, store)).toEqual({ ok: true, changes: { refund_policy: 'within_days:14' } });
    const none = { ...storeToForm(store), refund_policy_kind: 'no_refunds' as const };
    expect(formToUpdate(none, store)).toEqual({ ok: true, changes: { refund_policy: 'no_refunds' } });
  });

  it('reads the fixed fee in the newly chosen currency', () => {
    const toJpy = { ...storeToForm(store), currency: 'JPY' };
    expect(formToUpdate(toJpy, store)).toEqual({ ok: false, errors: { fee_fixed: { key: 'validation.noDecimals' } } });
    expect(formToUpdate({ ...toJpy, fee_fixed: '40' }, store)).toEqual({
      ok: true,
      changes: { currency: 'JPY', fee_fixed_minor: 40 },
    });
  });

  it('reports every invalid field', () => {
    const form = {
      ...storeToForm(store),
      name: ' ',
      support_email: 'nope',
      hold_period_days: '1.5',
      refund_window_days: '',
      fee_percent: '100.01',
      fee_fixed: '-1',
    };
    const result = formToUpdate(form, store);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual({
      name: { key: 'validation.required' },
      support_email: { key: 'validation.email' },
      hold_period_days: { key: 'validation.wholeNumber' },
      refund_window_days: { key: 'validation.required' },
      fee_percent: { key: 'validation.percentMax' },
      fee_fixed: { key: 'validation.negative' },
    });
  });

  it('leaves an unknown refund policy alone', () => {
    expect(parseRefundPolicy('store_credit_only')).toEqual({ kind: '', days: '' });
    const odd = { ...store, refund_policy: 'store_credit_only' };
    expect(formToUpdate(storeToForm(odd), odd)).toEqual({ ok: true, changes: {} });
  });
});
