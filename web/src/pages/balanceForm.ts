// The payout form's check, as a pure function: the amount (already parsed with money.ts) must be
// more than zero and at most what is available.
import type { DecimalParseResult } from '../money';

export interface PayoutProblem {
  key: string;
  values?: Record<string, unknown>;
}

export function payoutProblem(parsed: DecimalParseResult, availableMinor: number, digits: number): PayoutProblem | null {
  if (!parsed.ok) {
    switch (parsed.error) {
      case 'empty':
        return { key: 'validation.required' };
      case 'negative':
        return { key: 'validation.negative' };
      case 'too_many_decimals':
        return digits === 0 ? { key: 'validation.noDecimals' } : { key: 'validation.tooManyDecimals', values: { count: digits } };
      case 'too_large':
        return { key: 'balance.payoutTooMuch' };
      default:
        return { key: 'validation.number' };
    }
  }
  if (parsed.value <= 0) return { key: 'balance.payoutZero' };
  if (parsed.value > availableMinor) return { key: 'balance.payoutTooMuch' };
  return null;
}
