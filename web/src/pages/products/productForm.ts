// The product editor's form, as pure functions: the API's product ↔ the strings in the form,
// the create/PATCH body, and which field an API error `param` points at. Money is converted with
// string arithmetic (money.ts).
import type { Product, ProductInput, ProductLink, TierInput } from '../../api';
import { formatMinorAsMajor, minorDigits, parseMajorToMinor, type DecimalParseError } from '../../money';

export interface TierForm {
  /** Present for a tier the server already has: sent back so the tier keeps its id. */
  id?: string;
  /** Stable React key, also for new tiers. */
  key: string;
  name: string;
  price: string;
  terms: string;
}

export interface LinkForm {
  key: string;
  label: string;
  url: string;
}

export interface ProductForm {
  title: string;
  description: string;
  tiers: TierForm[];
  license_keys: boolean;
  links: LinkForm[];
  support_material_ids: string[];
  bundle_product_ids: string[];
}

/** An error location in the form: "title", "tiers.0.price", "links.1.url", "files", … */
export type FormPath = string;

export interface FieldProblem {
  key: string;
  values?: Record<string, unknown>;
}

let keySeq = 0;
export function newKey(prefix: string): string {
  keySeq += 1;
  return `${prefix}-${keySeq}`;
}

export function emptyTier(name = ''): TierForm {
  return { key: newKey('tier'), name, price: '', terms: '' };
}

export function emptyProductForm(): ProductForm {
  return {
    title: '',
    description: '',
    tiers: [emptyTier()],
    license_keys: false,
    links: [],
    support_material_ids: [],
    bundle_product_ids: [],
  };
}

export function productToForm(product: Product): ProductForm {
  return {
    title: product.title,
    description: product.description,
    tiers: product.tiers.map((t) => ({
      id: t.id,
      key: t.id,
      name: t.name,
      price: formatMinorAsMajor(t.price_minor, product.currency),
      terms: t.terms,
    })),
    license_keys: product.license_keys,
    links: product.links.map((l) => ({ key: newKey('link'), label: l.label, url: l.url })),
    support_material_ids: [...product.support_material_ids],
    bundle_product_ids: [...product.bundle_product_ids],
  };
}

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

const URL_SHAPE = /^https?:\/\/\S+$/i;

/**
 * Validates the form and returns the full body (create) — the editor sends it whole on save,
 * which PATCH accepts too (`tiers` replaces the list; existing tiers carry their id).
 */
export function formToInput(
  form: ProductForm,
  currency: string,
): { ok: true; input: Required<Omit<ProductInput, never>> } | { ok: false; errors: Record<FormPath, FieldProblem> } {
  const errors: Record<FormPath, FieldProblem> = {};
  const title = form.title.trim();
  if (!title) errors.title = { key: 'validation.required' };

  const tiers: TierInput[] = [];
  form.tiers.forEach((tier, i) => {
    const name = tier.name.trim();
    if (!name) errors[`tiers.${i}.name`] = { key: 'validation.required' };
    const price = parseMajorToMinor(tier.price, currency);
    if (!price.ok) errors[`tiers.${i}.price`] = decimalProblem(price.error, minorDigits(currency));
    const out: TierInput = { name, price_minor: price.ok ? price.value : 0, terms: tier.terms.trim() };
    if (tier.id) out.id = tier.id;
    tiers.push(out);
  });

  const links: ProductLink[] = [];
  form.links.forEach((link, i) => {
    const label = link.label.trim();
    const url = link.url.trim();
    if (!label && !url) return; // an untouched empty row
    if (!label) errors[`links.${i}.label`] = { key: 'validation.required' };
    if (!url) errors[`links.${i}.url`] = { key: 'validation.required' };
    else if (!URL_SHAPE.test(url)) errors[`links.${i}.url`] = { key: 'productEditor.linkUrlInvalid' };
    links.push({ label, url });
  });

  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return {
    ok: true,
    input: {
      title,
      description: form.description.trim(),
      tiers,
      license_keys: form.license_keys,
      links,
      support_material_ids: [...form.support_material_ids],
      bundle_product_ids: [...form.bundle_product_ids],
    },
  };
}

/**
 * Where in the form an API `param` points: "tiers[0].terms" and "tiers.0.terms" → "tiers.0.terms";
 * "bundle_product_ids[2]" → "bundle_product_ids"; "tiers[1].price_minor" → "tiers.1.price";
 * unknown → null (shown above the form).
 */
export function formPathForParam(param: string | null): FormPath | null {
  if (!param) return null;
  const parts = param
    .replace(/\[(\d+)\]/g, '.$1')
    .split('.')
    .filter(Boolean);
  const [head, index, field] = parts;
  switch (head) {
    case 'title':
    case 'description':
    case 'license_keys':
    case 'files':
      return head;
    case 'tiers':
      if (index !== undefined && /^\d+$/.test(index)) {
        const sub = field === 'price_minor' ? 'price' : field;
        if (sub === 'name' || sub === 'price' || sub === 'terms') return `tiers.${index}.${sub}`;
        return `tiers.${index}`;
      }
      return 'tiers';
    case 'links':
      if (index !== undefined && /^\d+$/.test(index) && (field === 'label' || field === 'url')) return `links.${index}.${field}`;
      return 'links';
    case 'support_material_ids':
      return 'support_material_ids';
    case 'bundle_product_ids':
      return 'bundle_product_ids';
    default:
      return null;
  }
}

export function formsEqual(a: ProductForm, b: ProductForm): boolean {
  const strip = (f: ProductForm) =>
    JSON.stringify({
      ...f,
      tiers: f.tiers.map(({ id, name, price, terms }) => ({ id, name, price, terms })),
      links: f.links.map(({ label, url }) => ({ label, url })),
    });
  return strip(a) === strip(b);
}

/** The tier prices of a product, for the list's price range. */
export function tierPrices(product: { tiers: { price_minor: number }[] }): number[] {
  return product.tiers.map((t) => t.price_minor);
}

/** Bytes in a human unit ("1.5 MB"), with the locale's decimal separator. Display only. */
export function formatBytes(bytes: number, locale: string): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  return `${new Intl.NumberFormat(locale, { maximumFractionDigits: digits }).format(value)} ${units[unit]}`;
}
