// Selling helpers for the API tests: a seller with published products (through the API only),
// checkout bodies, test cards, the expected tax and platform fee (computed here, independently
// of the server), the test clock and fault switches, direct database queries (for the
// append-only and balanced-ledger checks) and a seeded PRNG.
//
//   const shop = await createShop(server, {
//     store: { fee_percent_bp: 250 },
//     products: { brush: { tiers: [{ name: 'Personal', price_minor: 1000 }], files: [{ filename: 'a.zip', bytes }] } },
//   });
//   const res = await checkout(new Client(server), shop, [{ product: 'brush' }], { country: 'DE', consent_immediate_delivery: true });
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Client, expectStatus, signupSeller, uniqueEmail, describe as describeRes } from './client.mjs';

// ---------------------------------------------------------------------------------------------
// Tax and fees, computed independently of the server.

/**
 * Expected rates in parts per million for the jurisdictions the tests use, copied by hand from
 * resources/tax_rates.csv (rows in force in 2025–2026). A key is `CC` or `CC-RR`.
 */
export const RATE_PPM = {
  DE: 190000, // VAT 19%
  FR: 200000, // VAT 20%
  IT: 220000, // VAT 22%
  GB: 200000, // VAT 20% (not EU: no consent needed)
  NO: 250000, // VAT 25%
  CH: 81000, // VAT 8.1%
  JP: 100000, // JCT 10%
  AU: 100000, // GST 10%
  BR: 0, // no row
  'US-WA': 93800, // 9.38%
  'US-NY': 85300, // 8.53%
  'US-NJ': 66250, // 6.625%
  'US-OR': 0, // no sales tax
  'US-CA': 0, // digital goods not taxed
  'CA-ON': 130000, // HST 13%
  'CA-QC': 149750, // GST+QST 14.975%
  'CA-AB': 50000, // GST 5%
};

export const TAX_LABEL = { DE: 'VAT', FR: 'VAT', IT: 'VAT', GB: 'VAT', NO: 'VAT', CH: 'VAT', JP: 'JCT', AU: 'GST', 'US-WA': 'Sales tax', 'US-NY': 'Sales tax', 'US-NJ': 'Sales tax', 'CA-ON': 'HST', 'CA-QC': 'GST+QST', 'CA-AB': 'GST' };

export const EU = new Set(['AT', 'BE', 'BG', 'CY', 'CZ', 'DE', 'DK', 'EE', 'ES', 'FI', 'FR', 'GR', 'HR', 'HU', 'IE', 'IT', 'LT', 'LU', 'LV', 'MT', 'NL', 'PL', 'PT', 'RO', 'SE', 'SI', 'SK']);

/** `{country, region?}` from a RATE_PPM key. */
export function place(key) {
  const [country, region] = key.split('-');
  return region ? { country, region } : { country };
}

/** amount × ppm / 1e6 rounded half-up (amount ≥ 0), exactly (BigInt). */
export function halfUp(amount, ppm) {
  const a = BigInt(amount);
  const r = BigInt(ppm);
  return Number((a * r + 500000n) / 1000000n);
}

/** Tax on one line: half-up on the line's subtotal (unit price × quantity). */
export function lineTax(subtotal, ppm) {
  return halfUp(subtotal, ppm);
}

/** Platform fee on an order's subtotal: half-up(subtotal × bp / 10000) + fixed, capped at the subtotal. */
export function platformFee(subtotal, bp = 500, fixed = 30) {
  if (subtotal <= 0) return 0;
  return Math.min(halfUp(subtotal, bp * 100) + fixed, subtotal);
}

/** The seller's net of an order (what the creator account is owed). */
export function netOf(subtotal, store = {}) {
  return subtotal - platformFee(subtotal, store.fee_percent_bp ?? 500, store.fee_fixed_minor ?? 30);
}

/**
 * Check an order answer against the expected arithmetic: each line's subtotal = unit × qty,
 * tax = half-up(subtotal × ppm), total = subtotal + tax; the order's sums; the rate.
 * `ppm` is the expected rate. Returns the order's subtotal.
 */
export function checkOrderMath(order, ppm, what = 'order') {
  const ctx = `${what} ${order?.id}: ${JSON.stringify(order)}`;
  assert.ok(Array.isArray(order.lines) && order.lines.length > 0, `no lines: ${ctx}`);
  let sub = 0;
  let tax = 0;
  for (const l of order.lines) {
    assert.equal(l.subtotal_minor, l.unit_price_minor * l.quantity, `line subtotal: ${ctx}`);
    assert.equal(l.tax_minor, lineTax(l.subtotal_minor, ppm), `line tax (half-up per line): ${ctx}`);
    assert.equal(l.total_minor, l.subtotal_minor + l.tax_minor, `line total: ${ctx}`);
    sub += l.subtotal_minor;
    tax += l.tax_minor;
  }
  assert.equal(order.subtotal_minor, sub, `order subtotal: ${ctx}`);
  assert.equal(order.tax_minor, tax, `order tax: ${ctx}`);
  assert.equal(order.total_minor, order.subtotal_minor + order.tax_minor, `order total: ${ctx}`);
  assert.equal(order.tax?.rate_ppm, ppm, `tax.rate_ppm: ${ctx}`);
  return sub;
}

