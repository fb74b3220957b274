// Pure checkout logic: countries and regions as the server's tax rules know them (see
// src/modules/tax on the server), the EU consent rule, and the test card field.
import type { CheckoutInput } from './api';

/** Every assigned ISO 3166-1 alpha-2 code, as the server accepts them (`country_invalid` otherwise). */
export const COUNTRY_CODES = [
  'AD', 'AE', 'AF', 'AG', 'AI', 'AL', 'AM', 'AO', 'AQ', 'AR', 'AS', 'AT', 'AU', 'AW', 'AX',
  'AZ', 'BA', 'BB', 'BD', 'BE', 'BF', 'BG', 'BH', 'BI', 'BJ', 'BL', 'BM', 'BN', 'BO', 'BQ',
  'BR', 'BS', 'BT', 'BV', 'BW', 'BY', 'BZ', 'CA', 'CC', 'CD', 'CF', 'CG', 'CH', 'CI', 'CK',
  'CL', 'CM', 'CN', 'CO', 'CR', 'CU', 'CV', 'CW', 'CX', 'CY', 'CZ', 'DE', 'DJ', 'DK', 'DM',
  'DO', 'DZ', 'EC', 'EE', 'EG', 'EH', 'ER', 'ES', 'ET', 'FI', 'FJ', 'FK', 'FM', 'FO', 'FR',
  'GA', 'GB', 'GD', 'GE', 'GF', 'GG', 'GH', 'GI', 'GL', 'GM', 'GN', 'GP', 'GQ', 'GR', 'GS',
  'GT', 'GU', 'GW', 'GY', 'HK', 'HM', 'HN', 'HR', 'HT', 'HU', 'ID', 'IE', 'IL', 'IM', 'IN',
  'IO', 'IQ', 'IR', 'IS', 'IT', 'JE', 'JM', 'JO', 'JP', 'KE', 'KG', 'KH', 'KI', 'KM', 'KN',
  'KP', 'KR', 'KW', 'KY', 'KZ', 'LA', 'LB', 'LC', 'LI', 'LK', 'LR', 'LS', 'LT', 'LU', 'LV',
  'LY', 'MA', 'MC', 'MD', 'ME', 'MF', 'MG', 'MH', 'MK', 'ML', 'MM', 'MN', 'MO', 'MP', 'MQ',
  'MR', 'MS', 'MT', 'MU', 'MV', 'MW', 'MX', 'MY', 'MZ', 'NA', 'NC', 'NE', 'NF', 'NG', 'NI',
  'NL', 'NO', 'NP', 'NR', 'NU', 'NZ', 'OM', 'PA', 'PE', 'PF', 'PG', 'PH', 'PK', 'PL', 'PM',
  'PN', 'PR', 'PS', 'PT', 'PW', 'PY', 'QA', 'RE', 'RO', 'RS', 'RU', 'RW', 'SA', 'SB', 'SC',
  'SD', 'SE', 'SG', 'SH', 'SI', 'SJ', 'SK', 'SL', 'SM', 'SN', 'SO', 'SR', 'SS', 'ST', 'SV',
  'SX', 'SY', 'SZ', 'TC', 'TD', 'TF', 'TG', 'TH', 'TJ', 'TK', 'TL', 'TM', 'TN', 'TO', 'TR',
  'TT', 'TV', 'TW', 'TZ', 'UA', 'UG', 'UM', 'US', 'UY', 'UZ', 'VA', 'VC', 'VE', 'VG', 'VI',
  'VN', 'VU', 'WF', 'WS', 'YE', 'YT', 'ZA', 'ZM', 'ZW',
] as const;

/** The 27 EU member states (Greece is GR, not the VAT prefix EL). */
export const EU_COUNTRIES = [
  'AT', 'BE', 'BG', 'CY', 'CZ', 'DE', 'DK', 'EE', 'ES', 'FI', 'FR', 'GR', 'HR', 'HU',
  'IE', 'IT', 'LT', 'LU', 'LV', 'MT', 'NL', 'PL', 'PT', 'RO', 'SE', 'SI', 'SK',
] as const;

const EU = new Set<string>(EU_COUNTRIES);

/** EU buyers must consent to immediate delivery and the loss of the withdrawal right. */
export function requiresConsent(country: string): boolean {
  return EU.has(country.trim().toUpperCase());
}

export interface Region {
  code: string;
  /** The English name; `es` where Spanish uses another one. */
  en: string;
  es?: string;
}

