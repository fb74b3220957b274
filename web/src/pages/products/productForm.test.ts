import { describe, expect, it } from 'vitest';
import type { Product } from '../../api';
import { emptyProductForm, formPathForParam, formToInput, formatBytes, productToForm } from './productForm';
import { payoutProblem } from '../balanceForm';
import { parseMajorToMinor } from '../../money';

const product: Product = {
  id: 'prd_1',
  title: 'Field Notes',
  description: 'A font',
  status: 'draft',
  currency: 'USD',
  license_keys: true,
  tiers: [
    { id: 'tier_a', name: 'Personal', price_minor: 1500, terms: 'Personal use' },
    { id: 'tier_b', name: 'Commercial', price_minor: 4999, terms: 'Commercial use' },
  ],
  files: [],
  links: [{ label: 'Docs', url: 'https://example.com/docs' }],
  support_material_ids: ['sm_1'],
  support_materials: [],
  bundle_product_ids: [],
  created_at: '2026-01-01T00:00:00Z',
  updated_at: '2026-01-01T00:00:00Z',
};

describe('product form', () => {
  it('shows prices in major units and sends them back as integer minor units, keeping tier ids', () => {
    const form = productToForm(product);
    expect(form.tiers.map((t) => t.price)).toEqual(['15.00', '49.99']);
    form.tiers[1]!.price = '19.99'; // 19.99 * 100 is 1998.9999999999998 in floating point
    form.tiers.push({ key: 'new', name: ' Extended ', price: '0,29', terms: 'Everything' });
    const result = formToInput(form, 'USD');
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.input.tiers).toEqual([
      { id: 'tier_a', name: 'Personal', price_minor: 1500, terms: 'Personal use' },
      { id: 'tier_b', name: 'Commercial', price_minor: 1999, terms: 'Commercial use' },
      { name: 'Extended', price_minor: 29, terms: 'Everything' },
    ]);
    expect(result.input.links).toEqual([{ label: 'Docs', url: 'https://example.com/docs' }]);
    expect(result.input.license_keys).toBe(true);
    expect(result.input.support_material_ids).toEqual(['sm_1']);
  });

  it('reports problems by path', () => {
    const form = emptyProductForm();
    form.tiers[0]!.price = '12.345';
    form.links = [
      { key: 'l1', label: '', url: '' }, // an untouched row is dropped, not an error
      { key: 'l2', label: 'Video', url: 'ftp://x' },
    ];
    const result = formToInput(form, 'USD');
    expect(result).toEqual({
      ok: false,
      errors: {
        title: { key: 'validation.required' },
        'tiers.0.name': { key: 'validation.required' },
        'tiers.0.price': { key: 'validation.tooManyDecimals', values: { count: 2 } },
        'links.1.url': { key: 'productEditor.linkUrlInvalid' },
      },
    });
  });

  it('refuses decimals in a currency without a minor unit', () => {
    const form = productToForm({ ...product, currency: 'JPY', tiers: [{ id: 't', name: 'A', price_minor: 500, terms: 'x' }] });
    expect(form.tiers[0]!.price).toBe('500');
    form.tiers[0]!.price = '500.5';
    const result = formToInput(form, 'JPY');
    expect(!result.ok && result.errors['tiers.0.price']).toEqual({ key: 'validation.noDecimals' });
  });

  it.each([
    ['title', 'title'],
    ['tiers', 'tiers'],
    ['tiers[0].terms', 'tiers.0.terms'],
    ['tiers.1.name', 'tiers.1.name'],
    ['tiers[2].price_minor', 'tiers.2.price'],
    ['tiers[3]', 'tiers.3'],
    ['links[0].url', 'links.0.url'],
    ['bundle_product_ids[0]', 'bundle_product_ids'],
    ['support_material_ids', 'support_material_ids'],
    ['files', 'files'],
    ['something_else', null],
    [null, null],
  ])('API param %j → form path %j', (param, path) => {
    expect(formPathForParam(param)).toBe(path);
  });

  it('formats file sizes', () => {
    expect(formatBytes(54, 'en')).toBe('54 B');
    expect(formatBytes(1536, 'en')).toBe('1.5 KB');
    expect(formatBytes(1536, 'es')).toBe('1,5 KB');
    expect(formatBytes(5 * 1024 * 1024, 'en')).toBe('5 MB');
  });
});

describe('payout amount', () => {
  const check = (text: string, available: number) => payoutProblem(parseMajorToMinor(text, 'USD'), available, 2);
  it('accepts up to the available balance', () => {
    expect(check('46.25', 4625)).toBeNull();
    expect(check('0.01', 4625)).toBeNull();
  });
  it('refuses more than available, zero, and bad input', () => {
    expect(check('46.26', 4625)).toEqual({ key: 'balance.payoutTooMuch' });
    expect(check('0', 4625)).toEqual({ key: 'balance.payoutZero' });
    expect(check('', 4625)).toEqual({ key: 'validation.required' });
    expect(check('-1', 4625)).toEqual({ key: 'validation.negative' });
    expect(check('1.234', 4625)).toEqual({ key: 'validation.tooManyDecimals', values: { count: 2 } });
    expect(check('abc', 4625)).toEqual({ key: 'validation.number' });
  });
});

describe('message keys used by the pure form logic', () => {
  it('all exist in the English strings', async () => {
    const { default: i18n } = await import('../../i18n');
    const keys = [
      'productEditor.linkUrlInvalid',
      'validation.required',
      'validation.tooManyDecimals_other',
      'validation.noDecimals',
      'balance.payoutTooMuch',
      'balance.payoutZero',
      'checkout.consentRequired',
      'checkout.cardInvalid',
    ];
    for (const key of keys) expect(i18n.exists(key, { lng: 'en' }), key).toBe(true);
  });
});