// ---------------------------------------------------------------------------------------------
// Test cards.

/** Complete `prefix` with random digits and a Luhn check digit to `length` digits. */
export function luhnNumber(prefix, length = 16) {
  let body = prefix;
  while (body.length < length - 1) body += String(randomBytes(1)[0] % 10);
  return body + luhnCheckDigit(body);
}

export function luhnCheckDigit(body) {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    let d = Number(body[body.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return String((10 - (sum % 10)) % 10);
}

export const CARDS = {
  visa: '4242424242424242',
  mastercard: '5555555555554444',
  amex: '378282246310005',
  declined: '4000000000000002',
  insufficient: '4000000000009995',
  notLuhn: '4242424242424241',
  de: '4000002760000016', // card country DE (prefix 4000002760)
  gb: '4000008260000000', // card country GB
  ca: '4000001240000000', // card country CA
};
for (const [k, n] of Object.entries(CARDS)) {
  if (k === 'notLuhn') continue;
  if (luhnCheckDigit(n.slice(0, -1)) !== n.slice(-1)) CARDS[k] = n.slice(0, -1) + luhnCheckDigit(n.slice(0, -1));
}

export const card = (number) => `test_card_${number}`;

// ---------------------------------------------------------------------------------------------
// Sellers and products through the API.

/** A valid tier list: one tier per price. */
export function tiersFor(...prices) {
  return prices.map((p, i) => ({ name: `Tier ${i + 1} (${p})`, price_minor: p, terms: `Terms of tier ${i + 1}: personal use.` }));
}

/**
 * Create a product as `client` (a seller) and, unless publish:false, publish it.
 * spec: {title, description, tiers | prices, license_keys, bundle_product_ids, support_material_ids,
 *        links, files: [{filename, bytes}], publish=true}
 * Returns the product as the API last answered (with tiers), plus `uploaded: [{id, filename, bytes}]`.
 */
export async function createSellingProduct(client, spec = {}) {
  const body = {
    title: spec.title ?? `Product ${randomBytes(3).toString('hex')}`,
    description: spec.description ?? 'A product made for the selling tests.',
    tiers: spec.tiers ?? tiersFor(...(spec.prices ?? [1000])),
  };
  for (const k of ['license_keys', 'bundle_product_ids', 'support_material_ids', 'links']) {
    if (spec[k] !== undefined) body[k] = spec[k];
  }
  const res = await client.post('/api/v1/products', body);
  expectStatus(res, 201);
  let product = res.json;
  assert.match(product.id, /^prd_/);
  const uploaded = [];
  for (const f of spec.files ?? []) {
    const up = await client.request('POST', `/api/v1/products/${product.id}/files?filename=${encodeURIComponent(f.filename)}`, {
      body: f.bytes,
      headers: { 'content-type': f.contentType ?? 'application/octet-stream' },
    });
    expectStatus(up, 201);
    assert.match(up.json.id, /^file_/);
    uploaded.push({ id: up.json.id, filename: f.filename, bytes: Buffer.from(f.bytes) });
  }
  if (spec.publish !== false) {
    const pub = await client.post(`/api/v1/products/${product.id}/publish`);
    expectStatus(pub, 200);
    assert.equal(pub.json.status, 'published');
    product = pub.json;
  }
  return { ...product, uploaded };
}

/**
 * A seller with a store and products. `server` is the server object (or holder with .url).
 * opts: {store: PATCH body, products: {name: spec}} (products are created in order, so a
 * bundle may name earlier products with `bundle: ['name', …]`).
 * Returns {client, seller, store (as patched), slug, products: {name: product}}.
 */
export async function createShop(server, { store, products = {}, storeName } = {}) {
  const client = new Client(server);
  const seller = await signupSeller(client, storeName ? { store_name: storeName } : {});
  let storeObj = seller.store;
  if (store && Object.keys(store).length) {
    const res = await client.patch('/api/v1/store', store);
    expectStatus(res, 200);
    storeObj = res.json;
  }
  const made = {};
  for (const [name, spec] of Object.entries(products)) {
    const s = { ...spec };
    if (s.bundle) {
      s.bundle_product_ids = s.bundle.map((n) => made[n].id);
      delete s.bundle;
    }
    made[name] = await createSellingProduct(client, s);
  }
  return { client, seller, store: storeObj, slug: storeObj.slug, products: made };
}

/**
 * A checkout body. items: [{product: name | productObject, tier?: index | tierId, quantity?}].
 * over: any top-level field (country, region, email, payment_token, …); default: a US-OR
 * guest with a visa card.
 */
export function checkoutBody(shop, items, over = {}) {
  return {
    store: shop.slug,
    items: items.map((it) => {
      const p = typeof it.product === 'string' ? shop.products[it.product] : it.product;
      assert.ok(p, `unknown product ${it.product}`);
      const tierId = typeof it.tier === 'string' ? it.tier : p.tiers[it.tier ?? 0].id;
      return { product_id: p.id, tier_id: tierId, quantity: it.quantity ?? 1 };
    }),
    email: uniqueEmail('buyer'),
    name: 'Bea Buyer',
    country: 'US',
    region: 'OR',
    payment_token: card(CARDS.visa),
    ...over,
  };
}

/** POST /checkout as `client` (a fresh guest Client unless given). Returns the response. */
export function checkout(client, shop, items, over = {}, opts = {}) {
  return client.post('/api/v1/checkout', checkoutBody(shop, items, over), opts);
}

/** checkout() that must succeed; returns {res, order, client}. */
export async function buy(server, shop, items, over = {}, { client } = {}) {
  client ??= new Client(server);
  const res = await checkout(client, shop, items, over);
  expectStatus(res, 201);
  assert.ok(res.json?.order, `no order: ${describeRes(res)}`);
  return { res, order: res.json.order, client };
}

/** GET /me so that a guest's cookie client also holds the CSRF token (for POSTs). */
export async function withCsrf(client) {
  const me = await client.get('/api/v1/me');
  expectStatus(me, 200);
  return client;
}

export async function getBalance(sellerClient) {
  const res = await sellerClient.get('/api/v1/balance');
  expectStatus(res, 200);
  return res.json;
}

// ---------------------------------------------------------------------------------------------
// Test mode switches.

export async function advanceClock(server, seconds) {
  const res = await new Client(server).post('/api/v1/test/clock', { advance_seconds: seconds });
  expectStatus(res, 200);
  return res.json;
}

export async function getClock(server) {
  const res = await new Client(server).get('/api/v1/test/clock');
  expectStatus(res, 200);
  return res.json;
}

export async function setCheckoutFaults(server, n) {
  const res = await new Client(server).post('/api/v1/test/faults', { checkout_commit_failures: n });
  expectStatus(res, 200);
  return res.json;
}

/** Microseconds since the epoch of an RFC 3339 UTC time with up to 6 decimals. */
export function micros(rfc3339) {
  const m = /^(.*T\d{2}:\d{2}:\d{2})(?:\.(\d{1,6}))?Z$/.exec(rfc3339);
  assert.ok(m, `not an RFC 3339 UTC time: ${rfc3339}`);
  const secs = Date.parse(`${m[1]}Z`);
  assert.ok(!Number.isNaN(secs), `bad time ${rfc3339}`);
  return secs * 1000 + Number((m[2] ?? '').padEnd(6, '0'));
}

export const DAY = 86400;

// ---------------------------------------------------------------------------------------------
// The database behind a test server.

/**
 * Run one SQL statement against the server's database with the back end's own CLI.
 * Returns {ok, stdout, stderr}; never throws on an SQL error.
 */
export function dbExec(server, sql) {
  const url = server.databaseUrl;
  let cmd;
  let args;
  if (url.startsWith('sqlite:')) {
    cmd = 'sqlite3';
    args = ['-batch', '-bail', '-cmd', '.timeout 10000', url.slice('sqlite:'.length), sql];
  } else {
    cmd = 'psql';
    args = [url, '-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-c', sql];
  }
  try {
    const stdout = execFileSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 }).toString();
    return { ok: true, stdout, stderr: '' };
  } catch (e) {
    return { ok: false, stdout: e.stdout?.toString() ?? '', stderr: e.stderr?.toString() ?? e.message };
  }
}