// US states and DC (territories such as PR are countries), and Canada's provinces and
// territories: the subdivisions the server taxes by.
const US_REGIONS: Region[] = [
  { code: 'AL', en: 'Alabama' },
  { code: 'AK', en: 'Alaska' },
  { code: 'AZ', en: 'Arizona' },
  { code: 'AR', en: 'Arkansas' },
  { code: 'CA', en: 'California' },
  { code: 'CO', en: 'Colorado' },
  { code: 'CT', en: 'Connecticut' },
  { code: 'DE', en: 'Delaware' },
  { code: 'DC', en: 'District of Columbia', es: 'Distrito de Columbia' },
  { code: 'FL', en: 'Florida' },
  { code: 'GA', en: 'Georgia' },
  { code: 'HI', en: 'Hawaii', es: 'Hawái' },
  { code: 'ID', en: 'Idaho' },
  { code: 'IL', en: 'Illinois' },
  { code: 'IN', en: 'Indiana' },
  { code: 'IA', en: 'Iowa' },
  { code: 'KS', en: 'Kansas' },
  { code: 'KY', en: 'Kentucky' },
  { code: 'LA', en: 'Louisiana', es: 'Luisiana' },
  { code: 'ME', en: 'Maine' },
  { code: 'MD', en: 'Maryland' },
  { code: 'MA', en: 'Massachusetts' },
  { code: 'MI', en: 'Michigan', es: 'Míchigan' },
  { code: 'MN', en: 'Minnesota' },
  { code: 'MS', en: 'Mississippi', es: 'Misisipi' },
  { code: 'MO', en: 'Missouri', es: 'Misuri' },
  { code: 'MT', en: 'Montana' },
  { code: 'NE', en: 'Nebraska' },
  { code: 'NV', en: 'Nevada' },
  { code: 'NH', en: 'New Hampshire', es: 'Nuevo Hampshire' },
  { code: 'NJ', en: 'New Jersey', es: 'Nueva Jersey' },
  { code: 'NM', en: 'New Mexico', es: 'Nuevo México' },
  { code: 'NY', en: 'New York', es: 'Nueva York' },
  { code: 'NC', en: 'North Carolina', es: 'Carolina del Norte' },
  { code: 'ND', en: 'North Dakota', es: 'Dakota del Norte' },
  { code: 'OH', en: 'Ohio' },
  { code: 'OK', en: 'Oklahoma' },
  { code: 'OR', en: 'Oregon', es: 'Oregón' },
  { code: 'PA', en: 'Pennsylvania', es: 'Pensilvania' },
  { code: 'RI', en: 'Rhode Island' },
  { code: 'SC', en: 'South Carolina', es: 'Carolina del Sur' },
  { code: 'SD', en: 'South Dakota', es: 'Dakota del Sur' },
  { code: 'TN', en: 'Tennessee', es: 'Tennessee' },
  { code: 'TX', en: 'Texas' },
  { code: 'UT', en: 'Utah' },
  { code: 'VT', en: 'Vermont' },
  { code: 'VA', en: 'Virginia' },
  { code: 'WA', en: 'Washington' },
  { code: 'WV', en: 'West Virginia', es: 'Virginia Occidental' },
  { code: 'WI', en: 'Wisconsin' },
  { code: 'WY', en: 'Wyoming' },
];

const CA_REGIONS: Region[] = [
  { code: 'AB', en: 'Alberta' },
  { code: 'BC', en: 'British Columbia', es: 'Columbia Británica' },
  { code: 'MB', en: 'Manitoba' },
  { code: 'NB', en: 'New Brunswick', es: 'Nuevo Brunswick' },
  { code: 'NL', en: 'Newfoundland and Labrador', es: 'Terranova y Labrador' },
  { code: 'NT', en: 'Northwest Territories', es: 'Territorios del Noroeste' },
  { code: 'NS', en: 'Nova Scotia', es: 'Nueva Escocia' },
  { code: 'NU', en: 'Nunavut' },
  { code: 'ON', en: 'Ontario' },
  { code: 'PE', en: 'Prince Edward Island', es: 'Isla del Príncipe Eduardo' },
  { code: 'QC', en: 'Quebec', es: 'Quebec' },
  { code: 'SK', en: 'Saskatchewan' },
  { code: 'YT', en: 'Yukon' },
];

const REGIONS: Record<string, Region[]> = { US: US_REGIONS, CA: CA_REGIONS };

/** True for countries taxed by state/province, where the region is required. */
export function needsRegion(country: string): boolean {
  return country in REGIONS;
}

/** The country's regions named in `language`, sorted by that name; [] when none are needed. */
export function regionOptions(country: string, language: string): { code: string; name: string }[] {
  const list = REGIONS[country] ?? [];
  const named = list.map((r) => ({ code: r.code, name: (language === 'es' ? r.es : undefined) ?? r.en }));
  return named.sort((a, b) => a.name.localeCompare(b.name, language));
}

/** The country's name in the UI language, from the browser's CLDR data ("DE" → "Alemania"). */
export function countryName(code: string, language: string): string {
  try {
    return new Intl.DisplayNames([language], { type: 'region' }).of(code) ?? code;
  } catch {
    return code;
  }
}

