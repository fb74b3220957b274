// Disputes (R-DISP-1) through the test provider's test-mode endpoints: opening debits the
// available balance by exactly the disputed amount (balanced entry, may go negative), suspends
// access (links already issued stop working), marks the sales rows "disputed" (list and summary)
// and shows on the order; the same notice twice has one effect; won restores funds, access and
// status; lost stays; a disputed order cannot be refunded; another store sees nothing; without
// --test-mode the endpoints are 404.
import assert from 'node:assert/strict';
import { describe, test, before, after } from './support/test.mjs';
import { serverHooks } from './support/server.mjs';
import { Client, expectStatus } from './support/client.mjs';
import { expectError, expectList } from './support/assert.mjs';
import { createShop, buy, withCsrf, dbRows, unbalancedEntries, getBalance } from './support/selling.mjs';

const FILE = Buffer.from('disputed bytes');
const DE = { country: 'DE', consent_immediate_delivery: true };

function shopWith(server, store = { hold_period_days: 0 }) {
  return createShop(server, {
    store,
    products: {
      app: { prices: [1000], license_keys: true, files: [{ filename: 'app.zip', bytes: FILE }] },
      book: { prices: [500], files: [{ filename: 'book.pdf', bytes: FILE }] },
    },
  });
}

const salesStatuses = (server, orderId) =>
  dbRows(server, `SELECT status FROM sales WHERE order_public_id = '${orderId}' ORDER BY line_id`).map((r) => r[0]);

async function disputedSales(client) {
  const res = await client.get('/api/v1/sales?status=disputed');
  expectStatus(res, 200);
  return res.json;
}

async function issuedLink(srv, shop, buyer, orderId, product) {
  const lib = expectList(await buyer.get('/api/v1/library'));
  const ent = lib.find((e) => e.order_id === orderId && e.product.id === shop.products[product].id);
  const file = shop.products[product].uploaded[0].id;
  const res = await buyer.post(`/api/v1/library/${ent.id}/files/${file}/link`);
  expectStatus(res, 201);
  assert.equal((await fetch(srv.url + res.json.url)).status, 200);
  return { ent, file, url: srv.url + res.json.url };
}

