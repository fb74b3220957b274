// Money and percentages cross the API as integers (minor units, basis points). Users type
// decimal strings. The conversion is done on the digits of the string, never with floating
// point arithmetic: `19.99 * 100` is 1998.9999999999998 in JavaScript.

/** The currencies a store can choose, ISO 4217 codes. */
export const CURRENCIES = [
  'USD',
  'EUR',
  'GBP',
  'CAD',
  'AUD',
  'JPY',
  'CHF',
  'SEK',
  'NOK',
  'DKK',
  'PLN',
  'MXN',
  'BRL',
] as const;

export type CurrencyCode = (typeof CURRENCIES)[number];

// ISO 4217 minor-unit exponents that differ from 2. Only JPY among the supported ones; the
// others are listed so that a currency added later does not silently get 2 decimals.
const MINOR_DIGITS: Record<string, number> = {
  JPY: 0,
  KRW: 0,
  VND: 0,
  CLP: 0,
  ISK: 0,
  HUF: 2,
  BHD: 3,
  KWD: 3,
  JOD: 3,
  OMR: 3,
  TND: 3,
};

/** Number of decimal digits of the currency's minor unit (2 for cents). */
export function minorDigits(currency: string): number {
  return MINOR_DIGITS[currency.toUpperCase()] ?? 2;
}

export type DecimalParseError = 'empty' | 'invalid' | 'negative' | 'too_many_decimals' | 'too_large';

export type DecimalParseResult =
  | { ok: true; value: number }
  | { ok: false; error: DecimalParseError };

// 15 digits stay well inside Number.MAX_SAFE_INTEGER (16 digits), so the integer built from
// the digit string is exact.
const MAX_INTEGER_DIGITS = 15;

/**
 * Parses a non-negative decimal string ("12", "12.5", "12,50", ".5") into an integer scaled by
 * 10^digits ("12.5", 2 → 1250). Accepts "." or "," as the decimal separator (Spanish users
 * type a comma) and ignores spaces. More decimals than `digits` is an error rather than a
 * rounding, so "1,000" is never read as one unit.
 */
export function parseDecimalToInteger(input: string, digits: number): DecimalParseResult {
  const s = input.replace(/[\s\u00a0]/g, '');
  if (s === '') return { ok: false, error: 'empty' };
  if (s.startsWith('-')) {
    return /^-\d*[.,]?\d*$/.test(s) && /\d/.test(s)
      ? { ok: false, error: 'negative' }
      : { ok: false, error: 'invalid' };
  }
  const match = /^\+?(\d*)(?:[.,](\d*))?$/.exec(s);
  if (!match) return { ok: false, error: 'invalid' };
  const whole = match[1] ?? '';
  const fraction = match[2] ?? '';
  if (whole === '' && fraction === '') return { ok: false, error: 'invalid' };
  if (fraction.length > digits) return { ok: false, error: 'too_many_decimals' };
  const scaled = (whole + fraction.padEnd(digits, '0')).replace(/^0+(?=\d)/, '');
  if (scaled.length > MAX_INTEGER_DIGITS) return { ok: false, error: 'too_large' };
  return { ok: true, value: Number.parseInt(scaled, 10) };
}

/** Formats an integer scaled by 10^digits as a plain decimal string: (1250, 2) → "12.50". */
export function formatIntegerAsDecimal(value: number, digits: number): string {
  if (!Number.isSafeInteger(value)) throw new RangeError(`not a safe integer: ${value}`);
  const negative = value < 0;
  const abs = String(Math.abs(value));
  if (digits === 0) return (negative ? '-' : '') + abs;
  const padded = abs.padStart(digits + 1, '0');
  return (
    (negative ? '-' : '') + padded.slice(0, padded.length - digits) + '.' + padded.slice(-digits)
  );
}

/** "12.50" in USD → 1250; "500" in JPY → 500. */
export function parseMajorToMinor(input: string, currency: string): DecimalParseResult {
  return parseDecimalToInteger(input, minorDigits(currency));
}

/** 1250 in USD → "12.50"; 500 in JPY → "500". */
export function formatMinorAsMajor(minor: number, currency: string): string {
  return formatIntegerAsDecimal(minor, minorDigits(currency));
}

/** "2.9" (percent) → 290 basis points. */
export function parsePercentToBasisPoints(input: string): DecimalParseResult {
  return parseDecimalToInteger(input, 2);
}

/** 290 basis points → "2.90" (percent). */
export function formatBasisPointsAsPercent(bp: number): string {
  return formatIntegerAsDecimal(bp, 2);
}

/**
 * Formats integer minor units for display with the currency's symbol and the locale's
 * separators: (1250, "USD", "en") → "$12.50", (1250, "EUR", "es") → "12,50 €". The digits come
 * from `formatMinorAsMajor` (string arithmetic); Intl only lays them out.
 */
export function formatMoney(minor: number, currency: string, locale: string): string {
  const digits = minorDigits(currency);
  const decimal = formatMinorAsMajor(minor, currency);
  try {
    return new Intl.NumberFormat(locale, {
      style: 'currency',
      currency,
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    }).format(Number(decimal));
  } catch {
    return `${decimal} ${currency}`; // an unknown currency code or locale
  }
}

/** The cheapest and dearest price among tiers, or null when there are none. */
export function priceBounds(prices: readonly number[]): { min: number; max: number } | null {
  if (prices.length === 0) return null;
  let min = prices[0] as number;
  let max = min;
  for (const p of prices) {
    if (p < min) min = p;
    if (p > max) max = p;
  }
  return { min, max };
}

/** "$15.00" for one price, "$15.00 – $49.00" for a range, "" for no tiers. */
export function formatPriceRange(prices: readonly number[], currency: string, locale: string): string {
  const bounds = priceBounds(prices);
  if (!bounds) return '';
  const min = formatMoney(bounds.min, currency, locale);
  return bounds.min === bounds.max ? min : `${min} – ${formatMoney(bounds.max, currency, locale)}`;
}
