// Refunds (R-REF-1..8, R-LED-1, R-TIME-1): every refusal code (table-driven), the effects of
// full and partial refunds (ledger, balance, sales rows, order details, transactions, access and
// license keys), processing → succeeded after 5 business days with the buyer's emails, the
// refund window on the test clock, crash safety with fault injection, and a race of 200 orders
// × 10 concurrent refund requests.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { describe, test, before, after } from './support/test.mjs';
import { serverHooks } from './support/server.mjs';
import { Client, expectStatus, createToken } from './support/client.mjs';
import { expectError, expectList, expectRfc3339 } from './support/assert.mjs';
import {
  createShop, buy, withCsrf, advanceClock, getClock, micros, dbRows, unbalancedEntries, getBalance,
  halfUp, platformFee, pool, Rng, DAY,
} from './support/selling.mjs';

const FILE = Buffer.from('refundable bytes');
const DE = { country: 'DE', consent_immediate_delivery: true }; // VAT 19%

async function shopWith(server, store = { hold_period_days: 0 }) {
  return createShop(server, {
    store,
    products: {
      app: { prices: [1000], license_keys: true, files: [{ filename: 'app.zip', bytes: FILE }] },
      book: { prices: [500], files: [{ filename: 'book.pdf', bytes: FILE }] },
      pack: { prices: [1200], bundle: ['app', 'book'] },
    },
  });
}

const refundsPath = (orderId) => `/api/v1/orders/${orderId}/refunds`;

function mailFiles(server) {
  const dir = path.join(server.dataDir, 'mail');
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => f.endsWith('.eml')).map((f) => readFileSync(path.join(dir, f), 'utf8'));
}

