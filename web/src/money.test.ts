import { describe, expect, it } from 'vitest';
import {
  CURRENCIES,
  formatMoney,
  formatPriceRange,
  priceBounds,
  formatBasisPointsAsPercent,
  formatIntegerAsDecimal,
  formatMinorAsMajor,
  minorDigits,
  parseDecimalToInteger,
  parseMajorToMinor,
  parsePercentToBasisPoints,
} from './money';

describe('parseMajorToMinor', () => {
  it.each([
    ['0', 'USD', 0],
    ['1', 'USD', 100],
    ['1.3', 'USD', 130],
    ['1.30', 'USD', 130],
    ['19.99', 'USD', 1999], // 19.99 * 100 === 1998.9999999999998 in floating point
    ['0.29', 'EUR', 29], // 0.29 * 100 === 28.999999999999996
    ['1.005', 'KWD', 1005],
    ['.5', 'USD', 50],
    ['5.', 'USD', 500],
    ['007.10', 'USD', 710],
    ['  12.50 ', 'GBP', 1250],
    ['12,50', 'EUR', 1250], // Spanish decimal comma
    ['1 234.56', 'USD', 123456],
    ['+3', 'USD', 300],
    ['500', 'JPY', 500],
    ['500.', 'JPY', 500],
    ['9999999999999.99', 'USD', 999999999999999],
  ])('%s %s → %i', (input, currency, minor) => {
    expect(parseMajorToMinor(input, currency)).toEqual({ ok: true, value: minor });
  });

  it.each([
    ['', 'USD', 'empty'],
    ['   ', 'USD', 'empty'],
    ['abc', 'USD', 'invalid'],
    ['1.2.3', 'USD', 'invalid'],
    ['1e3', 'USD', 'invalid'],
    ['.', 'USD', 'invalid'],
    ['0x10', 'USD', 'invalid'],
    ['$5', 'USD', 'invalid'],
    ['-1', 'USD', 'negative'],
    ['-0.50', 'USD', 'negative'],
    ['1.234', 'USD', 'too_many_decimals'],
    ['1,000', 'USD', 'too_many_decimals'], // never read as one dollar
    ['500.5', 'JPY', 'too_many_decimals'],
    ['99999999999999.99', 'USD', 'too_large'],
  ])('%s %s → %s', (input, currency, error) => {
    expect(parseMajorToMinor(input, currency)).toEqual({ ok: false, error });
  });

  it('never produces a non-integer', () => {
    for (let cents = 0; cents < 10000; cents += 7) {
      const text = `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
      const parsed = parseMajorToMinor(text, 'USD');
      expect(parsed).toEqual({ ok: true, value: cents });
    }
  });
});

describe('formatMinorAsMajor', () => {
  it.each([
    [0, 'USD', '0.00'],
    [5, 'USD', '0.05'],
    [30, 'USD', '0.30'],
    [1999, 'USD', '19.99'],
    [123456789, 'EUR', '1234567.89'],
    [-250, 'USD', '-2.50'],
    [500, 'JPY', '500'],
    [1005, 'KWD', '1.005'],
  ])('%i %s → %s', (minor, currency, text) => {
    expect(formatMinorAsMajor(minor, currency)).toBe(text);
  });

  it('round-trips through the parser', () => {
    for (const currency of CURRENCIES) {
      for (const minor of [0, 1, 9, 10, 99, 100, 101, 1999, 250000, 987654321]) {
        expect(parseMajorToMinor(formatMinorAsMajor(minor, currency), currency)).toEqual({ ok: true, value: minor });
      }
    }
  });

  it('refuses non-integers', () => {
    expect(() => formatIntegerAsDecimal(1.5, 2)).toThrow(RangeError);
  });
});

describe('percent ↔ basis points', () => {
  it.each([
    ['2.9', 290],
    ['2.90', 290],
    ['5', 500],
    ['0.01', 1],
    ['100', 10000],
    ['12,5', 1250],
  ])('%s%% → %i bp', (input, bp) => {
    expect(parsePercentToBasisPoints(input)).toEqual({ ok: true, value: bp });
  });

  it('refuses a third decimal', () => {
    expect(parsePercentToBasisPoints('2.905')).toEqual({ ok: false, error: 'too_many_decimals' });
  });

  it.each([
    [0, '0.00'],
    [1, '0.01'],
    [290, '2.90'],
    [10000, '100.00'],
  ])('%i bp → %s%%', (bp, text) => {
    expect(formatBasisPointsAsPercent(bp)).toBe(text);
  });
});

describe('minorDigits', () => {
  it('knows the exponents of the supported currencies', () => {
    expect(CURRENCIES.filter((c) => minorDigits(c) !== 2)).toEqual(['JPY']);
    expect(minorDigits('jpy')).toBe(0);
  });

  it('parseDecimalToInteger with 0 digits takes whole numbers only', () => {
    expect(parseDecimalToInteger('42', 0)).toEqual({ ok: true, value: 42 });
    expect(parseDecimalToInteger('4.2', 0)).toEqual({ ok: false, error: 'too_many_decimals' });
  });
});

describe('formatMoney and price ranges', () => {
  it('formats with the locale and the currency digits', () => {
    expect(formatMoney(1250, 'USD', 'en')).toBe('$12.50');
    expect(formatMoney(1999, 'EUR', 'es').replace(/\u00a0/g, ' ')).toBe('19,99 €');
    expect(formatMoney(500, 'JPY', 'en')).toBe('¥500');
    expect(formatMoney(0, 'USD', 'en')).toBe('$0.00');
    expect(formatMoney(-4625, 'USD', 'en')).toBe('-$46.25');
    // 0.29 * 100 is 28.999… in floating point; the digits come from string arithmetic.
    expect(formatMoney(29, 'EUR', 'en')).toBe('€0.29');
  });

  it('falls back to "amount CODE" for an unknown currency', () => {
    expect(formatMoney(1250, 'X!', 'en')).toBe('12.50 X!');
  });

  it('finds the cheapest and dearest tier', () => {
    expect(priceBounds([])).toBeNull();
    expect(priceBounds([4900, 1500, 9900])).toEqual({ min: 1500, max: 9900 });
  });

  it('formats a range, a single price, or nothing', () => {
    expect(formatPriceRange([4900, 1500], 'USD', 'en')).toBe('$15.00 – $49.00');
    expect(formatPriceRange([1500, 1500], 'USD', 'en')).toBe('$15.00');
    expect(formatPriceRange([], 'USD', 'en')).toBe('');
  });
});
