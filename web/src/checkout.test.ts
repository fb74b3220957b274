import { describe, expect, it } from 'vitest';
import {
  COUNTRY_CODES,
  EU_COUNTRIES,
  buildCheckout,
  countryName,
  countryOptions,
  formatCardInput,
  formatRatePpm,
  guessCountry,
  needsRegion,
  normalizeCardNumber,
  parseQuantity,
  regionOptions,
  requiresConsent,
  testCardToken,
  type CheckoutForm,
} from './checkout';

describe('EU consent', () => {
  it('lists the 27 member states, Greece as GR', () => {
    expect(EU_COUNTRIES).toHaveLength(27);
    expect(EU_COUNTRIES).toContain('GR');
    expect(EU_COUNTRIES).not.toContain('EL');
  });

  it.each([
    ['DE', true],
    ['fr', true],
    [' es ', true],
    ['IE', true],
    ['GB', false], // left the EU
    ['CH', false],
    ['NO', false], // EEA, not EU
    ['US', false],
    ['', false],
  ])('%s → %s', (country, expected) => {
    expect(requiresConsent(country)).toBe(expected);
  });

  it('every EU country is a known country code', () => {
    for (const c of EU_COUNTRIES) expect(COUNTRY_CODES).toContain(c);
  });
});

describe('card number', () => {
  it.each([
    ['4242 4242 4242 4242', '4242424242424242'],
    ['4000-0000-0000-0002', '4000000000000002'],
    ['  4242424242424242 ', '4242424242424242'],
    ['4242\u00a04242\u00a04242\u00a04242', '4242424242424242'],
  ])('%s → %s', (input, digits) => {
    expect(normalizeCardNumber(input)).toBe(digits);
  });

  it.each(['', '4242', '4242 4242 4242 424x', '4242.4242.4242.4242', '12345678901234567890'])('refuses %j', (input) => {
    expect(normalizeCardNumber(input)).toBeNull();
  });

  it('makes the test provider token', () => {
    expect(testCardToken('4242424242424242')).toBe('test_card_4242424242424242');
  });

  it('groups digits by four as the buyer types', () => {
    expect(formatCardInput('4242424242424242')).toBe('4242 4242 4242 4242');
    expect(formatCardInput('42424')).toBe('4242 4');
    expect(formatCardInput('4242 4242-42ab')).toBe('4242 4242 42');
    expect(formatCardInput('4242')).toBe('4242');
  });
});

describe('countries and regions', () => {
  it('names countries in the UI language and sorts by that name', () => {
    expect(countryName('DE', 'en')).toBe('Germany');
    expect(countryName('DE', 'es')).toBe('Alemania');
    const es = countryOptions('es');
    expect(es).toHaveLength(COUNTRY_CODES.length);
    const names = es.map((c) => c.name);
    expect([...names].sort((a, b) => a.localeCompare(b, 'es'))).toEqual(names);
  });

  it('needs a region for the US and Canada only', () => {
    expect(needsRegion('US')).toBe(true);
    expect(needsRegion('CA')).toBe(true);
    expect(needsRegion('DE')).toBe(false);
    expect(regionOptions('US', 'en')).toHaveLength(51); // 50 states and DC
    expect(regionOptions('CA', 'en')).toHaveLength(13);
    expect(regionOptions('DE', 'en')).toEqual([]);
  });

  it('uses Spanish names where they differ', () => {
    const ny = regionOptions('US', 'es').find((r) => r.code === 'NY');
    expect(ny?.name).toBe('Nueva York');
    expect(regionOptions('US', 'en').find((r) => r.code === 'NY')?.name).toBe('New York');
  });

  it('guesses the country from the browser languages', () => {
    expect(guessCountry(['es-MX', 'es'])).toBe('MX');
    expect(guessCountry(['en'])).toBe('');
    expect(guessCountry(['en-ZZ', 'de-DE'])).toBe('DE');
  });
});

describe('buildCheckout', () => {
  const line = { store: 'demo', product_id: 'prd_1', tier_id: 'tier_1', quantity: 2 };
  const form = (changes: Partial<CheckoutForm> = {}): CheckoutForm => ({
    email: ' ana@example.com ',
    name: 'Ana',
    country: 'DE',
    region: '',
    postal_code: '',
    card: '4242 4242 4242 4242',
    consent: true,
    ...changes,
  });

  it('builds the body for an EU buyer with consent', () => {
    expect(buildCheckout(form(), line)).toEqual({
      ok: true,
      body: {
        store: 'demo',
        items: [{ product_id: 'prd_1', tier_id: 'tier_1', quantity: 2 }],
        email: 'ana@example.com',
        name: 'Ana',
        country: 'DE',
        payment_token: 'test_card_4242424242424242',
        consent_immediate_delivery: true,
      },
    });
  });

  it('asks an EU buyer for consent', () => {
    expect(buildCheckout(form({ consent: false }), line)).toEqual({ ok: false, errors: { consent: 'checkout.consentRequired' } });
  });

  it('needs a state in the US, sends it and the postal code, and no consent', () => {
    expect(buildCheckout(form({ country: 'US' }), line)).toEqual({ ok: false, errors: { region: 'validation.required' } });
    const built = buildCheckout(form({ country: 'US', region: 'NY', postal_code: ' 10001 ', consent: true }), line);
    expect(built.ok && built.body).toMatchObject({ country: 'US', region: 'NY', postal_code: '10001' });
    expect(built.ok && 'consent_immediate_delivery' in built.body).toBe(false);
  });

  it('reports every missing field at once', () => {
    const built = buildCheckout({ email: 'nope', name: ' ', country: '', region: '', postal_code: '', card: '12', consent: false }, line);
    expect(built).toEqual({
      ok: false,
      errors: { email: 'validation.email', name: 'validation.required', country: 'validation.required', card: 'checkout.cardInvalid' },
    });
  });
});

describe('small parsers', () => {
  it.each([
    [null, 1],
    ['', 1],
    ['3', 3],
    ['0', 1],
    ['-2', 1],
    ['2.5', 1],
    ['abc', 1],
    ['1000', 1],
  ])('qty %j → %i', (value, quantity) => {
    expect(parseQuantity(value)).toBe(quantity);
  });

  it.each([
    [190000, '19'],
    [200000, '20'],
    [72500, '7.25'],
    [0, '0'],
    [55000, '5.5'],
    [1, '0.0001'],
  ])('rate %i ppm → %s%%', (ppm, text) => {
    expect(formatRatePpm(ppm)).toBe(text);
  });
});
