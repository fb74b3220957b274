// Cached Sales answers (Issue 4, docs/ARCHITECTURE.md "Sales answers cache"): a list answer is
// kept per (store, query) for one version of the store's Sales data, so it must never outlive
// a change: a checkout, a refund, a dispute, a refund request, a currency change. The answer
// carries an ETag (If-None-Match → 304 while nothing changed) and `Sales-Cache: hit|miss`.
// On SQLite answers are reused (hits are asserted); PostgreSQL keeps no version, so every
// answer there is made afresh (misses are asserted) and the freshness checks hold trivially.
// A second server on the same database proves that one instance's cache sees the other's
// writes.
import assert from 'node:assert/strict';
import { describe, test, before, after } from './support/test.mjs';
import { serverHooks, startServer } from './support/server.mjs';
import { Client, expectStatus, createToken, login } from './support/client.mjs';
import { expectList } from './support/assert.mjs';
import { createShop, buy, withCsrf, advanceClock } from './support/selling.mjs';

const DE = { country: 'DE', consent_immediate_delivery: true };

describe('sales answers cache', () => {
  const srv = serverHooks({ before, after });
  let shop; // store A, seller by cookie (shop.client) and by bearer (bearer)
  let bearer;
  let other; // store B
  let otherBearer;
  const sqlite = () => srv.server.backend === 'sqlite';

  const list = async (client, qs = 'limit=50', headers = {}) => {
    const res = await client.get(`/api/v1/sales?${qs}`, { headers });
    if (res.status === 304) return res;
    expectList(res);
    return res;
  };

  /** Two identical GETs: the second is a hit on SQLite, a miss on PostgreSQL; same body. */
  async function twice(client, qs) {
    const first = await list(client, qs);
    const second = await list(client, qs);
    assert.equal(second.headers.get('sales-cache'), sqlite() ? 'hit' : 'miss', `second GET of ${qs}`);
    assert.equal(second.text, first.text, 'a cached answer is the answer');
    assert.equal(second.headers.get('etag'), first.headers.get('etag'));
    return second;
  }

  before(async () => {
    shop = await createShop(srv.server, {
      store: { hold_period_days: 0 },
      products: { app: { prices: [1000], license_keys: true }, book: { prices: [500] } },
    });
    bearer = new Client(srv.url, { bearer: (await createToken(shop.client, 'cache')).token });
    other = await createShop(srv.server, { products: { app: { prices: [1000] } } });
    otherBearer = new Client(srv.url, { bearer: (await createToken(other.client, 'cache-b')).token });
    await buy(srv.url, shop, [{ product: 'app' }], { ...DE, name: 'Ana Cached', email: 'ana.cached@example.com' });
    await buy(srv.url, shop, [{ product: 'book' }], { name: 'Eve Early', email: 'eve.early@example.com' });
    await buy(srv.url, other, [{ product: 'app' }], { ...DE, name: 'Bo Other', email: 'bo.other@example.com' });
  });

  test('an answer has an ETag and private, no-cache; If-None-Match gives 304 without a body', async () => {
    for (const client of [shop.client, bearer]) {
      const res = await twice(client, 'limit=50');
      const etag = res.headers.get('etag');
      assert.match(etag, /^"[0-9a-f]{16}"$/);
      assert.equal(res.headers.get('cache-control'), 'private, no-cache');
      const again = await client.get('/api/v1/sales?limit=50', { headers: { 'if-none-match': etag } });
      assert.equal(again.status, 304);
      assert.equal(again.text, '');
      assert.equal(again.headers.get('etag'), etag);
      assert.equal(again.headers.get('content-length'), null, 'a 304 has no Content-Length');
      const list2 = await client.get('/api/v1/sales?limit=50', { headers: { 'if-none-match': `W/${etag}, "other"` } });
      assert.equal(list2.status, 304, 'weak and listed ETags match too');
      const stale = await client.get('/api/v1/sales?limit=50', { headers: { 'if-none-match': '"0000000000000000"' } });
      assert.equal(stale.status, 200);
    }
  });

  test('list → checkout → list shows the new sale (first page, summary, filters, next page)', async () => {
    for (const client of [bearer, shop.client]) {
      const qs = ['limit=50', 'limit=1', 'status=complete', 'q=cached', 'country=DE&sort=total', 'product_id=' + shop.products.app.id];
      const before = new Map();
      for (const q of qs) before.set(q, await twice(client, q));
      const { order } = await buy(srv.url, shop, [{ product: 'app' }], { ...DE, name: 'Ben Cached', email: `ben.${Date.now()}@example.com` });
      for (const q of qs) {
        const after = await list(client, q);
        assert.equal(after.headers.get('sales-cache'), 'miss', `${q} after a checkout`);
        const was = before.get(q).json;
        assert.equal(after.json.summary.count, was.summary.count + 1, `summary of ${q}`);
        assert.equal(after.json.summary.total_minor, was.summary.total_minor + order.total_minor, `total of ${q}`);
        assert.notEqual(after.headers.get('etag'), before.get(q).headers.get('etag'));
        // The old ETag no longer matches: the client gets the new answer.
        const cond = await client.get(`/api/v1/sales?${q}`, { headers: { 'if-none-match': before.get(q).headers.get('etag') } });
        assert.equal(cond.status, 200, `If-None-Match with the old ETag of ${q}`);
      }
      const first = await list(client, 'limit=50');
      assert.equal(first.json.data[0].order_id, order.id, 'the new sale is first');
      // limit=1: the next page (a cursor made before the sale) still pages on correctly.
      const cursor = before.get('limit=1').json.next_cursor;
      assert.equal(typeof cursor, 'string');
      const page2 = await list(client, `limit=1&cursor=${encodeURIComponent(cursor)}`);
      assert.ok(page2.json.data.every((r) => r.order_id !== order.id));
    }
  });

  test('dispute and a buyer refund request show at once', async () => {
    const { order, client: buyer } = await buy(srv.url, shop, [{ product: 'book' }], DE);
    const q = `q=${encodeURIComponent(order.id)}`;
    assert.equal((await twice(bearer, q)).json.data[0].refund_request, null);
    const requested0 = (await twice(bearer, 'status=refund_requested')).json.summary.count;
    await withCsrf(buyer);
    expectStatus(await buyer.post(`/api/v1/orders/${order.id}/refund-requests`, { reason: 'It does not open' }), 201);
    const r = await list(bearer, q);
    assert.equal(r.headers.get('sales-cache'), 'miss');
    assert.notEqual(r.json.data[0].refund_request, null);
    assert.equal((await list(bearer, 'status=refund_requested')).json.summary.count, requested0 + 1);

    await twice(bearer, q);
    const disputed0 = (await twice(bearer, 'status=disputed')).json.summary.count;
    expectStatus(await bearer.post('/api/v1/test/disputes', { order_id: order.id, reason: 'fraudulent' }), 201);
    const d = await list(bearer, q);
    assert.equal(d.json.data[0].status, 'disputed');
    assert.equal((await list(bearer, 'status=disputed')).json.summary.count, disputed0 + 1);
  });

  test("one store's cached answer never answers another store, for the same query", async () => {
    for (const qs of ['limit=50', 'q=cached', 'q=other', 'status=complete']) {
      const a = await twice(bearer, qs);
      const b = await twice(otherBearer, qs);
      const bCookie = await list(other.client, qs);
      for (const r of b.json.data) assert.ok(!a.json.data.some((x) => x.line_id === r.line_id), `A's sale in B's answer for ${qs}`);
      assert.equal(bCookie.text, b.text);
      assert.ok(!b.text.includes('Ana Cached') && !b.text.includes('ana.cached'), `A's buyer in B's answer for ${qs}`);
      // The ETag of A's answer is no key to B's.
      const cond = await otherBearer.get(`/api/v1/sales?${qs}`, { headers: { 'if-none-match': a.headers.get('etag') } });
      if (a.text !== b.text) assert.equal(cond.status, 200, `B with A's ETag for ${qs}`);
    }
    assert.ok((await list(bearer, 'q=cached')).json.data.length > 0, 'the check above is not vacuous');
  });

  test('a currency change shows in the summary at once', async () => {
    const res = await twice(bearer, 'limit=5');
    assert.equal(res.json.summary.currency, 'USD');
    expectStatus(await shop.client.patch('/api/v1/store', { currency: 'EUR' }), 200);
    const eur = await list(bearer, 'limit=5');
    assert.equal(eur.headers.get('sales-cache'), 'miss');
    assert.equal(eur.json.summary.currency, 'EUR');
    expectStatus(await shop.client.patch('/api/v1/store', { currency: 'USD' }), 200);
    assert.equal((await list(bearer, 'limit=5')).json.summary.currency, 'USD');
  });

  test('a token due for its last-used touch still gets the current answer', async () => {
    await twice(bearer, 'limit=3');
    await advanceClock(srv.server, 600); // past the touch interval: the request writes first
    const { order } = await buy(srv.url, shop, [{ product: 'book' }], DE);
    const res = await list(bearer, 'limit=3');
    assert.equal(res.json.data[0].order_id, order.id);
  });

  test('two servers on one database: a sale made through one shows at once through the other', async () => {
    const second = await startServer({ backend: srv.server.backend, dataDir: srv.server.dataDir, databaseUrl: srv.server.databaseUrl });
    try {
      // One token works on both (it lives in the database).
      const bearerToken = (await createToken(shop.client, 'two-servers')).token;
      const tokenClient = (url) => new Client(url, { bearer: bearerToken });
      const one = tokenClient(srv.url);
      const two = tokenClient(second.url);
      for (const [reader, writerUrl] of [[one, second.url], [two, srv.url]]) {
        const before = await twice(reader, 'limit=10');
        const { order } = await buy(writerUrl, shop, [{ product: 'app' }], DE);
        const after = await list(reader, 'limit=10');
        assert.equal(after.headers.get('sales-cache'), 'miss', 'the other server\'s sale is seen');
        assert.equal(after.json.data[0].order_id, order.id);
        assert.equal(after.json.summary.count, before.json.summary.count + 1);
        const refund = await tokenClient(writerUrl).post(`/api/v1/orders/${order.id}/refunds`, { reason: 'two servers' });
        expectStatus(refund, 201);
        const refunded = await list(reader, 'limit=10');
        assert.equal(refunded.json.data[0].status, 'refund_processing');
      }
    } finally {
      await second.stop();
      second.cleanup();
    }
  });
  // On SQLite an answer made on the fast path is replayed while nothing at all commits to the
  // database (docs/ARCHITECTURE.md); revoking a token or signing out is such a commit.
  test('a revoked token or a signed-out session is refused at once, though its answer was just replayed', async () => {
    const tok = await createToken(shop.client, 'revoked-soon');
    const tokenClient = new Client(srv.url, { bearer: tok.token });
    await twice(tokenClient, 'limit=4');
    await twice(tokenClient, 'limit=4');
    expectStatus(await shop.client.delete(`/api/v1/api-tokens/${tok.id}`), 200);
    assert.equal((await tokenClient.get('/api/v1/sales?limit=4')).status, 401, 'revoked token');

    const session = new Client(srv.url);
    await login(session, shop.seller.email, shop.seller.password);
    await twice(session, 'limit=4');
    await twice(session, 'limit=4');
    const cookie = session.session;
    expectStatus(await session.post('/api/v1/auth/logout', undefined), 200);
    const replay = new Client(srv.url);
    replay.cookies.set('sd_session', cookie);
    assert.equal((await replay.get('/api/v1/sales?limit=4')).status, 401, 'signed-out session');
  });

  test('refund → the status and summaries change at once, and again when it settles', async () => {
    const { order } = await buy(srv.url, shop, [{ product: 'app' }, { product: 'book' }], DE);
    const q = `q=${encodeURIComponent(order.id)}`;
    const a = await twice(bearer, q);
    assert.deepEqual(a.json.data.map((r) => r.status), ['complete', 'complete']);
    const processing0 = (await twice(bearer, 'status=refund_processing')).json.summary.count;
    const complete0 = await twice(bearer, 'status=complete');
    // Part of one line: that line is being refunded.
    const part = await bearer.post(`/api/v1/orders/${order.id}/refunds`, { reason: 'part', lines: [{ line_id: order.lines[0].id, amount_minor: 100 }] });
    expectStatus(part, 201);
    let b = await list(bearer, q);
    assert.equal(b.headers.get('sales-cache'), 'miss');
    const line0 = b.json.data.find((r) => r.line_id === order.lines[0].id);
    assert.equal(line0.status, 'refund_processing');
    assert.equal(line0.refunded_minor, 100);
    assert.equal((await list(bearer, 'status=refund_processing')).json.summary.count, processing0 + 1);
    const complete1 = await list(bearer, 'status=complete');
    assert.equal(complete1.json.summary.count, complete0.json.summary.count - 1);
    // The rest of the order.
    await twice(bearer, q);
    expectStatus(await bearer.post(`/api/v1/orders/${order.id}/refunds`, { reason: 'all' }), 201);
    b = await list(bearer, q);
    assert.deepEqual(b.json.data.map((r) => [r.status, r.refunded_minor]).sort(),
      order.lines.map((l) => ['refund_processing', l.total_minor]).sort());
    assert.equal((await list(bearer, 'status=refund_processing')).json.summary.count, processing0 + 2);
    // Settlement (a job, 5 business days later) moves them on: the cache sees that write too.
    await twice(bearer, q);
    const refunded0 = (await twice(bearer, 'status=refunded&limit=100')).json.summary.count;
    await advanceClock(srv.server, 8 * 24 * 3600);
    let settled;
    for (let i = 0; i < 100; i++) {
      settled = await list(bearer, q);
      if (settled.json.data.every((r) => r.status !== 'refund_processing')) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.deepEqual(settled.json.data.map((r) => r.status), ['refunded', 'refunded']);
    const stillProcessing = await list(bearer, 'status=refund_processing&limit=100');
    assert.equal(stillProcessing.json.summary.count, stillProcessing.json.data.length);
    assert.ok(stillProcessing.json.data.every((r) => r.order_id !== order.id));
    const refunded = await list(bearer, 'status=refunded&limit=100');
    assert.ok(refunded.json.summary.count >= refunded0 + 2, 'the settled lines count as refunded');
    assert.equal(refunded.json.summary.count, refunded.json.data.length);
  });

  // Last: it moves the clock past a session's idle limit (the replay's own time bound is
  // checked by the FastPathMemo unit tests: here the clock's move is itself a commit).
  test('a session past its idle limit is refused, though nothing was written since its answer', async () => {
    const session = new Client(srv.url);
    await login(session, shop.seller.email, shop.seller.password);
    await twice(session, 'limit=2');
    await twice(session, 'limit=2');
    await advanceClock(srv.server, 7 * 24 * 3600 + 60);
    assert.equal((await session.get('/api/v1/sales?limit=2')).status, 401);
  });
});
