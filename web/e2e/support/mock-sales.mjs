// The Sales view endpoints of the mock server (Issue 4 contract, notes/contract.md): a small,
// deterministic set of orders for the demo store, searched and filtered in memory. Enough for
// the web app to render the Sales view in a browser; the real server is the reference.

const FIRST = ['José', 'Zoë', 'Ana', 'Björn', 'Chloé', 'Łukasz', 'Sofía', 'Noah', 'Amélie', 'Mateo', 'Yuki', 'Siobhán'];
const LAST = ['Núñez', 'Åberg', 'García', "O'Brien", 'Müller', 'Dubois', 'Kowalski', 'Tanaka', 'Rossi', 'Silva'];
const COUNTRIES = [
  ['DE', 190000, 'VAT'],
  ['ES', 210000, 'IVA'],
  ['US', 0, 'Sales tax'],
  ['FR', 200000, 'TVA'],
  ['GB', 200000, 'VAT'],
  ['JP', 100000, 'JCT'],
];
const BRANDS = [
  ['visa', '4242'],
  ['mastercard', '4444'],
  ['amex', '0005'],
];

const fold = (s) =>
  s
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/ł/g, 'l')
    .replace(/ø/g, 'o')
    .toLowerCase();

/** Builds `count` orders for a store, newest `now` minus a few hours each, oldest ~40 days back. */
export function seedSales(store, count = 48, now = Date.now()) {
  const products = [
    { id: 'prd_fieldnotes', title: 'Field Notes Font', tiers: [['tier_p1', 'Personal', 1500], ['tier_c1', 'Commercial', 4900]] },
    { id: 'prd_icons', title: 'Line Icons Pack', tiers: [['tier_p2', 'Personal', 900], ['tier_e2', 'Extended commercial', 9900]] },
    { id: 'prd_course', title: 'Lettering Course', tiers: [['tier_s3', 'Standard', 3900]] },
  ];
  const orders = [];
  let seed = 7;
  const rand = (n) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  for (let i = 0; i < count; i++) {
    const first = FIRST[i % FIRST.length];
    const last = LAST[(i * 7) % LAST.length];
    const product = products[rand(products.length)];
    const [tierId, tier, price] = product.tiers[rand(product.tiers.length)];
    const [country, ratePpm, label] = COUNTRIES[rand(COUNTRIES.length)];
    const [brand, last4] = BRANDS[rand(BRANDS.length)];
    const quantity = rand(8) === 0 ? 2 : 1;
    const subtotal = price * quantity;
    const tax = Math.floor((subtotal * ratePpm + 500000) / 1000000);
    const total = subtotal + tax;
    const status = i % 11 === 3 ? 'refunded' : i % 13 === 5 ? 'partially_refunded' : i % 17 === 8 ? 'refund_processing' : 'complete';
    const refunded = status === 'refunded' ? total : status === 'partially_refunded' ? Math.floor(total / 2) : 0;
    const createdAt = new Date(now - (i * 20 + rand(10)) * 3600 * 1000).toISOString();
    const n = String(1000 + i);
    const fee = Math.floor((subtotal * store.fee_percent_bp + 5000) / 10000) + store.fee_fixed_minor;
    const customerIndex = i % (FIRST.length * 2); // customers come back
    orders.push({
      id: `SD-${n.slice(0, 2)}K${i % 10}-${n}`,
      created_at: createdAt,
      status,
      currency: store.currency,
      customer: {
        id: `cus_${customerIndex}`,
        name: `${first} ${last}`,
        email: `${fold(first)}.${fold(last).replace(/[^a-z]/g, '')}@example.${i % 3 === 0 ? 'org' : 'com'}`,
        country,
      },
      lines: [
        {
          id: `ln_${i}`,
          product: { id: product.id, title: product.title },
          tier,
          tier_id: tierId,
          terms: `${tier} use as described on the product page.`,
          quantity,
          unit_price_minor: price,
          price_minor: subtotal,
          tax_minor: tax,
          total_minor: total,
          refunded_minor: refunded,
          status,
          license_key: product.id === 'prd_icons' ? `ICON-${n}-${(i * 7919) % 10000}` : null,
          access: status === 'refunded' ? 'revoked' : 'active',
          entitlement_id: `ent_${i}`,
          downloads: { count: i % 4, files: i % 4 ? [{ file_id: `file_${product.id}`, filename: `${product.id.slice(4)}.zip`, count: i % 4 }] : [] },
        },
      ],
      subtotal_minor: subtotal,
      tax_minor: tax,
      total_minor: total,
      fee_minor: fee,
      net_minor: subtotal - fee,
      refunded_minor: refunded,
      tax: { country, region: '', rate_ppm: ratePpm, label, evidence: { declared_country: country } },
      payment: { brand, last4 },
      available_at: new Date(Date.parse(createdAt) + store.hold_period_days * 86400000).toISOString(),
      status_history: [
        { status: 'paid', at: createdAt, note: '' },
        ...(status !== 'complete' ? [{ status, at: new Date(Date.parse(createdAt) + 86400000).toISOString(), note: '' }] : []),
      ],
      refunds: [],
    });
  }
  return { products, orders };
}

