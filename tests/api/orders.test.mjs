// The seller's order details (R-SALES-4) and a customer's transaction history (R-SALES-5):
// GET /orders/{id}, GET /customers/{id}, GET /customers/{id}/transactions. Shapes: the Sales
// view contract (notes/contract.md). Amounts are computed here, independently of the server.
import assert from 'node:assert/strict';
import { describe, test, before, after } from './support/test.mjs';
import { serverHooks } from './support/server.mjs';
import { Client, expectStatus, signupBuyer, createToken, uniqueEmail } from './support/client.mjs';
import { expectError, expectList, expectRfc3339 } from './support/assert.mjs';
import { createShop, buy, withCsrf, lineTax, platformFee, CARDS, card, micros, dbRows, DAY, advanceClock } from './support/selling.mjs';

const KEY = /^[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{5}$/;
const DE = 190000;

describe('order details and customers', () => {
  const srv = serverHooks({ before, after });
  let shop;
  let seller; // the seller's cookie client
  let order; // the multi-line DE order as checkout answered it
  let buyer; // that order's buyer (signed in by checkout)

  before(async () => {
    shop = await createShop(srv.server, {
      products: {
        app: { title: 'Plugin Pro', prices: [3900], license_keys: true, files: [{ filename: 'plugin.zip', bytes: Buffer.from('plugin bytes') }] },
        art: {
          title: 'Artwork Pack',
          prices: [500, 1500],
          files: [
            { filename: 'x.png', bytes: Buffer.from('x bytes') },
            { filename: 'y.png', bytes: Buffer.from('y bytes') },
          ],
        },
      },
    });
    seller = shop.client;
    const bought = await buy(srv.server, shop, [{ product: 'app' }, { product: 'art', tier: 1, quantity: 2 }], {
      country: 'DE',
      region: undefined,
      consent_immediate_delivery: true,
      payment_token: card(CARDS.visa),
      name: 'Dora Deutsch',
    });
    order = bought.order;
    buyer = await withCsrf(bought.client);
  });

  const details = async (id = order.id, client = seller) => {
    const res = await client.get(`/api/v1/orders/${encodeURIComponent(id)}`);
    expectStatus(res, 200);
    return res;
  };

  test('details of a multi-line order with tax: amounts exact, customer, tax, payment brand/last4', async () => {
    const res = await details();
    const d = res.json;
    assert.equal(d.id, order.id);
    expectRfc3339(d.created_at, 'created_at');
    assert.equal(d.created_at, order.created_at);
    assert.equal(d.status, 'complete');
    assert.equal(d.currency, 'USD');
    assert.match(d.customer.id, /^cus_/);
    assert.deepEqual({ ...d.customer, id: undefined }, { id: undefined, name: 'Dora Deutsch', email: order.email, country: 'DE' });

    // Plugin Pro 39.00 × 1 and Artwork Pack 15.00 × 2 at 19 %, tax half-up per line.
    assert.equal(d.lines.length, 2);
    const expected = [
      { product: shop.products.app, tier: shop.products.app.tiers[0], quantity: 1, unit: 3900 },
      { product: shop.products.art, tier: shop.products.art.tiers[1], quantity: 2, unit: 1500 },
    ];
    let sub = 0;
    let tax = 0;
    d.lines.forEach((l, i) => {
      const e = expected[i];
      const price = e.unit * e.quantity;
      assert.equal(l.id, order.lines[i].id);
      assert.deepEqual(l.product, { id: e.product.id, title: e.product.title });
      assert.equal(l.tier, e.tier.name);
      assert.equal(l.terms, e.tier.terms);
      assert.equal(l.quantity, e.quantity);
      assert.equal(l.unit_price_minor, e.unit);
      assert.equal(l.price_minor, price);
      assert.equal(l.tax_minor, lineTax(price, DE));
      assert.equal(l.total_minor, price + lineTax(price, DE));
      assert.equal(l.refunded_minor, 0);
      assert.equal(l.status, 'complete');
      assert.equal(l.access, 'active');
      assert.match(l.entitlement_id, /^ent_/);
      sub += price;
      tax += lineTax(price, DE);
    });
    assert.equal(tax, 741 + 570);
    assert.equal(d.subtotal_minor, 6900);
    assert.equal(d.tax_minor, 1311);
    assert.equal(d.total_minor, 8211);
    assert.equal(sub, d.subtotal_minor);
    assert.equal(d.fee_minor, platformFee(6900));
    assert.equal(d.net_minor, 6900 - platformFee(6900));
    assert.equal(d.refunded_minor, 0);
    assert.deepEqual(d.refunds, []);

    assert.equal(d.tax.country, 'DE');
    assert.equal(d.tax.region, '');
    assert.equal(d.tax.rate_ppm, DE);
    assert.equal(d.tax.label, 'VAT');
    assert.equal(typeof d.tax.evidence, 'object');
    assert.ok(d.tax.evidence && Object.keys(d.tax.evidence).length > 0, `no tax evidence: ${res.text}`);

    // The payment method is brand and last 4, nothing more, anywhere in the answer.
    assert.deepEqual(d.payment, { brand: 'visa', last4: CARDS.visa.slice(-4) });
    const [[fingerprint, chargeId]] = dbRows(srv.server, `SELECT payment_fingerprint, provider_charge_id FROM orders WHERE public_id = '${order.id}'`);
    assert.ok(fingerprint.length >= 16, 'the fixture has a fingerprint to look for');
    assert.ok(!res.text.includes(fingerprint), 'the payment fingerprint leaked');
    assert.ok(!/fingerprint/i.test(res.text), 'a fingerprint field is present');
    assert.ok(!res.text.includes(CARDS.visa), 'the full card number leaked');
    assert.ok(!res.text.includes(CARDS.visa.slice(0, 6)), 'the card BIN leaked');
    assert.ok(!res.text.includes(chargeId), 'the provider charge id leaked');

    // Hold not over yet: paid only; funds available at created_at + 7 days.
    expectRfc3339(d.available_at, 'available_at');
    assert.equal(micros(d.available_at) - micros(d.created_at), 7 * DAY * 1e6);
    assert.equal(d.status_history.length, 1);
    assert.equal(d.status_history[0].status, 'paid');
    assert.equal(d.status_history[0].at, d.created_at);
    assert.equal(typeof d.status_history[0].note, 'string');
  });

  test('license key present on the keyed line, null on the other', async () => {
    const d = (await details()).json;
    assert.match(d.lines[0].license_key, KEY);
    assert.equal(d.lines[0].license_key, order.lines[0].license_key);
    assert.equal(d.lines[1].license_key, null);
  });

  test('downloads are counted per file after the buyer downloads', async () => {
    let d = (await details()).json;
    assert.deepEqual(d.lines[1].downloads, {
      count: 0,
      files: shop.products.art.uploaded.map((f) => ({ file_id: f.id, filename: f.filename, count: 0 })),
    });
    const lib = expectList(await buyer.get('/api/v1/library'));
    const artEnt = lib.find((e) => e.product.id === shop.products.art.id && e.order_id === order.id);
    const appEnt = lib.find((e) => e.product.id === shop.products.app.id && e.order_id === order.id);
    assert.equal(d.lines[1].entitlement_id, artEnt.id);
    assert.equal(d.lines[0].entitlement_id, appEnt.id);
    const download = async (ent, file) => {
      const link = await buyer.post(`/api/v1/library/${ent.id}/files/${file.id}/link`);
      expectStatus(link, 201);
      const r = await fetch(srv.url + link.json.url);
      assert.equal(r.status, 200);
      assert.equal(Buffer.from(await r.arrayBuffer()).toString(), file.bytes.toString());
    };
    const [x, y] = shop.products.art.uploaded;
    await download(artEnt, x);
    await download(artEnt, x);
    await download(appEnt, shop.products.app.uploaded[0]);
    d = (await details()).json;
    assert.deepEqual(d.lines[1].downloads, {
      count: 2,
      files: [
        { file_id: x.id, filename: 'x.png', count: 2 },
        { file_id: y.id, filename: 'y.png', count: 0 },
      ],
    });
    assert.equal(d.lines[0].downloads.count, 1);
    assert.deepEqual(d.lines[0].downloads.files, [{ file_id: shop.products.app.uploaded[0].id, filename: 'plugin.zip', count: 1 }]);
  });

  test('access shows revoked (with a history entry) after the seller revokes, active after restore', async () => {
    const before = (await details()).json;
    const entId = before.lines[1].entitlement_id;
    expectStatus(await seller.post(`/api/v1/entitlements/${entId}/revoke`, { reason: 'shared publicly' }), 200);
    const d = (await details()).json;
    assert.equal(d.lines[1].access, 'revoked');
    assert.equal(d.lines[0].access, 'active');
    const revoked = d.status_history.filter((h) => h.status === 'access_revoked');
    assert.equal(revoked.length, 1, JSON.stringify(d.status_history));
    expectRfc3339(revoked[0].at, 'access_revoked.at');
    assert.ok(micros(revoked[0].at) >= micros(d.created_at));
    assert.match(revoked[0].note, /Artwork Pack/);
    assert.match(revoked[0].note, /shared publicly/);
    assert.equal(d.status_history[0].status, 'paid');

    expectStatus(await seller.post(`/api/v1/entitlements/${entId}/restore`), 200);
    const again = (await details()).json;
    assert.equal(again.lines[1].access, 'active');
    assert.ok(!again.status_history.some((h) => h.status === 'access_revoked'));
  });

  test('unknown order and customer ids are 404 not_found; a bad cursor or limit is 400', async () => {
    expectError(await seller.get('/api/v1/orders/SD-0000-0000'), 404, 'not_found', { param: 'order_id' });
    expectError(await seller.get('/api/v1/customers/cus_doesnotexist0000000000'), 404, 'not_found', { param: 'id' });
    expectError(await seller.get('/api/v1/customers/cus_doesnotexist0000000000/transactions'), 404, 'not_found', { param: 'id' });
    const cus = (await details()).json.customer.id;
    expectError(await seller.get(`/api/v1/customers/${cus}/transactions?cursor=nothex`), 400, 'invalid_cursor', { param: 'cursor' });
    expectError(await seller.get(`/api/v1/customers/${cus}/transactions?limit=0`), 400, 'invalid_limit', { param: 'limit' });
    expectError(await seller.get(`/api/v1/customers/${cus}/transactions?limit=101`), 400, 'invalid_limit', { param: 'limit' });
  });

  test('a buyer-only account gets 403 seller_account_required; anonymous 401', async () => {
    const cus = (await details()).json.customer.id;
    const b = new Client(srv.url);
    await signupBuyer(b);
    const tok = await createToken(b, 'buyer token');
    const bb = new Client(srv.url, { bearer: tok.token });
    for (const path of [`/api/v1/orders/${order.id}`, `/api/v1/customers/${cus}`, `/api/v1/customers/${cus}/transactions`]) {
      expectError(await b.get(path), 403, 'seller_account_required');
      expectError(await bb.get(path), 403, 'seller_account_required');
      // The order's own buyer is not its seller either.
      expectError(await buyer.get(path), 403, 'seller_account_required');
      const anon = await new Client(srv.url).get(path);
      assert.equal(anon.status, 401);
    }
  });

  test('a bearer token of the seller reads the same details', async () => {
    const tok = await createToken(seller, 'integration');
    const viaToken = await details(order.id, new Client(srv.url, { bearer: tok.token }));
    const viaCookie = await details();
    assert.deepEqual(viaToken.json, viaCookie.json);
  });

  describe('a customer with several orders', () => {
    let email;
    let orders; // as checkout answered, oldest first
    let customerId;

    before(async () => {
      email = uniqueEmail('repeat');
      orders = [];
      const plan = [
        [{ product: 'art' }],
        [{ product: 'app' }, { product: 'art', tier: 1 }],
        [{ product: 'art', tier: 1, quantity: 3 }],
        [{ product: 'app' }],
        [{ product: 'art' }, { product: 'app' }],
      ];
      for (const [i, items] of plan.entries()) {
        // Guests with the same email are one buyer, hence one customer of the store.
        const country = i === plan.length - 1 ? { country: 'FR', region: undefined, consent_immediate_delivery: true } : {};
        orders.push((await buy(srv.server, shop, items, { email, name: 'Rita Repeat', payment_token: card(CARDS.mastercard), ...country })).order);
      }
      customerId = (await details(orders[0].id)).json.customer.id;
      for (const o of orders) assert.equal((await details(o.id)).json.customer.id, customerId, 'one customer for one email');
    });

    test('the customer summary totals equal the sum of their orders', async () => {
      const res = await seller.get(`/api/v1/customers/${customerId}`);
      expectStatus(res, 200);
      const c = res.json;
      assert.equal(c.id, customerId);
      assert.equal(c.name, 'Rita Repeat');
      assert.equal(c.email, email);
      assert.equal(c.country, 'FR', 'the latest order\'s country');
      assert.equal(c.currency, 'USD');
      assert.equal(c.orders_count, orders.length);
      assert.equal(c.total_spent_minor, orders.reduce((s, o) => s + o.total_minor, 0));
      assert.equal(c.refunded_minor, 0);
      const times = orders.map((o) => micros(o.created_at));
      assert.equal(micros(c.first_order_at), Math.min(...times));
      assert.equal(micros(c.last_order_at), Math.max(...times));
      expectRfc3339(c.created_at, 'created_at');
      // Created by the first purchase, in its transaction.
      assert.ok(micros(c.created_at) <= Math.min(...times) && micros(c.created_at) > Math.min(...times) - 60e6, c.created_at);
      const [[stored]] = dbRows(srv.server, `SELECT created_at FROM customers WHERE public_id = '${customerId}'`);
      assert.equal(Number(stored), micros(c.created_at), 'created_at is stored, not derived');
      assert.ok(!res.text.includes('fingerprint'));
    });

    const allTransactions = async (limit, between = async () => {}) => {
      const seen = [];
      let cursor = null;
      let pages = 0;
      let totals;
      do {
        const q = `limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
        const res = await seller.get(`/api/v1/customers/${customerId}/transactions?${q}`);
        const page = expectList(res);
        assert.ok(page.length <= limit);
        if (res.json.has_more) {
          assert.equal(page.length, limit);
          assert.equal(typeof res.json.next_cursor, 'string');
        } else {
          assert.equal(res.json.next_cursor, null);
        }
        seen.push(...page);
        cursor = res.json.next_cursor;
        totals = res.json.totals;
        pages++;
        await between(pages);
      } while (cursor && pages < 50);
      return { seen, pages, totals };
    };

    test('transactions: purchases newest first, with totals', async () => {
      const { seen, pages, totals } = await allTransactions(100);
      assert.equal(pages, 1);
      const newestFirst = [...orders].reverse();
      assert.deepEqual(seen.map((t) => t.id), newestFirst.map((o) => o.id));
      seen.forEach((t, i) => {
        const o = newestFirst[i];
        assert.equal(t.type, 'purchase');
        assert.equal(t.order_id, o.id);
        assert.equal(t.created_at, o.created_at);
        assert.equal(t.amount_minor, o.total_minor);
        assert.equal(t.currency, 'USD');
        assert.equal(t.status, 'complete');
        for (const l of o.lines) assert.ok(t.description.includes(l.product.title), `${t.description} lacks ${l.product.title}`);
        if (i > 0) assert.ok(micros(seen[i - 1].created_at) >= micros(t.created_at), 'not newest first');
      });
      const sum = orders.reduce((s, o) => s + o.total_minor, 0);
      assert.deepEqual(totals, { count: orders.length, purchases_minor: sum, refunds_minor: 0, net_minor: sum, currency: 'USD' });
    });

    test('transactions paginate with a cursor: no duplicates, no gaps, stable while new orders arrive', async () => {
      const full = (await allTransactions(100)).seen.map((t) => t.id);
      for (const limit of [1, 2, 3]) {
        const { seen, pages, totals } = await allTransactions(limit);
        assert.equal(pages, Math.ceil(full.length / limit));
        assert.deepEqual(seen.map((t) => t.id), full, `limit ${limit}`);
        assert.equal(totals.count, orders.length);
      }
      // A purchase made between pages is newer than the cursor: later pages neither repeat
      // nor skip anything; the totals count it.
      let extra;
      const { seen, totals } = await allTransactions(2, async (page) => {
        if (page === 1) extra = (await buy(srv.server, shop, [{ product: 'art' }], { email })).order;
      });
      assert.deepEqual(seen.map((t) => t.id), full);
      assert.equal(totals.count, orders.length + 1);
      orders.push(extra);
      const fresh = (await allTransactions(100)).seen.map((t) => t.id);
      assert.deepEqual(fresh, [extra.id, ...full]);
    });

    test('the status history shows funds available once the hold has passed', async () => {
      // Moves the file's clock: keep this test last. Sessions idle out after 7 days; a token does not.
      const tok = await createToken(seller, 'after the hold');
      await advanceClock(srv.server, 7 * DAY + 60);
      const d = (await details(orders[0].id, new Client(srv.url, { bearer: tok.token }))).json;
      assert.deepEqual(d.status_history.map((h) => h.status), ['paid', 'funds_available']);
      assert.equal(d.status_history[1].at, d.available_at);
    });
  });
});
