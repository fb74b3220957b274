// The Sales view (R-SALES-1..3, Issue 4; contract in /work/notes/contract.md): search of every
// kind, filters, sorts, keyset paging while other clients buy, the summary, the timeseries and
// the CSV export (read back by Python's csv module).
//
// The test keeps its own model of every line sold (from the checkout answers) and computes the
// expected matches itself: search = substring of the lower-cased, accent-stripped order id,
// customer name, email, product title or license key.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, test, before, after } from './support/test.mjs';
import { serverHooks, binaryPath } from './support/server.mjs';
import { Client, expectStatus, signupBuyer } from './support/client.mjs';
import { expectError, expectList, expectRfc3339 } from './support/assert.mjs';
import { createShop, buy, advanceClock, DAY, CARDS, pool } from './support/selling.mjs';

const fold = (s) => s.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();

/** Decimal text of minor units (USD: 2 digits), exactly. */
const dec = (m) => `${Math.floor(m / 100)}.${String(m % 100).padStart(2, '0')}`;
const ratePercent = (ppm) => {
  const whole = Math.floor(ppm / 10000);
  const frac = String(ppm % 10000).padStart(4, '0').replace(/0+$/, '');
  return frac ? `${whole}.${frac}` : String(whole);
};
const csvSafe = (v) => (/^[=+\-@\t\r]/.test(v) ? `'${v}` : v);

const CSV_HEADER = [
  'order_id', 'line_id', 'date', 'customer_name', 'customer_email', 'country', 'region', 'product',
  'license_tier', 'quantity', 'unit_price', 'tax', 'tax_rate', 'total', 'currency', 'status',
  'refunded_amount', 'payment_brand', 'payment_last4', 'license_key',
];

/** Rows of a CSV document as Python's csv module reads them. */
function pythonCsv(text) {
  const script =
    'import csv, io, json, sys\n' +
    'data = sys.stdin.buffer.read().decode("utf-8")\n' +
    'print(json.dumps(list(csv.reader(io.StringIO(data, newline="")))))\n';
  const r = spawnSync('python3', ['-c', script], { input: Buffer.from(text, 'utf8'), maxBuffer: 64 << 20 });
  assert.equal(r.status, 0, `python3 csv failed: ${r.stderr}`);
  return JSON.parse(r.stdout.toString());
}