function saleRows(orders) {
  return orders.flatMap((o) =>
    o.lines.map((l) => ({
      order_id: o.id,
      line_id: l.id,
      created_at: o.created_at,
      product: l.product,
      tier: l.tier,
      quantity: l.quantity,
      customer: { id: o.customer.id, name: o.customer.name, email: o.customer.email },
      status: l.status,
      price_minor: l.price_minor,
      tax_minor: l.tax_minor,
      total_minor: l.total_minor,
      refunded_minor: l.refunded_minor,
      currency: o.currency,
      country: o.customer.country,
      region: '',
      payment: o.payment,
      license_key: l.license_key,
    })),
  );
}

const KNOWN = new Set(['q', 'status', 'product_id', 'tier', 'country', 'from', 'to', 'min_total_minor', 'max_total_minor', 'sort', 'limit', 'cursor', 'interval', 'bom']);
const STATUSES = new Set(['complete', 'refunded', 'partially_refunded', 'refund_processing', 'disputed']);

function bound(value, param, end) {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const t = Date.parse(`${value}T00:00:00Z`);
    if (Number.isNaN(t)) return { error: param };
    return { at: end ? t + 86400000 : t };
  }
  const t = Date.parse(value);
  return Number.isNaN(t) ? { error: param } : { at: t };
}

/** Applies the filters; returns { rows } or { error: param }. */
function filter(rows, params, allowed) {
  for (const key of params.keys()) if (!KNOWN.has(key) || !allowed.has(key)) return { error: key, code: 'unknown_parameter' };
  let out = rows;
  const q = fold((params.get('q') ?? '').trim());
  if (q) {
    out = out.filter((r) =>
      [r.order_id, r.customer.name, r.customer.email, r.customer.email.split('@')[1], r.product.title, r.license_key ?? ''].some((f) =>
        fold(f).includes(q),
      ),
    );
  }
  const status = params.get('status');
  if (status) {
    const wanted = status.split(',');
    if (!wanted.every((s) => STATUSES.has(s))) return { error: 'status' };
    out = out.filter((r) => wanted.includes(r.status));
  }
  const productId = params.get('product_id');
  if (productId) out = out.filter((r) => r.product.id === productId);
  const tier = params.get('tier');
  if (tier) out = out.filter((r) => r.tier === tier);
  const country = params.get('country');
  if (country) {
    if (!/^[A-Za-z]{2}$/.test(country)) return { error: 'country' };
    out = out.filter((r) => r.country === country.toUpperCase());
  }
  for (const [param, end] of [
    ['from', false],
    ['to', true],
  ]) {
    const value = params.get(param);
    if (!value) continue;
    const b = bound(value, param, end);
    if (b.error) return { error: b.error };
    out = out.filter((r) => (end ? Date.parse(r.created_at) < b.at : Date.parse(r.created_at) >= b.at));
  }
  for (const [param, min] of [
    ['min_total_minor', true],
    ['max_total_minor', false],
  ]) {
    const value = params.get(param);
    if (!value) continue;
    if (!/^\d+$/.test(value)) return { error: param };
    out = out.filter((r) => (min ? r.total_minor >= Number(value) : r.total_minor <= Number(value)));
  }
  return { rows: out };
}

