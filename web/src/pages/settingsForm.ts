// The store settings form, as pure functions: the API's store object ↔ the strings in the form,
// and the PATCH body holding only what changed. Kept apart from the component to be tested.
import type { Store, StoreUpdate } from '../api';
import {
  formatBasisPointsAsPercent,
  formatMinorAsMajor,
  minorDigits,
  parseMajorToMinor,
  parsePercentToBasisPoints,
  type DecimalParseError,
} from '../money';

export type RefundPolicyKind = 'no_refunds' | 'discretionary' | 'within_days' | '';

export interface SettingsForm {
  name: string;
  support_email: string;
  currency: string;
  locale: string;
  refund_policy_kind: RefundPolicyKind;
  refund_policy_days: string;
  refund_window_days: string;
  hold_period_days: string;
  fee_percent: string;
  fee_fixed: string;
}

export type SettingsField = keyof SettingsForm;

/** A validation problem, as an i18n key plus its values. */
export interface FieldProblem {
  key: string;
  values?: Record<string, unknown>;
}

export type FormErrors = Partial<Record<SettingsField, FieldProblem>>;

/** Which form field shows an API error about `param`. */
export const FIELD_FOR_PARAM: Record<string, SettingsField> = {
  name: 'name',
  support_email: 'support_email',
  currency: 'currency',
  locale: 'locale',
  refund_policy: 'refund_policy_kind',
  hold_period_days: 'hold_period_days',
  refund_window_days: 'refund_window_days',
  fee_percent_bp: 'fee_percent',
  fee_fixed_minor: 'fee_fixed',
};

export function parseRefundPolicy(policy: string): { kind: RefundPolicyKind; days: string } {
  if (policy === 'no_refunds' || policy === 'discretionary') return { kind: policy, days: '' };
  const match = /^within_days:(\d+)$/.exec(policy);
  if (match) return { kind: 'within_days', days: match[1] ?? '' };
  return { kind: '', days: '' };
}

export function storeToForm(store: Store): SettingsForm {
  const policy = parseRefundPolicy(store.refund_policy);
  return {
    name: store.name,
    support_email: store.support_email ?? '',
    currency: store.currency,
    locale: store.locale,
    refund_policy_kind: policy.kind,
    refund_policy_days: policy.days,
    refund_window_days: String(store.refund_window_days),
    hold_period_days: String(store.hold_period_days),
    fee_percent: formatBasisPointsAsPercent(store.fee_percent_bp),
    fee_fixed: formatMinorAsMajor(store.fee_fixed_minor, store.currency),
  };
}

const MAX_DAYS = 36500;
const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+$/;

function decimalProblem(error: DecimalParseError, digits: number): FieldProblem {
  switch (error) {
    case 'empty':
      return { key: 'validation.required' };
    case 'negative':
      return { key: 'validation.negative' };
    case 'too_many_decimals':
      return digits === 0 ? { key: 'validation.noDecimals' } : { key: 'validation.tooManyDecimals', values: { count: digits } };
    case 'too_large':
      return { key: 'validation.tooLarge' };
    default:
      return { key: 'validation.number' };
  }
}

function parseDays(value: string): number | FieldProblem {
  const trimmed = value.trim();
  if (trimmed === '') return { key: 'validation.required' };
  if (!/^\d+$/.test(trimmed)) return { key: 'validation.wholeNumber' };
  const days = Number.parseInt(trimmed, 10);
  return days > MAX_DAYS ? { key: 'validation.tooLarge' } : days;
}

/**
 * Validates the form and returns the PATCH body with only the fields that differ from
 * `original`. Money is converted with string arithmetic (see money.ts).
 */
export function formToUpdate(
  form: SettingsForm,
  original: Store,
): { ok: true; changes: StoreUpdate } | { ok: false; errors: FormErrors } {
  const errors: FormErrors = {};
  const changes: StoreUpdate = {};

  const name = form.name.trim();
  if (!name) errors.name = { key: 'validation.required' };
  else if (name !== original.name) changes.name = name;

  const email = form.support_email.trim();
  if (email && !EMAIL_SHAPE.test(email)) errors.support_email = { key: 'validation.email' };
  else if (email !== (original.support_email ?? '')) changes.support_email = email;

  if (form.currency !== original.currency) changes.currency = form.currency;
  if (form.locale !== original.locale) changes.locale = form.locale;

  let policy: string | null = null;
  if (form.refund_policy_kind === 'within_days') {
    const days = parseDays(form.refund_policy_days);
    if (typeof days === 'number') policy = `within_days:${days}`;
    else errors.refund_policy_days = days;
  } else if (form.refund_policy_kind === '') {
    policy = original.refund_policy; // a policy this version does not know: leave it alone
  } else {
    policy = form.refund_policy_kind;
  }
  if (policy !== null && policy !== original.refund_policy) changes.refund_policy = policy;

  for (const field of ['refund_window_days', 'hold_period_days'] as const) {
    const days = parseDays(form[field]);
    if (typeof days !== 'number') errors[field] = days;
    else if (days !== original[field]) changes[field] = days;
  }

  const percent = parsePercentToBasisPoints(form.fee_percent);
  if (!percent.ok) errors.fee_percent = decimalProblem(percent.error, 2);
  else if (percent.value > 10000) errors.fee_percent = { key: 'validation.percentMax' };
  else if (percent.value !== original.fee_percent_bp) changes.fee_percent_bp = percent.value;

  // The fixed fee is read in the currency being saved, so "0.30" means 30 cents in USD and is
  // refused in JPY (no minor unit) rather than silently becoming 30 yen.
  const fixed = parseMajorToMinor(form.fee_fixed, form.currency);
  if (!fixed.ok) errors.fee_fixed = decimalProblem(fixed.error, minorDigits(form.currency));
  else if (fixed.value !== original.fee_fixed_minor) changes.fee_fixed_minor = fixed.value;

  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, changes };
}

export function formsEqual(a: SettingsForm, b: SettingsForm): boolean {
  return (Object.keys(a) as SettingsField[]).every((k) => a[k] === b[k]);
}