/** Rows of a query (lines split on '|'); throws on an SQL error. */
export function dbRows(server, sql) {
  const r = dbExec(server, sql);
  assert.ok(r.ok, `SQL failed: ${sql}\n${r.stderr}`);
  return r.stdout.split('\n').filter((l) => l.length > 0).map((l) => l.split('|'));
}

/** Journal entries whose postings do not sum to zero per currency (must be empty). */
export function unbalancedEntries(server) {
  return dbRows(server, 'SELECT entry_id, currency, SUM(amount_minor) FROM postings GROUP BY entry_id, currency HAVING SUM(amount_minor) <> 0');
}

export function serverLog(server) {
  try {
    return readFileSync(server.logPath, 'utf8');
  } catch {
    return '';
  }
}

// ---------------------------------------------------------------------------------------------
// Concurrency and randomness.

/** Run fn(item, index) over items with at most `limit` in flight; resolves to the results in order. */
export async function pool(items, limit, fn) {
  const out = new Array(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  });
  await Promise.all(workers);
  return out;
}

/** A small seeded PRNG (mulberry32) with helpers. */
export class Rng {
  constructor(seed) {
    this.seed = seed >>> 0;
    this.state = this.seed;
  }
  next() {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** integer in [lo, hi] */
  int(lo, hi) {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  pick(list) {
    return list[Math.floor(this.next() * list.length)];
  }
  chance(p) {
    return this.next() < p;
  }
}