function sortRows(rows, sort) {
  const key = sort.replace(/^-/, '') === 'total' ? (r) => r.total_minor : (r) => Date.parse(r.created_at);
  const dir = sort.startsWith('-') ? -1 : 1;
  return [...rows].sort((a, b) => dir * (key(a) - key(b)) || dir * a.line_id.localeCompare(b.line_id));
}

const csvField = (value) => {
  let s = value == null ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
};
const major = (minor) => (minor / 100).toFixed(2);

/**
 * Handles the sales routes for `store` (its data in `data`, or none for a new store).
 * Returns an answer `{status, body}` / `{status, raw, headers}`, or null when the path is not one of them.
 */
export function salesRoute({ method, path, params, store, data, HttpError }) {
  if (method !== 'GET') return null;
  const invalid = (param, code = 'invalid_parameter') =>
    new HttpError(400, 'invalid_request', code, `The parameter ${param} is not valid.`, param);
  const orders = data?.orders ?? [];
  const products = data?.products ?? [];

  if (path === '/products') {
    const answer = products.map((p) => ({
      id: p.id,
      title: p.title,
      description: '',
      status: 'published',
      currency: store.currency,
      license_keys: p.id === 'prd_icons',
      tiers: p.tiers.map(([id, name, price]) => ({ id, name, price_minor: price, terms: `${name} use.` })),
      files: [],
      links: [],
      support_material_ids: [],
      support_materials: [],
      bundle_product_ids: [],
      created_at: store.created_at,
      updated_at: store.created_at,
    }));
    return { status: 200, body: { data: answer, has_more: false, next_cursor: null } };
  }

  if (path === '/sales' || path === '/sales/export.csv') {
    const csv = path.endsWith('.csv');
    const allowed = new Set(['q', 'status', 'product_id', 'tier', 'country', 'from', 'to', 'min_total_minor', 'max_total_minor', 'sort', ...(csv ? ['bom'] : ['limit', 'cursor'])]);
    const result = filter(saleRows(orders), params, allowed);
    if (result.error) throw invalid(result.error, result.code);
    const sort = params.get('sort') ?? '-created_at';
    if (!['created_at', '-created_at', 'total', '-total'].includes(sort)) throw invalid('sort');
    const rows = sortRows(result.rows, sort);
    if (csv) {
      const header = 'order_id,line_id,date,customer_name,customer_email,country,region,product,license_tier,quantity,unit_price,tax,tax_rate,total,currency,status,refunded_amount,payment_brand,payment_last4,license_key';
      const lines = rows.map((r) => {
        const o = orders.find((x) => x.id === r.order_id);
        const l = o.lines.find((x) => x.id === r.line_id);
        return [r.order_id, r.line_id, r.created_at, r.customer.name, r.customer.email, r.country, '', r.product.title, r.tier, r.quantity, major(l.unit_price_minor), major(r.tax_minor), o.tax.rate_ppm / 10000, major(r.total_minor), r.currency, r.status, major(r.refunded_minor), r.payment.brand, r.payment.last4, r.license_key ?? '']
          .map(csvField)
          .join(',');
      });
      const text = (params.get('bom') === '1' ? '\ufeff' : '') + [header, ...lines].join('\r\n') + '\r\n';
      const day = new Date().toISOString().slice(0, 10).replaceAll('-', '');
      return {
        status: 200,
        raw: text,
        headers: { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': `attachment; filename="sales-${store.slug}-${day}.csv"` },
      };
    }
    const limit = Number(params.get('limit') ?? 50);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw invalid('limit');
    // Cursor: offset + a fingerprint of the filters (a cursor from another filter is refused).
    const fingerprint = [...params].filter(([k]) => k !== 'cursor' && k !== 'limit').map(([k, v]) => `${k}=${v}`).sort().join('&');
    let offset = 0;
    const cursor = params.get('cursor');
    if (cursor) {
      const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
      const at = decoded.indexOf('|');
      if (at < 0 || decoded.slice(at + 1) !== fingerprint) throw invalid('cursor');
      offset = Number(decoded.slice(0, at));
    }
    const page = rows.slice(offset, offset + limit);
    const more = offset + limit < rows.length;
    return {
      status: 200,
      body: {
        data: page,
        has_more: more,
        next_cursor: more ? Buffer.from(`${offset + limit}|${fingerprint}`).toString('base64url') : null,
        summary: { count: rows.length, total_minor: rows.reduce((s, r) => s + r.total_minor, 0), currency: store.currency },
      },
    };
  }

  if (path === '/sales/timeseries') {
    const allowed = new Set(['q', 'status', 'product_id', 'tier', 'country', 'from', 'to', 'min_total_minor', 'max_total_minor', 'interval']);
    const result = filter(saleRows(orders), params, allowed);
    if (result.error) throw invalid(result.error, result.code);
    const day = 86400000;
    const today = Math.floor(Date.now() / day) * day;
    const from = params.get('from') ? bound(params.get('from'), 'from', false).at : today - 29 * day;
    const to = params.get('to') ? bound(params.get('to'), 'to', true).at : today + day;
    const days = Math.max(1, Math.ceil((to - from) / day));
    const interval = params.get('interval') ?? (days <= 92 ? 'day' : days <= 730 ? 'week' : 'month');
    if (!['day', 'week', 'month'].includes(interval)) throw invalid('interval');
    const step = interval === 'day' ? day : interval === 'week' ? 7 * day : 30 * day;
    const start = Math.floor(from / day) * day;
    const buckets = [];
    for (let t = start; t < to; t += step) buckets.push({ period_start: new Date(t).toISOString().replace('.000Z', 'Z'), count: 0, total_minor: 0 });
    for (const r of result.rows) {
      const at = Date.parse(r.created_at);
      if (at < from || at >= to) continue;
      const b = buckets[Math.floor((at - start) / step)];
      if (b) {
        b.count += 1;
        b.total_minor += r.total_minor;
      }
    }
    return { status: 200, body: { interval, currency: store.currency, data: buckets } };
  }

  let m = /^\/orders\/([^/]+)$/.exec(path);
  if (m) {
    const order = orders.find((o) => o.id === decodeURIComponent(m[1]));
    if (!order) throw new HttpError(404, 'not_found', 'not_found', 'No such order.', null);
    const { lines, ...rest } = order;
    return { status: 200, body: { ...rest, lines: lines.map(({ tier_id: _t, ...l }) => l) } };
  }

  m = /^\/customers\/([^/]+)(\/transactions)?$/.exec(path);
  if (m) {
    const id = decodeURIComponent(m[1]);
    const mine = orders.filter((o) => o.customer.id === id);
    if (mine.length === 0) throw new HttpError(404, 'not_found', 'not_found', 'No such customer.', null);
    const purchases = mine.reduce((s, o) => s + o.total_minor, 0);
    const refunds = mine.reduce((s, o) => s + o.refunded_minor, 0);
    if (!m[2]) {
      const c = mine[0].customer;
      return {
        status: 200,
        body: {
          ...c,
          created_at: mine[mine.length - 1].created_at,
          currency: store.currency,
          orders_count: mine.length,
          total_spent_minor: purchases,
          refunded_minor: refunds,
          first_order_at: mine[mine.length - 1].created_at,
          last_order_at: mine[0].created_at,
        },
      };
    }
    const tx = mine.map((o) => ({
      type: 'purchase',
      id: `pur_${o.id}`,
      order_id: o.id,
      created_at: o.created_at,
      description: o.lines.map((l) => l.product.title).join(', '),
      amount_minor: o.total_minor,
      currency: o.currency,
      status: o.status,
    }));
    const limit = Number(params.get('limit') ?? 50);
    const offset = Number(params.get('cursor') ?? 0);
    const page = tx.slice(offset, offset + limit);
    const more = offset + limit < tx.length;
    return {
      status: 200,
      body: {
        data: page,
        has_more: more,
        next_cursor: more ? String(offset + limit) : null,
        totals: { count: tx.length, purchases_minor: purchases, refunds_minor: refunds, net_minor: purchases - refunds, currency: store.currency },
      },
    };
  }
  return null;
}