/** All countries, named and sorted in `language`. */
export function countryOptions(language: string): { code: string; name: string }[] {
  return COUNTRY_CODES.map((code) => ({ code, name: countryName(code, language) })).sort((a, b) =>
    a.name.localeCompare(b.name, language),
  );
}

/** A guess at the buyer's country from the browser's language tags ("es-MX" → "MX"). */
export function guessCountry(languages: readonly string[]): string {
  const known = new Set<string>(COUNTRY_CODES);
  for (const tag of languages) {
    const region = tag.split('-')[1]?.toUpperCase();
    if (region && known.has(region)) return region;
  }
  return '';
}

/** "4242 4242-4242 4242" → "4242424242424242"; null when anything but digits, spaces or dashes. */
export function normalizeCardNumber(input: string): string | null {
  const stripped = input.replace(/[\s\u00a0-]/g, '');
  if (!/^\d{12,19}$/.test(stripped)) return null;
  return stripped;
}

/** The test payment provider's token for a card number. */
export function testCardToken(digits: string): string {
  return `test_card_${digits}`;
}

/** Groups digits by four as the buyer types: "42424242" → "4242 4242". */
export function formatCardInput(input: string): string {
  const digits = input.replace(/\D/g, '').slice(0, 19);
  return digits.replace(/(\d{4})(?=\d)/g, '$1 ');
}

export interface CheckoutForm {
  email: string;
  name: string;
  country: string;
  region: string;
  postal_code: string;
  card: string;
  consent: boolean;
}

export type CheckoutField = keyof CheckoutForm;

/** Which form field shows an API error about `param`. */
export const CHECKOUT_FIELD_FOR_PARAM: Record<string, CheckoutField> = {
  email: 'email',
  name: 'name',
  country: 'country',
  region: 'region',
  postal_code: 'postal_code',
  payment_token: 'card',
  consent_immediate_delivery: 'consent',
};

/** The same for error codes that name no param but clearly belong to a field. */
export const CHECKOUT_FIELD_FOR_CODE: Record<string, CheckoutField> = {
  card_declined: 'card',
  insufficient_funds: 'card',
  payment_token_invalid: 'card',
  consent_required: 'consent',
  region_required: 'region',
  region_invalid: 'region',
  country_invalid: 'country',
};

const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+$/;

/** Checks the form and builds the request body; errors are i18n keys per field. */
export function buildCheckout(
  form: CheckoutForm,
  line: { store: string; product_id: string; tier_id: string; quantity: number },
): { ok: true; body: CheckoutInput } | { ok: false; errors: Partial<Record<CheckoutField, string>> } {
  const errors: Partial<Record<CheckoutField, string>> = {};
  const email = form.email.trim();
  if (!email) errors.email = 'validation.required';
  else if (!EMAIL_SHAPE.test(email)) errors.email = 'validation.email';
  const name = form.name.trim();
  if (!name) errors.name = 'validation.required';
  const country = form.country.trim().toUpperCase();
  if (!country) errors.country = 'validation.required';
  const regionNeeded = needsRegion(country);
  if (regionNeeded && !form.region) errors.region = 'validation.required';
  const digits = normalizeCardNumber(form.card);
  if (!form.card.trim()) errors.card = 'validation.required';
  else if (!digits) errors.card = 'checkout.cardInvalid';
  const consentNeeded = requiresConsent(country);
  if (consentNeeded && !form.consent) errors.consent = 'checkout.consentRequired';
  if (!Number.isSafeInteger(line.quantity) || line.quantity < 1) return { ok: false, errors: { ...errors } };
  if (Object.keys(errors).length > 0 || !digits) return { ok: false, errors };

  const body: CheckoutInput = {
    store: line.store,
    items: [{ product_id: line.product_id, tier_id: line.tier_id, quantity: line.quantity }],
    email,
    name,
    country,
    payment_token: testCardToken(digits),
  };
  if (regionNeeded) body.region = form.region;
  const postal = form.postal_code.trim();
  if (postal) body.postal_code = postal;
  if (consentNeeded) body.consent_immediate_delivery = true;
  return { ok: true, body };
}

/** Parses the `qty` query parameter: a whole number 1…999, else 1. */
export function parseQuantity(value: string | null): number {
  if (!value || !/^\d{1,3}$/.test(value)) return 1;
  const n = Number.parseInt(value, 10);
  return n >= 1 ? n : 1;
}

/** A tax rate in parts per million as a percentage string: 190000 → "19", 72500 → "7.25". */
export function formatRatePpm(ppm: number): string {
  const whole = Math.floor(ppm / 10000);
  const fraction = String(ppm % 10000).padStart(4, '0').replace(/0+$/, '');
  return fraction ? `${whole}.${fraction}` : String(whole);
}