describe('disputes', () => {
  const srv = serverHooks({ before, after });
  let shop;
  let other;

  before(async () => {
    shop = await shopWith(srv);
    other = await shopWith(srv);
  });

  test('open: balance debited exactly, ledger balanced, access gone, order and Sales view show it; a repeat has no effect; won restores', async () => {
    const { order, client: buyer } = await buy(srv.url, shop, [{ product: 'app' }, { product: 'book' }], DE);
    await withCsrf(buyer);
    const link = await issuedLink(srv, shop, buyer, order.id, 'app');
    const bal0 = await getBalance(shop.client);
    const sales0 = await disputedSales(shop.client);
    const key = order.lines.find((l) => l.license_key)?.license_key;
    assert.ok(key, 'the app line has a license key');
    const verify = async () => (await new Client(srv.url).get(`/api/v1/licenses/verify?product_id=${shop.products.app.id}&key=${key}`)).json;
    assert.equal((await verify()).valid, true);

    const res = await shop.client.post('/api/v1/test/disputes', { order_id: order.id, reason: 'fraudulent' });
    expectStatus(res, 201);
    const d = res.json;
    assert.match(d.id, /^dp_/);
    assert.equal(d.status, 'open');
    assert.equal(d.outcome, null);
    assert.equal(d.resolved_at, null);
    assert.equal(d.amount_minor, order.total_minor, 'the whole charge by default');
    assert.equal(d.applied, true);

    const bal1 = await getBalance(shop.client);
    assert.equal(bal1.available_minor, bal0.available_minor - order.total_minor);
    assert.equal(bal1.pending_minor, bal0.pending_minor);
    assert.deepEqual(unbalancedEntries(srv.server), []);
    const entries = dbRows(srv.server, `SELECT e.kind, p.account, p.amount_minor FROM journal_entries e JOIN postings p ON p.entry_id = e.id JOIN orders o ON o.id = e.order_id WHERE o.public_id = '${order.id}' AND e.kind LIKE 'dispute%' ORDER BY p.id`);
    assert.deepEqual(entries, [['dispute', 'refunds', String(-order.total_minor)], ['dispute', 'creator', String(order.total_minor)]]);

    // Access suspended: the issued link is refused, a new one too.
    const dl = await fetch(link.url);
    assert.ok([403, 404].includes(dl.status), `old link after dispute: ${dl.status}`);
    const again = await buyer.post(`/api/v1/library/${link.ent.id}/files/${link.file}/link`);
    assert.ok([403, 404].includes(again.status), `new link during dispute: ${again.status}`);

    // The license key is suspended with the access.
    const suspended = await verify();
    assert.equal(suspended.valid, false);
    assert.equal(suspended.status, 'disabled', 'the public answer does not say why');

    // The order shows it, with history events.
    const details = (await shop.client.get(`/api/v1/orders/${order.id}`)).json;
    assert.equal(details.disputes.length, 1);
    assert.deepEqual(
      { ...details.disputes[0] },
      { id: d.id, order_id: order.id, status: 'open', amount_minor: order.total_minor, currency: order.currency, reason: 'fraudulent', opened_at: d.opened_at, resolved_at: null, outcome: null },
    );
    assert.ok(details.status_history.some((h) => h.status === 'dispute_opened'));

    // Sales view: both rows disputed, and the summary counts them.
    assert.deepEqual(salesStatuses(srv.server, order.id), ['disputed', 'disputed']);
    const sales1 = await disputedSales(shop.client);
    const mine = sales1.data.filter((r) => r.order_id === order.id);
    assert.equal(mine.length, 2);
    assert.ok(mine.every((r) => r.status === 'disputed'));
    assert.equal(sales1.summary.count, sales0.summary.count + 2);
    assert.equal(sales1.summary.total_minor, sales0.summary.total_minor + order.total_minor);

    // The same notice again: one effect.
    const rep = await shop.client.post(`/api/v1/test/disputes/${d.id}/redeliver`);
    expectStatus(rep, 200);
    assert.equal(rep.json.applied, false);
    assert.equal(rep.json.id, d.id);
    assert.equal((await getBalance(shop.client)).available_minor, bal1.available_minor);
    assert.equal(dbRows(srv.server, `SELECT COUNT(*) FROM disputes d JOIN orders o ON o.id = d.order_id WHERE o.public_id = '${order.id}'`)[0][0], '1');
    // A second dispute on the same charge is refused by the provider.
    expectError(await shop.client.post('/api/v1/test/disputes', { order_id: order.id }), 409, 'dispute_exists');

    // Refund of a disputed order → 409 (double loss).
    expectError(await shop.client.post(`/api/v1/orders/${order.id}/refunds`, { reason: 'x' }), 409, 'order_disputed');
    expectError(await shop.client.post(`/api/v1/orders/${order.id}/refunds/preview`, { reason: 'x' }), 409, 'order_disputed');

    // Won: funds, access and status back; twice → once.
    const won = await shop.client.post(`/api/v1/test/disputes/${d.id}/resolve`, { outcome: 'won' });
    expectStatus(won, 200);
    assert.equal(won.json.status, 'won');
    assert.equal(won.json.outcome, 'won');
    assert.ok(won.json.resolved_at);
    const won2 = await shop.client.post(`/api/v1/test/disputes/${d.id}/resolve`, { outcome: 'won' });
    expectStatus(won2, 200);
    assert.equal(won2.json.applied, false);
    expectError(await shop.client.post(`/api/v1/test/disputes/${d.id}/resolve`, { outcome: 'lost' }), 409, 'dispute_resolved');
    const bal2 = await getBalance(shop.client);
    assert.equal(bal2.available_minor, bal0.available_minor);
    assert.equal(bal2.pending_minor, bal0.pending_minor);
    assert.deepEqual(unbalancedEntries(srv.server), []);
    assert.equal((await fetch(link.url)).status, 200, 'the issued link works again');
    assert.equal((await verify()).valid, true, 'the license key works again');
    assert.deepEqual(salesStatuses(srv.server, order.id), ['complete', 'complete']);
    const sales2 = await disputedSales(shop.client);
    assert.equal(sales2.summary.count, sales0.summary.count);
    const after = (await shop.client.get(`/api/v1/orders/${order.id}`)).json;
    assert.equal(after.disputes[0].status, 'won');
    assert.ok(after.status_history.some((h) => h.status === 'dispute_won'));
    // A won dispute does not block refunds.
    expectStatus(await shop.client.post(`/api/v1/orders/${order.id}/refunds/preview`, { reason: 'x' }), 200);
  });

  test('lost: funds and access stay withdrawn, rows stay disputed, refunds stay refused', async () => {
    const { order, client: buyer } = await buy(srv.url, shop, [{ product: 'app' }], DE);
    await withCsrf(buyer);
    const link = await issuedLink(srv, shop, buyer, order.id, 'app');
    const bal0 = await getBalance(shop.client);
    const d = (await shop.client.post('/api/v1/test/disputes', { order_id: order.id, amount_minor: 400, reason: 'product_not_received' })).json;
    assert.equal(d.amount_minor, 400);
    const lost = await shop.client.post(`/api/v1/test/disputes/${d.id}/resolve`, { outcome: 'lost' });
    expectStatus(lost, 200);
    assert.equal(lost.json.status, 'lost');
    assert.equal(lost.json.outcome, 'lost');
    assert.equal((await getBalance(shop.client)).available_minor, bal0.available_minor - 400);
    assert.ok([403, 404].includes((await fetch(link.url)).status));
    assert.deepEqual(salesStatuses(srv.server, order.id), ['disputed']);
    expectError(await shop.client.post(`/api/v1/orders/${order.id}/refunds`, { reason: 'x' }), 409, 'order_disputed');
    expectError(await shop.client.post(`/api/v1/test/disputes/${d.id}/resolve`, { outcome: 'won' }), 409, 'dispute_resolved');
    assert.deepEqual(unbalancedEntries(srv.server), []);
  });

  test('funds on hold: the debit takes available below zero, pending is untouched', async () => {
    const held = await shopWith(srv, { hold_period_days: 7 });
    const { order } = await buy(srv.url, held, [{ product: 'book' }], DE);
    const bal0 = await getBalance(held.client);
    assert.equal(bal0.available_minor, 0);
    expectStatus(await held.client.post('/api/v1/test/disputes', { order_id: order.id }), 201);
    const bal1 = await getBalance(held.client);
    assert.equal(bal1.available_minor, -order.total_minor);
    assert.equal(bal1.pending_minor, bal0.pending_minor);
    expectError(await held.client.post('/api/v1/payouts', { amount_minor: 1 }), 409, 'available_balance_insufficient', { param: 'amount_minor' });
  });

  test('input errors', async () => {
    const { order } = await buy(srv.url, shop, [{ product: 'book' }], DE);
    expectError(await shop.client.post('/api/v1/test/disputes', { order_id: order.id, amount_minor: order.total_minor + 1 }), 400, 'dispute_exceeds_charge', { param: 'amount_minor' });
    expectError(await shop.client.post('/api/v1/test/disputes', {}), 400, 'required', { param: 'order_id' });
    const d = (await shop.client.post('/api/v1/test/disputes', { order_id: order.id })).json;
    expectError(await shop.client.post(`/api/v1/test/disputes/${d.id}/resolve`, { outcome: 'maybe' }), 400, 'invalid_outcome', { param: 'outcome' });
  });

  test("another store can neither dispute nor resolve nor see a store's dispute", async () => {
    const { order } = await buy(srv.url, shop, [{ product: 'book' }], DE);
    expectError(await other.client.post('/api/v1/test/disputes', { order_id: order.id }), 404, 'not_found', { anyParam: true });
    const d = (await shop.client.post('/api/v1/test/disputes', { order_id: order.id })).json;
    expectError(await other.client.post(`/api/v1/test/disputes/${d.id}/resolve`, { outcome: 'won' }), 404, 'not_found', { anyParam: true });
    expectError(await other.client.post(`/api/v1/test/disputes/${d.id}/redeliver`), 404, 'not_found', { anyParam: true });
    const theirs = await disputedSales(other.client);
    assert.ok(!theirs.data.some((r) => r.order_id === order.id));
    assert.equal((await shop.client.get(`/api/v1/orders/${order.id}`)).json.disputes[0].status, 'open');
  });
});

describe('disputes without --test-mode', () => {
  const srv = serverHooks({ before, after }, { testMode: false });

  test('the test dispute endpoints are 404', async () => {
    const shop = await shopWith(srv);
    const { order } = await buy(srv.url, shop, [{ product: 'book' }], DE);
    expectError(await shop.client.post('/api/v1/test/disputes', { order_id: order.id }), 404, null, { anyParam: true });
    expectError(await shop.client.post('/api/v1/test/disputes/dp_x/resolve', { outcome: 'won' }), 404, null, { anyParam: true });
    expectError(await shop.client.post('/api/v1/test/disputes/dp_x/redeliver'), 404, null, { anyParam: true });
  });
});