describe('sales view', () => {
  const srv = serverHooks({ before, after });
  let shop; // store A
  let other; // store B
  const lines = []; // the model of A's lines
  const bLines = []; // B's lines
  const days = []; // the UTC date of each batch of A's orders

  /** Buy as a guest of `s` and record its lines in `into`. */
  async function sell(s, into, items, over) {
    const { order } = await buy(srv.server, s, items, over);
    for (const l of order.lines) {
      into.push({
        order_id: order.id,
        line_id: l.id,
        created_at: order.created_at,
        product_id: l.product.id,
        title: l.product.title,
        tier: l.tier.name,
        quantity: l.quantity,
        unit_price_minor: l.unit_price_minor,
        price_minor: l.subtotal_minor,
        tax_minor: l.tax_minor,
        total_minor: l.total_minor,
        rate_ppm: order.tax.rate_ppm,
        license_key: l.license_key,
        name: over.name,
        email: over.email,
        country: order.tax.country,
        region: order.tax.region,
        brand: order.payment.brand,
        last4: order.payment.last4,
      });
    }
    return order;
  }

  const searchable = (l) =>
    [l.order_id, l.order_id.replaceAll('-', ''), l.name, l.email, l.title, l.license_key ?? ''].map(fold);
  const matches = (q) => lines.filter((l) => searchable(l).some((f) => f.includes(fold(q).trim())));

  /** Every row of a filter, following cursors; asserts the summary on every page. */
  async function all(query = {}, { limit = 100, client = shop.client } = {}) {
    const rows = [];
    let cursor = null;
    let summary = null;
    for (let guard = 0; guard < 200; guard++) {
      const params = new URLSearchParams({ ...query, limit: String(limit) });
      if (cursor) params.set('cursor', cursor);
      const res = await client.get(`/api/v1/sales?${params}`);
      const data = expectList(res);
      summary ??= res.json.summary;
      rows.push(...data);
      if (!res.json.has_more) {
        assert.equal(res.json.next_cursor, null);
        return { rows, summary };
      }
      assert.equal(typeof res.json.next_cursor, 'string');
      cursor = res.json.next_cursor;
    }
    throw new Error('too many pages');
  }

  const ids = (rows) => rows.map((r) => r.line_id).sort();
  const modelIds = (ls) => ls.map((l) => l.line_id).sort();

  before(async () => {
    shop = await createShop(srv.server, {
      products: {
        brush: { title: 'Watercolour Brushes', tiers: [{ name: 'Personal', price_minor: 1000, terms: 'Personal use.' }, { name: 'Commercial', price_minor: 2500, terms: 'Commercial use.' }] },
        plugin: { title: 'Plugin Pro', prices: [3900], license_keys: true },
        font: { title: 'Grotesk Font', prices: [500] },
        plus: { title: '+Plus Pack', prices: [700] },
      },
    });
    other = await createShop(srv.server, {
      products: { brush: { title: 'Watercolour Brushes', prices: [1000] }, plugin: { title: 'Plugin Pro', prices: [3900], license_keys: true } },
    });
    const uniq = Date.now().toString(36);
    const de = { country: 'DE', consent_immediate_delivery: true };
    // Day 0.
    days.push(new Date().toISOString().slice(0, 10));
    await sell(shop, lines, [{ product: 'brush' }], { ...de, name: 'José Núñez García', email: `jose.nunez.${uniq}@correo.es` });
    await sell(shop, lines, [{ product: 'plugin' }], { country: 'GB', name: 'Zoë Ångström', email: `zoe.${uniq}@studio-nord.se` });
    await sell(shop, lines, [{ product: 'font', quantity: 2 }, { product: 'brush', tier: 1 }], { name: 'Bea Buyer', email: `bea.${uniq}@example.com` });
    // Day 2: formula-looking values, and more plain sales.
    await advanceClock(srv.server, 2 * DAY);
    days.push((await new Client(srv.server).get('/api/v1/test/clock')).json.now.slice(0, 10));
    await sell(shop, lines, [{ product: 'plus' }], { name: '=SUM(A1:A2)', email: `formula.${uniq}@example.com` });
    await sell(shop, lines, [{ product: 'plugin' }, { product: 'font' }], { ...de, name: 'Ana Nuñez', email: `ana.${uniq}@example.org` });
    for (let i = 0; i < 6; i++) {
      await sell(shop, lines, [{ product: i % 2 ? 'font' : 'brush', tier: 0 }], { name: `Customer ${i}`, email: `c${i}.${uniq}@shop-buyers.net` });
    }
    // Store B: the same buyer names and products, so a leak would show.
    await sell(other, bLines, [{ product: 'brush' }], { ...de, name: 'José Núñez García', email: `jose.nunez.${uniq}@correo.es` });
    await sell(other, bLines, [{ product: 'plugin' }], { country: 'GB', name: 'Zoë Ångström', email: `zoe.b.${uniq}@studio-nord.se` });
  });

  const noB = (rows) => {
    const bIds = new Set(bLines.map((l) => l.line_id));
    const bOrders = new Set(bLines.map((l) => l.order_id));
    for (const r of rows) {
      assert.ok(!bIds.has(r.line_id) && !bOrders.has(r.order_id), `store B's sale in A's answer: ${JSON.stringify(r)}`);
    }
  };

  test('the list: every line, newest first, in the contract shape', async () => {
    const { rows, summary } = await all({}, { limit: 5 });
    assert.deepEqual(ids(rows), modelIds(lines));
    noB(rows);
    for (let i = 1; i < rows.length; i++) assert.ok(rows[i - 1].created_at >= rows[i].created_at, 'not newest first');
    const byId = new Map(lines.map((l) => [l.line_id, l]));
    for (const r of rows) {
      const l = byId.get(r.line_id);
      expectRfc3339(r.created_at);
      assert.deepEqual(r, {
        order_id: l.order_id, line_id: l.line_id, created_at: l.created_at,
        product: { id: l.product_id, title: l.title }, tier: l.tier, quantity: l.quantity,
        customer: { id: r.customer.id, name: l.name, email: r.customer.email },
        status: 'complete', price_minor: l.price_minor, tax_minor: l.tax_minor, total_minor: l.total_minor,
        refunded_minor: 0, currency: 'USD', country: l.country, region: l.region,
        payment: { brand: l.brand, last4: l.last4 }, license_key: l.license_key, refund_request: null,
      });
      assert.match(r.customer.id, /^cus_/);
      assert.equal(r.customer.email.toLowerCase(), l.email.toLowerCase());
    }
    assert.deepEqual(summary, { count: lines.length, total_minor: lines.reduce((s, l) => s + l.total_minor, 0), currency: 'USD', exact: true });
  });

  const searches = () => {
    const jose = lines[0];
    const zoe = lines[1];
    const keyed = lines.find((l) => l.license_key);
    return [
      ['exact order id', jose.order_id, (l) => l.order_id === jose.order_id],
      ['order id, lower case', jose.order_id.toLowerCase(), (l) => l.order_id === jose.order_id],
      ['order id prefix', jose.order_id.slice(0, 7), null],
      ['order id without dashes', jose.order_id.replaceAll('-', '').slice(2), (l) => l.order_id === jose.order_id],
      ['email fragment', jose.email.slice(0, 10), (l) => l.email === jose.email],
      ['name with accents', 'Núñez', null],
      ['name without accents', 'nunez', null],
      ['name in capitals', 'ÅNGSTRÖM', (l) => l.email === zoe.email],
      ['email domain', 'studio-nord.se', (l) => l.email === zoe.email],
      ['product word', 'grotesk', (l) => l.title === 'Grotesk Font'],
      ['product word, mixed case', 'WaterColour', (l) => l.title === 'Watercolour Brushes'],
      ['license key', keyed.license_key, (l) => l.line_id === keyed.line_id],
      ['license key fragment', keyed.license_key.slice(6, 11).toLowerCase(), null],
      ['two letters', 'zo', null],
      ['one letter', 'z', null],
      ['nothing matches', 'qqqzzzxxx', () => false],
    ];
  };

  test('each search kind finds exactly the matching lines of this store', async () => {
    for (const [what, q, pred] of searches()) {
      const expected = matches(q);
      if (pred) assert.deepEqual(modelIds(expected), modelIds(lines.filter(pred)), `model check for ${what}`);
      const { rows, summary } = await all({ q }, { limit: 3 });
      assert.deepEqual(ids(rows), modelIds(expected), `${what} (q=${q})`);
      noB(rows);
      assert.equal(summary.count, expected.length, `${what}: summary.count`);
      assert.equal(summary.total_minor, expected.reduce((s, l) => s + l.total_minor, 0), `${what}: summary.total_minor`);
    }
    // Both spellings find the same two customers (José Núñez and Ana Nuñez).
    assert.equal(new Set(matches('nunez').map((l) => l.email)).size, 2);
    // A whole order id, in any case, goes straight to its order (the `order` plan); a part of
    // one is searched like any fragment.
    const id = lines[0].order_id;
    for (const [q, order] of [[id, true], [id.toLowerCase(), true], [id.slice(0, 9), false]]) {
      const res = await shop.client.get(`/api/v1/sales?q=${encodeURIComponent(q)}`);
      expectStatus(res, 200);
      assert.equal(res.headers.get('sales-search-plan') === 'order', order, `plan for ${q}`);
    }
  });

  test('filters: status, product, tier, country, dates, amounts, and combinations', async () => {
    const cases = [
      [{ status: 'complete' }, () => true],
      [{ status: 'refunded' }, () => false],
      [{ status: 'refunded,complete' }, () => true],
      [{ product_id: shop.products.font.id }, (l) => l.title === 'Grotesk Font'],
      [{ product_id: other.products.brush.id }, () => false], // another store's product
      [{ tier: 'Commercial' }, (l) => l.tier === 'Commercial'],
      [{ country: 'de' }, (l) => l.country === 'DE'],
      [{ country: 'GB' }, (l) => l.country === 'GB'],
      [{ from: days[1] }, (l) => l.created_at.slice(0, 10) >= days[1]],
      [{ to: days[0] }, (l) => l.created_at.slice(0, 10) <= days[0]], // a bare date includes that day
      [{ to: `${days[0]}T00:00:00Z` }, () => false], // a timestamp is exclusive
      [{ from: days[0], to: days[0] }, (l) => l.created_at.slice(0, 10) === days[0]],
      [{ min_total_minor: '1190' }, (l) => l.total_minor >= 1190],
      [{ max_total_minor: '1190' }, (l) => l.total_minor <= 1190],
      [{ min_total_minor: '500', max_total_minor: '1000' }, (l) => l.total_minor >= 500 && l.total_minor <= 1000],
      [{ q: 'nunez', country: 'DE', product_id: shop.products.plugin.id }, (l) => l.name === 'Ana Nuñez' && l.title === 'Plugin Pro'],
      [{ q: 'example', from: days[1], max_total_minor: '800' }, (l) => /example/.test(l.email) && l.created_at.slice(0, 10) >= days[1] && l.total_minor <= 800],
    ];
    for (const [query, pred] of cases) {
      const expected = lines.filter((l) => pred(l) && (!query.q || matches(query.q).includes(l)));
      const { rows, summary } = await all(query, { limit: 4 });
      assert.deepEqual(ids(rows), modelIds(expected), JSON.stringify(query));
      assert.equal(summary.count, expected.length, `${JSON.stringify(query)}: count`);
      assert.equal(summary.total_minor, expected.reduce((s, l) => s + l.total_minor, 0), `${JSON.stringify(query)}: total`);
    }
    assert.ok(lines.some((l) => l.total_minor === 1190), 'the amount bounds test an existing total');
  });

  test('sorts: created_at, -created_at, total, -total (stable across pages)', async () => {
    for (const [sort, key, dir] of [['created_at', 'created_at', 1], ['-created_at', 'created_at', -1], ['total', 'total_minor', 1], ['-total', 'total_minor', -1]]) {
      const { rows } = await all({ sort }, { limit: 2 });
      assert.deepEqual(ids(rows), modelIds(lines), sort);
      for (let i = 1; i < rows.length; i++) {
        const a = rows[i - 1][key];
        const b = rows[i][key];
        assert.ok(dir > 0 ? a <= b : a >= b, `${sort}: ${a} then ${b}`);
      }
      assert.equal(new Set(ids(rows)).size, rows.length, `${sort}: duplicates`);
    }
  });

  test('validation: 400 with the parameter named', async () => {
    const cases = [
      ['status=paid', 'invalid_parameter', 'status'],
      ['country=DEU', 'invalid_parameter', 'country'],
      ['from=yesterday', 'invalid_parameter', 'from'],
      ['to=2026-02-30T00:00:00Z', 'invalid_parameter', 'to'],
      ['min_total_minor=-5', 'invalid_parameter', 'min_total_minor'],
      ['max_total_minor=ten', 'invalid_parameter', 'max_total_minor'],
      ['sort=price', 'invalid_parameter', 'sort'],
      ['limit=0', 'invalid_parameter', 'limit'],
      ['limit=101', 'invalid_parameter', 'limit'],
      ['cursor=garbage', 'invalid_parameter', 'cursor'],
      ['colour=red', 'unknown_parameter', 'colour'],
    ];
    for (const [qs, code, param] of cases) {
      expectError(await shop.client.get(`/api/v1/sales?${qs}`), 400, code, { param });
    }
    expectError(await shop.client.get('/api/v1/sales/export.csv?limit=5'), 400, 'unknown_parameter', { param: 'limit' });
    expectError(await shop.client.get('/api/v1/sales/timeseries?interval=hour'), 400, 'invalid_parameter', { param: 'interval' });
    expectError(await shop.client.get('/api/v1/sales/timeseries?sort=total'), 400, 'unknown_parameter', { param: 'sort' });
    // A cursor only works with the filter and sort it came from.
    const first = await shop.client.get('/api/v1/sales?limit=1&q=example');
    expectStatus(first, 200);
    assert.ok(first.json.next_cursor);
    const c = encodeURIComponent(first.json.next_cursor);
    expectStatus(await shop.client.get(`/api/v1/sales?limit=1&q=example&cursor=${c}`), 200);
    expectError(await shop.client.get(`/api/v1/sales?limit=1&q=exampl&cursor=${c}`), 400, 'invalid_parameter', { param: 'cursor' });
    expectError(await shop.client.get(`/api/v1/sales?limit=1&q=example&sort=-total&cursor=${c}`), 400, 'invalid_parameter', { param: 'cursor' });
  });

  test('sellers only: anonymous 401, a buyer account 403', async () => {
    const buyer = new Client(srv.server);
    await signupBuyer(buyer);
    for (const path of ['/api/v1/sales', '/api/v1/sales/timeseries', '/api/v1/sales/export.csv']) {
      expectError(await new Client(srv.server).get(path), 401, 'unauthenticated', { anyParam: true });
      expectError(await buyer.get(path), 403, 'seller_account_required', { anyParam: true });
    }
  });

  test('timeseries: zero-filled day buckets whose sums equal the summary', async () => {
    const from = days[0];
    const res = await shop.client.get(`/api/v1/sales/timeseries?from=${from}&to=${days[1]}&q=example`);
    expectStatus(res, 200);
    assert.equal(res.json.interval, 'day');
    assert.equal(res.json.currency, 'USD');
    const data = res.json.data;
    assert.equal(data.length, 3, JSON.stringify(data)); // day 0, day 1 (empty), day 2
    assert.deepEqual(data.map((b) => b.period_start.slice(0, 10)), [days[0], new Date(Date.parse(days[0]) + 86400e3).toISOString().slice(0, 10), days[1]]);
    assert.equal(data[1].count, 0);
    const expected = matches('example');
    for (const b of data) {
      const inDay = expected.filter((l) => l.created_at.slice(0, 10) === b.period_start.slice(0, 10));
      assert.equal(b.count, inDay.length, b.period_start);
      assert.equal(b.total_minor, inDay.reduce((s, l) => s + l.total_minor, 0), b.period_start);
    }
    // Default: the last 30 days up to now, in days; weeks and months on request.
    const def = await shop.client.get('/api/v1/sales/timeseries');
    expectStatus(def, 200);
    assert.equal(def.json.interval, 'day');
    assert.ok(def.json.data.length >= 30 && def.json.data.length <= 31, `${def.json.data.length} buckets`);
    assert.equal(def.json.data.reduce((s, b) => s + b.count, 0), lines.length);
    const weeks = await shop.client.get('/api/v1/sales/timeseries?interval=week');
    expectStatus(weeks, 200);
    for (const b of weeks.json.data) assert.equal(new Date(b.period_start).getUTCDay(), 1, 'weeks start on Monday');
    assert.equal(weeks.json.data.reduce((s, b) => s + b.total_minor, 0), lines.reduce((s, l) => s + l.total_minor, 0));
    const months = await shop.client.get('/api/v1/sales/timeseries?interval=month&from=2020-01-01&to=2030-12-31');
    expectStatus(months, 200);
    assert.equal(months.json.data.length, 132);
    assert.equal(months.json.data.reduce((s, b) => s + b.count, 0), lines.length);
  });

  async function csv(query = {}) {
    const res = await fetch(`${srv.url}/api/v1/sales/export.csv?${new URLSearchParams(query)}`, {
      headers: { cookie: shop.client.cookieHeader() },
    });
    const buf = Buffer.from(await res.arrayBuffer());
    return { res, buf, text: buf.toString('utf8') };
  }

  test('CSV: read back by Python, equals the API list for the same filter', async () => {
    for (const query of [{}, { q: 'nunez' }, { sort: 'total' }, { status: 'complete', country: 'DE' }, { q: 'zz-no-match' }, { q: 'example', sort: '-total', from: days[1] }]) {
      const { res, text } = await csv(query);
      assert.equal(res.status, 200, text);
      assert.equal(res.headers.get('content-type'), 'text/csv; charset=utf-8');
      assert.equal(res.headers.get('transfer-encoding'), 'chunked');
      assert.match(res.headers.get('content-disposition'), new RegExp(`^attachment; filename="sales-${shop.slug}-\\d{8}\\.csv"$`));
      assert.ok(text.endsWith('\r\n'), 'rows end with CRLF');
      const table = pythonCsv(text);
      assert.deepEqual(table[0], CSV_HEADER);
      const { rows } = await all(query, { limit: 100 });
      const byId = new Map(lines.map((l) => [l.line_id, l]));
      const expected = rows.map((r) => {
        const l = byId.get(r.line_id);
        return [
          r.order_id, r.line_id, r.created_at, csvSafe(r.customer.name), csvSafe(r.customer.email), r.country, r.region,
          csvSafe(r.product.title), csvSafe(r.tier), String(r.quantity), dec(l.unit_price_minor), dec(r.tax_minor),
          ratePercent(l.rate_ppm), dec(r.total_minor), r.currency, r.status, dec(r.refunded_minor),
          r.payment.brand, r.payment.last4, r.license_key ?? '',
        ];
      });
      assert.deepEqual(table.slice(1), expected, JSON.stringify(query));
      noB(table.slice(1).map((row) => ({ order_id: row[0], line_id: row[1] })));
    }
  });

  test('CSV: formula injection prefixed, BOM on request, no card data', async () => {
    const { text } = await csv({ q: 'example' });
    const table = pythonCsv(text);
    const names = table.map((r) => r[3]);
    const products = table.map((r) => r[7]);
    assert.ok(names.includes("'=SUM(A1:A2)"), `formula name not prefixed: ${names}`);
    assert.ok(!names.includes('=SUM(A1:A2)'));
    const all = pythonCsv((await csv()).text);
    assert.ok(all.some((r) => r[7] === "'+Plus Pack"), 'product title starting with + not prefixed');
    assert.ok(!products.includes('+Plus Pack'));
    for (const n of Object.values(CARDS)) assert.ok(!text.includes(n) && !(await csv()).text.includes(n), 'a card number in the CSV');
    const bom = await csv({ bom: '1' });
    assert.deepEqual([...bom.buf.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
    assert.deepEqual(pythonCsv(bom.text.slice(1))[0], CSV_HEADER);
    const plain = await csv({ bom: '0' });
    assert.equal(plain.buf[0], 'o'.charCodeAt(0));
  });

  test('CLI: shopdesk export-sales writes the same CSV as the endpoint, stdout clean', async () => {
    for (const [query, args] of [[{}, []], [{ q: 'Núñez', sort: 'total' }, ['--query', 'Núñez', '--sort', 'total']], [{ status: 'complete', country: 'de' }, ['--status', 'complete', '--country', 'de']]]) {
      const api = (await csv(query)).text;
      const r = spawnSync(binaryPath(), ['export-sales', '--store', shop.slug, '--database', srv.server.databaseUrl, '--data-dir', srv.server.dataDir, ...args], { maxBuffer: 64 << 20 });
      assert.equal(r.status, 0, `export-sales failed: ${r.stderr}`);
      assert.equal(r.stdout.toString('utf8'), api, `CLI CSV differs for ${JSON.stringify(query)}`);
      assert.match(r.stderr.toString(), /exported \d+ sales/);
    }
    const bad = spawnSync(binaryPath(), ['export-sales', '--store', shop.slug, '--database', srv.server.databaseUrl, '--status', 'paid']);
    assert.notEqual(bad.status, 0);
    assert.equal(bad.stdout.length, 0);
  });

  test("another store's sales never appear; B sees only B's", async () => {
    const { rows, summary } = await all({}, { client: other.client });
    assert.deepEqual(ids(rows), modelIds(bLines));
    assert.equal(summary.count, bLines.length);
    const text = (await fetch(`${srv.url}/api/v1/sales/export.csv`, { headers: { cookie: other.client.cookieHeader() } }).then((r) => r.text()));
    for (const l of lines) assert.ok(!text.includes(l.order_id), "A's order in B's CSV");
    // Searching B for A's order id finds nothing.
    expectStatus(await other.client.get(`/api/v1/sales?q=${lines[0].order_id}`), 200);
    assert.equal((await all({ q: lines[0].order_id }, { client: other.client })).rows.length, 0);
  });

  test('paging while other clients buy: no duplicates, no gaps', async () => {
    for (const sort of ['-created_at', 'total']) {
      const before = lines.map((l) => l.line_id);
      let stop = false;
      const buyers = (async () => {
        let i = 0;
        while (!stop && i < 12) {
          await pool([0, 1], 2, (k) => sell(shop, lines, [{ product: (i + k) % 2 ? 'font' : 'plugin' }], { name: `Concurrent ${sort} ${i}-${k}`, email: `conc${i}${k}.${Date.now()}@example.net` }));
          i++;
        }
      })();
      const seen = [];
      let cursor = null;
      for (let guard = 0; guard < 500; guard++) {
        const params = new URLSearchParams({ limit: '2', sort });
        if (cursor) params.set('cursor', cursor);
        const res = await shop.client.get(`/api/v1/sales?${params}`);
        seen.push(...expectList(res).map((r) => r.line_id));
        if (!res.json.has_more) break;
        cursor = res.json.next_cursor;
        await new Promise((r) => setTimeout(r, 5));
      }
      stop = true;
      await buyers;
      assert.equal(new Set(seen).size, seen.length, `${sort}: duplicates`);
      const missing = before.filter((id) => !seen.includes(id));
      assert.deepEqual(missing, [], `${sort}: gaps`);
    }
    // Everything is there afterwards, and the summary still adds up.
    const { rows, summary } = await all();
    assert.deepEqual(ids(rows), modelIds(lines));
    assert.equal(summary.total_minor, rows.reduce((s, r) => s + r.total_minor, 0));
  });

  test('a guest and a card never leak: the list carries brand and last 4 only', async () => {
    const res = await shop.client.get('/api/v1/sales?limit=100');
    for (const n of Object.values(CARDS)) assert.ok(!res.text.includes(n));
    assert.ok(!/fingerprint/i.test(res.text));
    assert.ok(res.json.data.every((r) => Object.keys(r.payment).sort().join() === 'brand,last4'));
  });
});