async function waitFor(fn, what, ms = 8000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** JS twin of payments::add_business_days: same time of day, weekends skipped. */
function addBusinessDays(us, n) {
  const dayUs = 86400n * 1000000n;
  let day = BigInt(us) / dayUs;
  const tod = BigInt(us) - day * dayUs;
  const wd = (d) => new Date(Number(d) * 86400000).getUTCDay();
  while (wd(day) === 0 || wd(day) === 6) day++;
  for (let left = n; left > 0; ) {
    day++;
    if (wd(day) !== 0 && wd(day) !== 6) left--;
  }
  return Number(day * dayUs + tod);
}

function salesRows(server, orderId) {
  return dbRows(server, `SELECT line_public_id, status, refunded_minor FROM sales WHERE order_public_id = '${orderId}' ORDER BY line_id`);
}

describe('refund rules: every refusal', () => {
  const srv = serverHooks({ before, after });
  let shop;
  let other; // another store
  let order; // app + book, DE
  let second; // another order of the same store
  let held; // a store whose funds are still on hold

  before(async () => {
    shop = await shopWith(srv);
    other = await shopWith(srv);
    held = await shopWith(srv, { hold_period_days: 7 });
    order = (await buy(srv.url, shop, [{ product: 'app' }, { product: 'book' }], DE)).order;
    second = (await buy(srv.url, shop, [{ product: 'book' }])).order;
  });

  test('table: each refusal answers its own code and param, and changes nothing', async () => {
    const full = (await buy(srv.url, shop, [{ product: 'book' }])).order;
    expectStatus(await shop.client.post(refundsPath(full.id), { reason: 'first' }), 201);
    const otherOrder = (await buy(srv.url, other, [{ product: 'book' }])).order;
    const lineApp = order.lines[0];
    const cases = [
      { what: 'reason missing', id: order.id, body: {}, status: 400, code: 'required', param: 'reason' },
      { what: 'reason empty', id: order.id, body: { reason: '' }, status: 400, code: 'required', param: 'reason' },
      { what: 'amount over what remains', id: order.id, body: { reason: 'r', amount_minor: order.total_minor + 1 }, status: 409, code: 'refund_exceeds_remaining', param: 'amount_minor' },
      { what: 'line amount over what remains', id: order.id, body: { reason: 'r', lines: [{ line_id: lineApp.id, amount_minor: lineApp.total_minor + 1 }] }, status: 409, code: 'refund_exceeds_remaining', param: 'lines[0].amount_minor' },
      { what: 'amount zero', id: order.id, body: { reason: 'r', amount_minor: 0 }, status: 400, code: null, param: 'amount_minor' },
      { what: 'lines and amount', id: order.id, body: { reason: 'r', amount_minor: 5, lines: [{ line_id: lineApp.id }] }, status: 400, code: 'amount_with_lines', param: 'amount_minor' },
      { what: 'a line of another order', id: order.id, body: { reason: 'r', lines: [{ line_id: second.lines[0].id }] }, status: 400, code: 'line_not_in_order', param: 'lines[0].line_id' },
      { what: 'the same line twice', id: order.id, body: { reason: 'r', lines: [{ line_id: lineApp.id, amount_minor: 1 }, { line_id: lineApp.id, amount_minor: 1 }] }, status: 400, code: 'duplicate_line', param: 'lines[1].line_id' },
      { what: 'already fully refunded', id: full.id, body: { reason: 'again' }, status: 409, code: 'order_fully_refunded', param: null },
      { what: 'another store\'s order', id: otherOrder.id, body: { reason: 'r' }, status: 404, code: 'not_found', param: null, anyParam: true },
      { what: 'an unknown order', id: 'SD-ZZZZ-ZZZZ', body: { reason: 'r' }, status: 404, code: 'not_found', param: null, anyParam: true },
    ];
    for (const c of cases) {
      for (const suffix of ['/preview', '']) {
        const res = await shop.client.post(refundsPath(c.id) + suffix, c.body);
        expectError(res, c.status, c.code, { param: c.param, anyParam: c.anyParam });
      }
    }
    const details = (await shop.client.get(`/api/v1/orders/${order.id}`)).json;
    assert.deepEqual(details.refunds, [], 'a refused refund records nothing');
    assert.equal(details.refunded_minor, 0);
  });

  test('balance short: 409 available_balance_insufficient with the exact missing amount and when pending funds cover it', async () => {
    const o = (await buy(srv.url, held, [{ product: 'app' }], DE)).order;
    const sub = o.subtotal_minor;
    const share = sub - platformFee(sub); // the seller's net: fee returned pro rata, tax by the state
    for (const suffix of ['/preview', '']) {
      const res = await held.client.post(refundsPath(o.id) + suffix, { reason: 'changed mind' });
      const err = expectError(res, 409, 'available_balance_insufficient');
      assert.equal(err.missing_minor, share, JSON.stringify(err));
      assert.equal(err.needed_minor, share);
      assert.equal(err.available_minor, 0);
      const details = (await held.client.get(`/api/v1/orders/${o.id}`)).json;
      assert.equal(err.covered_at, details.available_at, 'enough funds when the hold of this order ends');
      assert.match(err.message, /missing/);
      assert.ok(err.message.includes(details.available_at), err.message);
    }
    const bal = await getBalance(held.client);
    assert.equal(bal.available_minor, 0);
    assert.equal(bal.pending_minor, share);
  });
});

describe('refund effects and lifecycle', () => {
  const srv = serverHooks({ before, after });
  let shop;

  before(async () => {
    shop = await shopWith(srv);
    // A bearer token: the clock moves past the session's idle expiry in the later tests.
    shop.client = new Client(srv.url, { bearer: (await createToken(shop.client, 'refunds')).token });
  });

  test('preview: amounts, tax and fee pro rata, balance after, revocations and evidence; it records nothing', async () => {
    const { order, client: buyer } = await buy(srv.url, shop, [{ product: 'app', quantity: 2 }, { product: 'book' }], DE);
    await buy(srv.url, shop, [{ product: 'pack' }], { ...DE, email: order.email }, { client: await withCsrf(buyer) });
    const before = await getBalance(shop.client);
    order.fee_minor = (await shop.client.get(`/api/v1/orders/${order.id}`)).json.fee_minor;
    const res = await shop.client.post(refundsPath(order.id) + '/preview', { reason: 'duplicate' });
    expectStatus(res, 200);
    const p = res.json;
    assert.equal(p.amount_minor, order.total_minor);
    assert.equal(p.tax_minor, order.tax_minor);
    assert.equal(p.fee_returned_minor, order.fee_minor);
    assert.equal(p.seller_share_minor, order.subtotal_minor - order.fee_minor);
    assert.equal(p.balance.available_before_minor, before.available_minor);
    assert.equal(p.balance.available_after_minor, before.available_minor - p.seller_share_minor);
    assert.equal(p.fees.rule, 'platform_fee_returned_pro_rata');
    assert.equal(p.irreversible, true);
    assert.equal(p.revokes.length, 2);
    assert.equal(p.revokes[0].license_keys.length, 1, 'the app line has a license key');
    const kinds = p.evidence.items.map((i) => i.kind).sort();
    assert.ok(kinds.includes('quantity_above_one'), JSON.stringify(p.evidence));
    assert.ok(kinds.includes('bundle_after_item'), JSON.stringify(p.evidence));
    assert.equal(p.evidence.duplicate_purchase, true);
    assert.equal(p.evidence.bundle_overlap, true);
    assert.equal(p.evidence.days_since_purchase, 0);
    assert.equal(p.evidence.downloads, 0);
    assert.equal(p.evidence.refund_rates.length, 2);
    // Partial: tax in proportion, half-up.
    const part = await shop.client.post(refundsPath(order.id) + '/preview', { reason: 'r', lines: [{ line_id: order.lines[1].id, amount_minor: 100 }] });
    expectStatus(part, 200);
    const l = order.lines[1];
    assert.equal(part.json.tax_minor, Number((100n * BigInt(l.tax_minor) * 2n + BigInt(l.total_minor)) / (2n * BigInt(l.total_minor))));
    assert.deepEqual(part.json.revokes, [], 'a partial refund revokes nothing');
    assert.deepEqual((await shop.client.get(`/api/v1/orders/${order.id}`)).json.refunds, []);
  });

  test('partial then full line refund: ledger, balance, sales rows, details, transactions, access and license key', async () => {
    const { order, client: buyer } = await buy(srv.url, shop, [{ product: 'app' }, { product: 'book' }], DE);
    await withCsrf(buyer);
    const [app, book] = order.lines;
    const seen0 = (await shop.client.get(`/api/v1/orders/${order.id}`)).json;
    app.fee_minor = seen0.lines[0].fee_minor;
    const lib = expectList(await buyer.get('/api/v1/library'));
    const appEnt = lib.find((e) => e.order_id === order.id && e.product.id === shop.products.app.id);
    const bookEnt = lib.find((e) => e.order_id === order.id && e.product.id === shop.products.book.id);
    const appFile = shop.products.app.uploaded[0].id;
    const bookFile = shop.products.book.uploaded[0].id;
    const early = await buyer.post(`/api/v1/library/${appEnt.id}/files/${appFile}/link`);
    expectStatus(early, 201);
    const bookLink = await buyer.post(`/api/v1/library/${bookEnt.id}/files/${bookFile}/link`);
    expectStatus(bookLink, 201);
    assert.equal((await fetch(srv.url + early.json.url)).status, 200);
    const bal0 = await getBalance(shop.client);

    // 1. Partial refund of the app line: nothing revoked.
    const p1 = await shop.client.post(refundsPath(order.id), { reason: 'partial', lines: [{ line_id: app.id, amount_minor: 300 }] });
    expectStatus(p1, 201);
    const r1 = p1.json;
    assert.match(r1.id, /^re_/);
    assert.equal(r1.status, 'processing');
    assert.equal(r1.amount_minor, 300);
    assert.equal(r1.currency, order.currency);
    expectRfc3339(r1.created_at);
    // The provider dates it from its own call, a moment after the refund was recorded.
    const lag = micros(r1.settles_at) - addBusinessDays(micros(r1.created_at), 5);
    assert.ok(lag >= 0 && lag < 5e6, `settles_at ${r1.settles_at} vs created_at ${r1.created_at}`);
    assert.equal(r1.tax_minor, Number((300n * BigInt(app.tax_minor) * 2n + BigInt(app.total_minor)) / (2n * BigInt(app.total_minor))));
    assert.equal((await fetch(srv.url + early.json.url)).status, 200, 'a partial refund keeps access');
    const bal1 = await getBalance(shop.client);
    assert.equal(bal1.available_minor, bal0.available_minor - r1.seller_share_minor);
    assert.deepEqual(salesRows(srv.server, order.id), [[app.id, 'refund_processing', '300'], [book.id, 'complete', '0']]);

    // 2. The rest of the app line: revoked at once, links already issued stop working.
    const p2 = await shop.client.post(refundsPath(order.id), { reason: 'rest', lines: [{ line_id: app.id }] });
    expectStatus(p2, 201);
    assert.equal(p2.json.amount_minor, app.total_minor - 300);
    assert.equal(p2.json.lines[0].fully_refunded, true);
    assert.equal(r1.tax_minor + p2.json.tax_minor, app.tax_minor, 'tax returned sums to the line tax exactly');
    const dl = await fetch(srv.url + early.json.url);
    assert.ok([403, 404].includes(dl.status), `old link after refund: ${dl.status}`);
    expectError(await buyer.post(`/api/v1/library/${appEnt.id}/files/${appFile}/link`), 403, 'access_revoked');
    // The buyer's library says why: refunded (the other line's access stands).
    const library = expectList(await buyer.get('/api/v1/library'));
    assert.deepEqual(library.filter((e) => e.order_id === order.id).map((e) => [e.id === appEnt.id, e.revoked, e.revoked_reason]).sort(),
      [[false, false, null], [true, true, 'refunded']]);
    // Irreversible: the seller cannot restore a refunded line's access.
    expectError(await shop.client.post(`/api/v1/entitlements/${appEnt.id}/restore`), 409, 'line_refunded');
    assert.ok([403, 404].includes((await fetch(srv.url + early.json.url)).status));
    assert.equal((await fetch(srv.url + bookLink.json.url)).status, 200, 'the other line keeps access');
    const key = (await shop.client.get(`/api/v1/orders/${order.id}`)).json.lines[0].license_key;
    const verify = await new Client(srv.url).get(`/api/v1/licenses/verify?product_id=${shop.products.app.id}&key=${key}`);
    expectStatus(verify, 200);
    assert.equal(verify.json.valid, false);
    assert.equal(verify.json.status, 'refunded');

    // Ledger balances; the refunds account holds exactly what went back.
    assert.deepEqual(unbalancedEntries(srv.server), []);
    const refundsSum = dbRows(srv.server, `SELECT -SUM(p.amount_minor) FROM postings p JOIN journal_entries e ON e.id = p.entry_id JOIN orders o ON o.id = e.order_id WHERE o.public_id = '${order.id}' AND p.account = 'refunds'`);
    assert.equal(Number(refundsSum[0][0]), app.total_minor);
    const bal2 = await getBalance(shop.client);
    assert.equal(bal2.available_minor, bal0.available_minor - r1.seller_share_minor - p2.json.seller_share_minor);
    assert.equal(r1.seller_share_minor + p2.json.seller_share_minor, app.subtotal_minor - app.fee_minor);

    // Order details and sales rows.
    const d = (await shop.client.get(`/api/v1/orders/${order.id}`)).json;
    assert.equal(d.refunds.length, 2);
    assert.deepEqual(d.refunds.map((r) => r.id), [r1.id, p2.json.id]);
    assert.equal(d.refunded_minor, app.total_minor);
    assert.equal(d.status, 'partially_refunded');
    assert.equal(d.lines[0].access, 'revoked');
    assert.equal(d.lines[1].access, 'active');
    assert.ok(d.status_history.some((h) => h.status === 'refund_processing'));
    assert.deepEqual(salesRows(srv.server, order.id), [[app.id, 'refund_processing', String(app.total_minor)], [book.id, 'complete', '0']]);

    // Transactions: two refund rows, newest first, beside the purchase.
    const tx = expectList(await shop.client.get(`/api/v1/customers/${d.customer.id}/transactions`));
    const refundRows = tx.filter((t) => t.type === 'refund');
    assert.deepEqual(refundRows.map((t) => t.id), [p2.json.id, r1.id]);
    assert.equal(refundRows[0].order_id, order.id);
    assert.equal(refundRows[0].amount_minor, p2.json.amount_minor);
    // Pages of one row still give every row once.
    const seen = [];
    let cursor = null;
    do {
      const page = await shop.client.get(`/api/v1/customers/${d.customer.id}/transactions?limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      expectStatus(page, 200);
      seen.push(...page.json.data.map((t) => t.id));
      cursor = page.json.next_cursor;
    } while (cursor);
    assert.deepEqual(seen, tx.map((t) => t.id));

    // The whole order: what remains is the book line.
    const p3 = await shop.client.post(refundsPath(order.id), { reason: 'all' });
    expectStatus(p3, 201);
    assert.equal(p3.json.amount_minor, book.total_minor);
    assert.equal((await fetch(srv.url + bookLink.json.url)).status >= 400, true);
    expectError(await shop.client.post(refundsPath(order.id), { reason: 'again' }), 409, 'order_fully_refunded');
    assert.deepEqual(unbalancedEntries(srv.server), []);
  });

  test('crash safety: a failed refund transaction leaves nothing; a failed provider call is repeated by the job', async () => {
    const { order } = await buy(srv.url, shop, [{ product: 'book' }]);
    const charge = dbRows(srv.server, `SELECT provider_charge_id FROM orders WHERE public_id = '${order.id}'`)[0][0];
    const provider = async () => (await new Client(srv.url).get(`/api/v1/test/provider/charges/${charge}`)).json;
    expectStatus(await new Client(srv.url).post('/api/v1/test/faults', { refund_commit_failures: 1 }), 200);
    const failed = await shop.client.post(refundsPath(order.id), { reason: 'fault' });
    assert.equal(failed.status, 503, JSON.stringify(failed.json));
    assert.equal((await provider()).refunded_minor, 0, 'the provider was not called');
    assert.deepEqual((await shop.client.get(`/api/v1/orders/${order.id}`)).json.refunds, []);

    expectStatus(await new Client(srv.url).post('/api/v1/test/faults', { refund_provider_failures: 1 }), 200);
    const ok = await shop.client.post(refundsPath(order.id), { reason: 'provider down' });
    expectStatus(ok, 201);
    assert.equal(ok.json.status, 'processing');
    assert.equal((await provider()).refunded_minor, 0, 'the provider call failed');
    // The job repeats the owed call after its grace period, under the same key.
    await advanceClock(srv, 120);
    await waitFor(async () => (await provider()).refunded_minor === order.total_minor, 'the provider refund');
    assert.deepEqual(unbalancedEntries(srv.server), []);
  });

  test('processing → succeeded after 5 business days, with an email to the buyer at both steps', async () => {
    const { order } = await buy(srv.url, shop, [{ product: 'book' }]);
    const res = await shop.client.post(refundsPath(order.id), { reason: 'settle me' });
    expectStatus(res, 201);
    const r = res.json;
    const mails = () => mailFiles(srv.server).filter((m) => m.includes(r.id));
    await waitFor(() => mails().length === 1, 'the processing email');
    assert.match(mails()[0], /on its way/);
    assert.ok(mails()[0].includes(order.email));
    // Just before the settlement date (the span covers a weekend): still processing.
    const now = micros((await getClock(srv)).now);
    const settles = micros(r.settles_at);
    assert.ok(settles - micros(r.created_at) >= 7 * DAY * 1e6 - 1e6, '5 business days span a weekend');
    await advanceClock(srv, Math.floor((settles - now) / 1e6) - 60);
    await new Promise((ok) => setTimeout(ok, 1500));
    assert.equal((await shop.client.get(`/api/v1/orders/${order.id}`)).json.refunds[0].status, 'processing');
    assert.deepEqual(salesRows(srv.server, order.id), [[order.lines[0].id, 'refund_processing', String(order.total_minor)]]);
    await advanceClock(srv, 120);
    const done = await waitFor(async () => {
      const d = (await shop.client.get(`/api/v1/orders/${order.id}`)).json;
      return d.refunds[0].status === 'succeeded' ? d : null;
    }, 'settlement');
    expectRfc3339(done.refunds[0].succeeded_at);
    assert.ok(done.status_history.some((h) => h.status === 'refund_succeeded'));
    assert.deepEqual(salesRows(srv.server, order.id), [[order.lines[0].id, 'refunded', String(order.total_minor)]]);
    await waitFor(() => mails().length === 2, 'the completion email');
    assert.ok(mails().some((m) => /is complete/.test(m)));
    await new Promise((ok) => setTimeout(ok, 1200));
    assert.equal(mails().length, 2, 'settled once, emailed once');
  });

  test('refund window: allowed at 90 days − 1 minute, refused at 90 days + 1 minute', async () => {
    const { order } = await buy(srv.url, shop, [{ product: 'book' }]);
    const paid = micros(order.created_at);
    const now = micros((await getClock(srv)).now);
    await advanceClock(srv, Math.floor((paid + 90 * DAY * 1e6 - now) / 1e6) - 60);
    expectStatus(await shop.client.post(refundsPath(order.id) + '/preview', { reason: 'late' }), 200);
    await advanceClock(srv, 120);
    for (const suffix of ['/preview', '']) {
      expectError(await shop.client.post(refundsPath(order.id) + suffix, { reason: 'late' }), 409, 'refund_window_expired');
    }
  });
});

describe('race: 200 orders × 10 concurrent refund requests', () => {
  const srv = serverHooks({ before, after });

  test('refunded ≤ paid for every order, the ledger balances, no 500', { timeout: 120_000 }, async () => {
    const shop = await shopWith(srv);
    const rng = new Rng(Number(process.env.RACE_SEED ?? 5));
    const buyer = new Client(srv.url);
    const orders = await pool(Array.from({ length: 200 }, (_, i) => i), 8, async () => {
      const { order } = await buy(srv.url, shop, [{ product: 'app' }, { product: 'book' }], {}, { client: new Client(srv.url) });
      return order;
    });
    void buyer;
    const requests = [];
    for (const o of orders) {
      const sharedKey = `race-${o.id}`;
      for (let k = 0; k < 10; k++) {
        const kind = rng.int(0, 3);
        const body =
          kind === 0 ? { reason: 'full' }
          : kind === 1 ? { reason: 'amount', amount_minor: rng.int(1, o.total_minor) }
          : kind === 2 ? { reason: 'line', lines: [{ line_id: rng.pick(o.lines).id }] }
          : { reason: 'part', lines: [{ line_id: o.lines[0].id, amount_minor: rng.int(1, 400) }] };
        // Some requests share one key with one body (retries); others have their own.
        const key = k < 3 ? sharedKey : `race-${o.id}-${k}`;
        requests.push({ o, body: k < 3 ? { reason: 'retry', amount_minor: 200 } : body, key });
      }
    }
    const started = Date.now();
    const statuses = {};
    await pool(requests, 16, async ({ o, body, key }) => {
      const res = await shop.client.post(refundsPath(o.id), body, { idempotencyKey: key });
      statuses[res.status] = (statuses[res.status] ?? 0) + 1;
      assert.ok(res.status < 500, `${res.status} ${JSON.stringify(res.json)}`);
      if (res.status !== 201) assert.ok([409, 400].includes(res.status), JSON.stringify(res.json));
    });
    const ms = Date.now() - started;
    assert.ok(statuses[201] > 200, JSON.stringify(statuses));
    const over = dbRows(srv.server, 'SELECT id FROM order_lines WHERE refunded_minor > total_minor');
    assert.deepEqual(over, []);
    const mismatch = dbRows(srv.server,
      'SELECT l.id FROM order_lines l LEFT JOIN (SELECT order_line_id, SUM(amount_minor) s FROM refund_lines GROUP BY order_line_id) r ON r.order_line_id = l.id WHERE l.refunded_minor <> COALESCE(r.s, 0)');
    assert.deepEqual(mismatch, [], 'order lines agree with the refunds recorded');
    const salesOff = dbRows(srv.server, 'SELECT s.line_id FROM sales s JOIN order_lines l ON l.id = s.line_id WHERE s.refunded_minor <> l.refunded_minor');
    assert.deepEqual(salesOff, [], 'sales rows agree with the order lines');
    const retried = dbRows(srv.server, "SELECT COUNT(*) FROM refunds WHERE reason = 'retry'");
    assert.ok(Number(retried[0][0]) <= 200, 'one refund per shared key');
    assert.deepEqual(unbalancedEntries(srv.server), []);
    const ledger = dbRows(srv.server, "SELECT COALESCE(-SUM(amount_minor), 0) FROM postings WHERE account = 'refunds'");
    const recorded = dbRows(srv.server, 'SELECT COALESCE(SUM(amount_minor), 0) FROM refunds');
    assert.equal(ledger[0][0], recorded[0][0]);
    console.log(`# race: ${requests.length} requests in ${ms} ms: ${JSON.stringify(statuses)}`);
  });
});

describe('buyer refund requests (R-REF-9)', () => {
  const srv = serverHooks({ before, after });

  test('ask, decline with a message, ask again, grant by refunding; one open request per order; window 14 days', async () => {
    const shop = await shopWith(srv);
    const seller = new Client(srv.url, { bearer: (await createToken(shop.client, 'requests')).token });
    const { order, client: buyer } = await buy(srv.url, shop, [{ product: 'app' }, { product: 'book' }]);
    await withCsrf(buyer);
    const stranger = await withCsrf((await buy(srv.url, shop, [{ product: 'book' }])).client);
    const reqPath = `/api/v1/orders/${order.id}/refund-requests`;

    expectError(await buyer.post(reqPath, {}), 400, 'required', { param: 'reason' });
    expectError(await stranger.post(reqPath, { reason: 'not mine' }), 404, 'not_found', { anyParam: true });
    const asked = await buyer.post(reqPath, { reason: 'It does not run on my machine' });
    expectStatus(asked, 201);
    const r1 = asked.json;
    assert.match(r1.id, /^rr_/);
    assert.equal(r1.status, 'open');
    assert.equal(micros(r1.reply_by) - micros(r1.created_at), 48 * 3600 * 1e6);
    expectError(await buyer.post(reqPath, { reason: 'again' }), 409, 'refund_request_exists');
    const open = expectList(await seller.get('/api/v1/refund-requests?status=open'));
    assert.deepEqual(open.map((r) => r.id), [r1.id]);
    assert.deepEqual((await seller.get(`/api/v1/orders/${order.id}`)).json.refund_requests.map((r) => r.id), [r1.id]);
    // The Sales view: the order's rows carry the reply deadline; the filter finds exactly them.
    const requested = async () => {
      const res = await seller.get('/api/v1/sales?status=refund_requested&limit=100');
      expectStatus(res, 200);
      assert.equal(res.json.summary.count, res.json.data.length, 'summary of the refund_requested filter');
      return res.json.data;
    };
    const rows = await requested();
    assert.deepEqual(rows.map((x) => x.order_id), order.lines.map(() => order.id));
    for (const x of rows) assert.equal(x.refund_request.reply_by, r1.reply_by);
    const plain = (await seller.get('/api/v1/sales?limit=100')).json.data;
    assert.ok(plain.every((x) => x.order_id === order.id || x.refund_request === null), 'other orders carry no request');
    await waitFor(() => mailFiles(srv.server).some((m) => m.includes(r1.id) && m.includes('It does not run')), 'the seller\'s email');

    expectError(await seller.post(`/api/v1/refund-requests/${r1.id}/decline`, {}), 400, 'required', { param: 'message' });
    const declined = await seller.post(`/api/v1/refund-requests/${r1.id}/decline`, { message: 'Please try version 2.1 first.' });
    expectStatus(declined, 200);
    assert.equal(declined.json.status, 'declined');
    assert.deepEqual(await requested(), [], 'a declined request leaves the filter');
    expectError(await seller.post(`/api/v1/refund-requests/${r1.id}/decline`, { message: 'x' }), 409, 'refund_request_closed');
    expectError(await seller.post(`/api/v1/refund-requests/${r1.id}/grant`, {}), 409, 'refund_request_closed');
    await waitFor(() => mailFiles(srv.server).some((m) => m.includes('Please try version 2.1 first.') && m.includes(order.email)), 'the buyer\'s email');

    const again = await buyer.post(reqPath, { reason: 'Still broken' });
    expectStatus(again, 201);
    assert.equal((await requested()).length, order.lines.length, 'asked again: back in the filter');
    const granted = await seller.post(`/api/v1/refund-requests/${again.json.id}/grant`, { lines: [{ line_id: order.lines[0].id }] });
    expectStatus(granted, 201);
    assert.equal(granted.json.reason, 'Still broken');
    assert.equal(granted.json.amount_minor, order.lines[0].total_minor);
    assert.deepEqual(await requested(), [], 'a granted request leaves the filter');
    const after = (await seller.get(`/api/v1/orders/${order.id}`)).json;
    assert.deepEqual(after.refund_requests.map((r) => [r.status, r.refund_id]), [['declined', null], ['granted', granted.json.id]]);
    expectError(await seller.post(`/api/v1/refund-requests/${again.json.id}/grant`, {}), 409, 'refund_request_closed');
    assert.equal(after.refunds.length, 1, 'granting twice refunds once');

    // The request window: 14 days from the purchase.
    const late = (await buy(srv.url, shop, [{ product: 'book' }], { email: order.email }, { client: buyer })).order;
    // In steps, with the buyer active between them (a session expires after 7 idle days).
    for (let i = 0; i < 2; i++) {
      await advanceClock(srv, 5 * DAY);
      expectStatus(await buyer.get('/api/v1/me'), 200);
    }
    const now = micros((await getClock(srv)).now);
    await advanceClock(srv, Math.floor((micros(late.created_at) + 14 * DAY * 1e6 - now) / 1e6) - 60);
    const inTime = await buyer.post(`/api/v1/orders/${late.id}/refund-requests`, { reason: 'just in time' });
    expectStatus(inTime, 201);
    expectStatus(await seller.post(`/api/v1/refund-requests/${inTime.json.id}/decline`, { message: 'no' }), 200);
    await advanceClock(srv, 120);
    expectError(await buyer.post(`/api/v1/orders/${late.id}/refund-requests`, { reason: 'too late' }), 409, 'refund_request_window_expired');
  });
});
