// Checkout (R-CHK-1..3, R-CHK-6, R-TAX-1..3, R-CAT-4): the order answer, tax added on top
// (half-up per line, from the built-in table), EU consent, regions, the evidence rule, test
// cards, unavailable products, bundles, guest vs signed-in buyers, idempotency (including 50
// concurrent requests with one key) and the compensation path after an injected fault.
import assert from 'node:assert/strict';
import { describe, test, before, after } from './support/test.mjs';
import { serverHooks } from './support/server.mjs';
import { Client, expectStatus, signupBuyer, uniqueEmail, randomKey } from './support/client.mjs';
import { expectError, expectList, expectRfc3339 } from './support/assert.mjs';
import {
  RATE_PPM, TAX_LABEL, EU, place, lineTax, netOf, checkOrderMath, CARDS, card, createShop,
  checkoutBody, checkout, buy, getBalance, setCheckoutFaults, dbRows, serverLog,
} from './support/selling.mjs';
import { mailFiles, qpDecode, waitFor } from './support/mail.mjs';

const ORDER_ID = /^SD-[0-9A-Z]{4}-[0-9A-Z]{4}$/;
const ERROR_TYPES = new Set(['invalid_request', 'authentication', 'permission', 'not_found', 'conflict', 'rate_limited', 'idempotency', 'api']);

function sessionCookie(res) {
  return res.setCookies.find((c) => c.startsWith('sd_session='));
}

describe('checkout', () => {
  const srv = serverHooks({ before, after });
  let shop; // seller A: default fees, several products
  let other; // seller B: one published product

  before(async () => {
    shop = await createShop(srv.server, {
      storeName: 'Checkout Shop',
      products: {
        // tiers: [1000, 4900, 1005, 50, 200]
        main: { title: 'Brush pack', prices: [1000, 4900, 1005, 50, 200], files: [{ filename: 'brushes.zip', bytes: Buffer.from('brushes') }] },
        second: { title: 'Texture pack', prices: [1000, 50] },
        draft: { title: 'Draft product', prices: [700], publish: false },
        unpub: { title: 'Withdrawn product', prices: [800] },
        b1: { title: 'Bundle item one', prices: [1500] },
        b2: { title: 'Bundle item two', prices: [2500] },
        bundle: { title: 'Everything bundle', prices: [3000], bundle: ['b1', 'b2'] },
        free: { title: 'Free sampler', prices: [0] }, // the catalog accepts price_minor 0
      },
    });
    expectStatus(await shop.client.post(`/api/v1/products/${shop.products.unpub.id}/unpublish`), 200);
    other = await createShop(srv.server, { storeName: 'Other Shop', products: { x: { prices: [1000] } } });
  });

  /** Pending of seller A; used to prove "nothing was written". */
  const pending = async () => (await getBalance(shop.client)).pending_minor;

  test('guest DE buyer: 201 with the whole order shape; tax added on top; session cookie; library opens', async () => {
    const guest = new Client(srv.url);
    const email = uniqueEmail('guest-de');
    const res = await checkout(guest, shop, [{ product: 'main', tier: 0 }], {
      email, name: 'Dora Deutsch', country: 'DE', postal_code: '10115', consent_immediate_delivery: true,
    });
    expectStatus(res, 201);
    const o = res.json.order;
    assert.match(o.id, ORDER_ID);
    assert.equal(o.status, 'paid');
    assert.equal(o.currency, 'USD');
    assert.equal(o.email, email);
    assert.equal(o.name, 'Dora Deutsch');
    assert.equal(o.lines.length, 1);
    const l = o.lines[0];
    assert.equal(typeof l.id, 'string');
    assert.deepEqual(l.product, { id: shop.products.main.id, title: 'Brush pack' });
    assert.deepEqual(l.tier, { id: shop.products.main.tiers[0].id, name: shop.products.main.tiers[0].name });
    assert.equal(l.terms, shop.products.main.tiers[0].terms, 'the tier terms are snapshotted on the line');
    assert.equal(l.quantity, 1);
    assert.equal(l.unit_price_minor, 1000);
    assert.equal(l.subtotal_minor, 1000);
    assert.equal(l.tax_minor, 190);
    assert.equal(l.total_minor, 1190);
    assert.equal(l.refunded_minor, 0);
    assert.equal(l.license_key, null);
    assert.equal(o.subtotal_minor, 1000);
    assert.equal(o.tax_minor, 190);
    assert.equal(o.total_minor, 1190);
    assert.deepEqual(o.tax, { country: 'DE', region: '', rate_ppm: 190000, label: 'VAT' });
    assert.deepEqual(o.payment, { brand: 'visa', last4: '4242' });
    expectRfc3339(o.consent_immediate_delivery_at, 'consent_immediate_delivery_at');
    assert.deepEqual(o.store, { slug: shop.slug, name: 'Checkout Shop', support_email: shop.store.support_email });
    expectRfc3339(o.created_at, 'created_at');
    assert.ok(!res.text.includes('4242424242424242'), 'the card number is echoed');

    const cookie = sessionCookie(res);
    assert.ok(cookie, `new guest account gets a session: ${JSON.stringify(res.setCookies)}`);
    assert.match(cookie, /HttpOnly/i);
    const lib = expectList(await guest.get('/api/v1/library'));
    assert.equal(lib.length, 1);
    assert.equal(lib[0].product.id, shop.products.main.id);
    assert.equal(lib[0].order_id, o.id);
    const mine = await guest.get(`/api/v1/my/orders/${o.id}`);
    expectStatus(mine, 200);
    const mo = mine.json.order ?? mine.json;
    assert.equal(mo.id, o.id);
    assert.equal(mo.total_minor, 1190);
    assert.deepEqual(mo.tax, o.tax);
  });

  // Tax: [name, jurisdiction, items, expected line taxes]
  const TAX_CASES = [
    ['DE 19%: 1000 → 190', 'DE', [{ tier: 0 }], [190]],
    ['US-OR: no tax', 'US-OR', [{ tier: 0 }], [0]],
    ['US-WA 9.38%: 1000 → 94 (93.8 half-up)', 'US-WA', [{ tier: 0 }], [94]],
    ['US-WA: 3 × 1000 taxed per line: 281 (not 3 × 94)', 'US-WA', [{ tier: 0, quantity: 3 }], [281]],
    ['US-WA: two lines 1000 + 50 → 94 + 5 (per line, not 98 on the sum)', 'US-WA', [{ tier: 0 }, { product: 'second', tier: 1 }], [94, 5]],
    ['CA-ON 13%: 1000 → 130', 'CA-ON', [{ tier: 0 }], [130]],
    ['CA-QC 14.975%: 200 → 30 (29.95 half-up)', 'CA-QC', [{ tier: 4 }], [30]],
    ['JP 10%: 1000 → 100', 'JP', [{ tier: 0 }], [100]],
    ['JP 10%: 1005 → 101 (100.5 rounds half up)', 'JP', [{ tier: 2 }], [101]],
    ['DE 19%: 50 → 10 (9.5 rounds half up)', 'DE', [{ tier: 3 }], [10]],
    ['GB 20%: 1000 → 200, no consent needed', 'GB', [{ tier: 0 }], [200]],
    ['US-CA: digital goods untaxed', 'US-CA', [{ tier: 1 }], [0]],
    ['BR: no row → no tax', 'BR', [{ tier: 0 }], [0]],
  ];
  for (const [name, where, items, taxes] of TAX_CASES) {
    test(`tax ${name}`, async () => {
      const ppm = RATE_PPM[where];
      const p = place(where);
      const over = { country: p.country, region: p.region }; // undefined region: not sent
      if (EU.has(p.country)) over.consent_immediate_delivery = true;
      const { order } = await buy(srv.server, shop, items.map((i) => ({ product: i.product ?? 'main', tier: i.tier, quantity: i.quantity })), over);
      assert.deepEqual(order.lines.map((l) => l.tax_minor), taxes, JSON.stringify(order));
      for (const l of order.lines) assert.equal(l.tax_minor, lineTax(l.subtotal_minor, ppm));
      checkOrderMath(order, ppm);
      assert.equal(order.tax.country, p.country);
      assert.equal(order.tax.region, p.region ?? '');
      if (ppm > 0) assert.equal(order.tax.label, TAX_LABEL[where]);
      if (!EU.has(p.country)) assert.equal(order.consent_immediate_delivery_at, null);
    });
  }

  test('region may be given in lower case or as the ISO 3166-2 code; country is case-insensitive', async () => {
    for (const over of [{ country: 'US', region: 'wa' }, { country: 'us', region: 'US-WA' }]) {
      const { order } = await buy(srv.server, shop, [{ product: 'main' }], over);
      assert.deepEqual([order.tax.country, order.tax.region, order.tax.rate_ppm, order.tax_minor], ['US', 'WA', 93800, 94], JSON.stringify(over));
    }
  });

  test('EU buyer without consent → 400 consent_required (param consent_immediate_delivery); nothing written', async () => {
    const before0 = await pending();
    for (const over of [{ country: 'DE' }, { country: 'FR', consent_immediate_delivery: false }, { country: 'IT', consent_immediate_delivery: false }]) {
      const res = await checkout(new Client(srv.url), shop, [{ product: 'main' }], over);
      expectError(res, 400, 'consent_required', { param: 'consent_immediate_delivery' });
      assert.equal(sessionCookie(res), undefined, 'a refused checkout opened a session');
    }
    assert.equal(await pending(), before0);
  });

  test('EU consent is stored with the order; non-EU orders have none', async () => {
    const fr = (await buy(srv.server, shop, [{ product: 'main' }], { country: 'FR', consent_immediate_delivery: true })).order;
    expectRfc3339(fr.consent_immediate_delivery_at);
    assert.equal(fr.tax_minor, 200);
    const jp = (await buy(srv.server, shop, [{ product: 'main' }], { country: 'JP', consent_immediate_delivery: true })).order;
    assert.equal(jp.consent_immediate_delivery_at, null, 'consent recorded for a non-EU order');
  });

  test('US/CA need a valid region; unknown countries are refused; nothing written', async () => {
    const before0 = await pending();
    const cases = [
      [{ country: 'US', region: undefined }, 'region_required', 'region'],
      [{ country: 'US', region: '' }, 'region_required', 'region'],
      [{ country: 'CA', region: undefined }, 'region_required', 'region'],
      [{ country: 'US', region: 'ZZ' }, 'region_invalid', 'region'],
      [{ country: 'US', region: 'ON' }, 'region_invalid', 'region'],
      [{ country: 'CA', region: 'WA' }, 'region_invalid', 'region'],
      [{ country: 'XX', region: undefined }, 'country_invalid', 'country'],
      [{ country: 'UK', region: undefined }, 'country_invalid', 'country'],
      [{ country: 'EU', region: undefined }, 'country_invalid', 'country'],
    ];
    for (const [over, code, param] of cases) {
      const body = checkoutBody(shop, [{ product: 'main' }], over);
      if (over.region === undefined) delete body.region;
      const res = await new Client(srv.url).post('/api/v1/checkout', body);
      expectError(res, 400, code, { param });
    }
    assert.equal(await pending(), before0);
  });

  test('evidence: a DE card with declared US-WA is taxed as WA (declared wins), and the evidence is kept', async () => {
    const guest = new Client(srv.url);
    const { order } = await buy(srv.server, shop, [{ product: 'main' }], {
      country: 'US', region: 'WA', postal_code: '98101', payment_token: card(CARDS.de),
    }, { client: guest });
    assert.deepEqual(order.tax, { country: 'US', region: 'WA', rate_ppm: 93800, label: 'Sales tax' });
    assert.equal(order.tax_minor, 94);
    assert.equal(order.consent_immediate_delivery_at, null, 'consent asked of a US buyer because of the card');
    const mine = await guest.get(`/api/v1/my/orders/${order.id}`);
    expectStatus(mine, 200);
    const mo = mine.json.order ?? mine.json;
    assert.deepEqual(mo.tax, order.tax);
    assert.equal(mo.total_minor, 1094);
    // The evidence itself is not in the buyer's answer; it is kept with the order.
    const rows = dbRows(srv.server, `SELECT evidence FROM orders WHERE public_id = '${order.id}'`);
    assert.equal(rows.length, 1);
    const ev = JSON.parse(rows[0].join('|'));
    assert.equal(ev.declared_country, 'US');
    assert.equal(ev.declared_region, 'WA');
    assert.equal(ev.postal_code, '98101');
    assert.equal(ev.card_country, 'DE');
    assert.equal(ev.rule, 'declared');
    assert.ok(!JSON.stringify(ev).includes(CARDS.de), 'the card number is stored with the evidence');

    // A GB card with declared DE: DE's VAT, consent still required.
    const de = await buy(srv.server, shop, [{ product: 'main' }], { country: 'DE', payment_token: card(CARDS.gb), consent_immediate_delivery: true });
    assert.deepEqual([de.order.tax.country, de.order.tax_minor], ['DE', 190]);
    // A matching card: rule declared_matches_card.
    const ca = await buy(srv.server, shop, [{ product: 'main' }], { country: 'CA', region: 'ON', payment_token: card(CARDS.ca) });
    assert.deepEqual([ca.order.tax.country, ca.order.tax.region, ca.order.tax_minor], ['CA', 'ON', 130]);
    const caEv = JSON.parse(dbRows(srv.server, `SELECT evidence FROM orders WHERE public_id = '${ca.order.id}'`)[0].join('|'));
    assert.equal(caEv.card_country, 'CA');
    assert.equal(caEv.rule, 'declared_matches_card');
  });

  test('test cards: brands and last4; declines are 402; a bad token is 400; nothing is written on failure', async () => {
    for (const [num, brand, last4] of [[CARDS.mastercard, 'mastercard', '4444'], [CARDS.amex, 'amex', '0005']]) {
      const { order } = await buy(srv.server, shop, [{ product: 'main' }], { payment_token: card(num) });
      assert.deepEqual(order.payment, { brand, last4 });
    }
    const before0 = await getBalance(shop.client);
    const failures = [
      [card(CARDS.declined), 402, 'card_declined', null],
      [card(CARDS.insufficient), 402, 'insufficient_funds', null],
      [card(CARDS.notLuhn), 400, 'payment_token_invalid', 'payment_token'],
      ['tok_visa', 400, 'payment_token_invalid', 'payment_token'],
      ['test_card_42', 400, 'payment_token_invalid', 'payment_token'],
    ];
    for (const [token, status, code, param] of failures) {
      const guest = new Client(srv.url);
      const email = uniqueEmail('declined');
      const res = await checkout(guest, shop, [{ product: 'main' }], { email, payment_token: token });
      const err = expectError(res, status, code, status === 402 ? { anyParam: true } : { param });
      if (status === 402) assert.ok(ERROR_TYPES.has(err.type), `402 error type ${err.type} not in API.md's list`);
      assert.equal(sessionCookie(res), undefined, 'a failed checkout opened a session');
      // No account was created for the email: a later successful checkout creates it (and gets a session).
      if (status === 402) {
        const again = await checkout(new Client(srv.url), shop, [{ product: 'main' }], { email });
        expectStatus(again, 201);
        assert.ok(sessionCookie(again), 'the declined checkout created the account');
        before0.pending_minor += netOf(again.json.order.subtotal_minor);
      }
    }
    const after0 = await getBalance(shop.client);
    assert.deepEqual(after0, before0, 'a failed payment changed the balance');
  });

  test('unavailable, unknown and foreign products and tiers; bad quantities; nothing written', async () => {
    const before0 = await pending();
    const P = shop.products;
    const cases = [
      [[{ product: P.draft }], 409, 'product_unavailable', 'items[0].product_id'],
      [[{ product: P.unpub }], 409, 'product_unavailable', 'items[0].product_id'],
      [[{ product: { id: 'prd_doesnotexist0000000000', tiers: [{ id: P.main.tiers[0].id }] } }], 404, 'product_not_found', 'items[0].product_id'],
      [[{ product: other.products.x }], 404, 'product_not_found', 'items[0].product_id'],
      [[{ product: P.main, tier: 'tier_doesnotexist0000000000' }], 404, 'tier_not_found', 'items[0].tier_id'],
      [[{ product: P.main, tier: P.second.tiers[0].id }], 404, 'tier_not_found', 'items[0].tier_id'],
      [[{ product: P.main, quantity: 0 }], 400, 'out_of_range', 'items[0].quantity'],
      [[{ product: P.main, quantity: -1 }], 400, 'out_of_range', 'items[0].quantity'],
      [[{ product: P.main }, { product: P.draft }], 409, 'product_unavailable', 'items[1].product_id'],
      [[{ product: P.main }, { product: P.second, tier: P.main.tiers[1].id }], 404, 'tier_not_found', 'items[1].tier_id'],
      [[{ product: P.main }, { product: P.second, quantity: 0 }], 400, 'out_of_range', 'items[1].quantity'],
    ];
    for (const [items, status, code, param] of cases) {
      const res = await checkout(new Client(srv.url), shop, items);
      expectError(res, status, code, { param });
    }
    // Seller B's product at seller A's store, and A's product at B's store.
    expectError(await checkout(new Client(srv.url), other, [{ product: P.main }]), 404, 'product_not_found', { param: 'items[0].product_id' });
    // No items, unknown store.
    const empty = checkoutBody(shop, [{ product: 'main' }]);
    empty.items = [];
    expectError(await new Client(srv.url).post('/api/v1/checkout', empty), 400, null, { param: 'items' });
    const noStore = checkoutBody(shop, [{ product: 'main' }], { store: 'no-such-store-here' });
    expectError(await new Client(srv.url).post('/api/v1/checkout', noStore), 404, null, { anyParam: true });
    assert.equal(await pending(), before0);
  });

  test('bundle: buying it grants the bundle and each product it contains', async () => {
    const guest = new Client(srv.url);
    const { order } = await buy(srv.server, shop, [{ product: 'bundle' }], { country: 'US', region: 'NY' }, { client: guest });
    assert.equal(order.subtotal_minor, 3000);
    assert.equal(order.tax_minor, lineTax(3000, RATE_PPM['US-NY']));
    const lib = expectList(await guest.get('/api/v1/library'));
    const ids = lib.map((e) => e.product.id).sort();
    assert.deepEqual(ids, [shop.products.bundle.id, shop.products.b1.id, shop.products.b2.id].sort(), JSON.stringify(lib));
    for (const e of lib) assert.equal(e.order_id, order.id);
    assert.equal(new Set(lib.map((e) => e.id)).size, 3, 'entitlement ids repeat');
  });

  test('signed-in buyer: buys as themselves (CSRF applies), no new session; an existing email as guest gets no session', async () => {
    const buyer = new Client(srv.url);
    const b = await signupBuyer(buyer);
    const sessionBefore = buyer.session;
    // Without the CSRF token: refused, nothing written.
    const before0 = await pending();
    const noCsrf = await checkout(buyer, shop, [{ product: 'second' }], {}, { csrf: false });
    expectError(noCsrf, 403, 'csrf_token_invalid');
    assert.equal(await pending(), before0);
    const res = await checkout(buyer, shop, [{ product: 'second' }], { email: uniqueEmail('ignored') });
    expectStatus(res, 201);
    assert.equal(res.json.order.email, b.email, "a signed-in buyer's order carries the account's email");
    assert.equal(sessionCookie(res), undefined, 'a signed-in buyer got a new session');
    assert.equal(buyer.session, sessionBefore);
    const lib = expectList(await buyer.get('/api/v1/library'));
    assert.deepEqual(lib.map((e) => e.order_id), [res.json.order.id]);

    // The same email as a guest: the order is placed, but the guest gets no session for that account.
    const guest = new Client(srv.url);
    const g = await checkout(guest, shop, [{ product: 'main' }], { email: b.email });
    expectStatus(g, 201);
    assert.equal(sessionCookie(g), undefined, "a guest got a session for someone else's account");
    assert.equal(guest.session, undefined);
    expectError(await guest.get('/api/v1/library'), 401, null, { anyParam: true });
    // The purchase lands in the account's library.
    const lib2 = expectList(await buyer.get('/api/v1/library'));
    assert.deepEqual(lib2.map((e) => e.order_id).sort(), [res.json.order.id, g.json.order.id].sort());
    // A second guest checkout with an email that a guest checkout created: no session either.
    const email = uniqueEmail('twice');
    const first = await checkout(new Client(srv.url), shop, [{ product: 'main' }], { email });
    assert.ok(sessionCookie(first));
    const second = await checkout(new Client(srv.url), shop, [{ product: 'main' }], { email });
    expectStatus(second, 201);
    assert.equal(sessionCookie(second), undefined, 'a second guest checkout for the same email got a session');
  });

  test('concurrent guest checkouts for one new email (separate keys) → every one is an order of one account', async () => {
    const email = uniqueEmail('twin-tabs');
    const before0 = await pending();
    const clients = Array.from({ length: 6 }, () => new Client(srv.url));
    const results = await Promise.all(clients.map((c) => checkout(c, shop, [{ product: 'main' }], { email })));
    for (const r of results) expectStatus(r, 201);
    assert.equal(new Set(results.map((r) => r.json.order.id)).size, 6);
    assert.equal(await pending(), before0 + 6 * netOf(1000));
    // One account owns them all: the one session handed out sees six purchases.
    const holders = clients.filter((c, i) => sessionCookie(results[i]));
    assert.equal(holders.length, 1, 'the account was created more than once (or never)');
    const lib = expectList(await holders[0].get('/api/v1/library'));
    assert.deepEqual(lib.map((e) => e.order_id).sort(), results.map((r) => r.json.order.id).sort());
  });

  test('idempotency: same key + same body → same order, Idempotent-Replayed: true, one sale; other body → 422', async () => {
    const before0 = await pending();
    const key = randomKey();
    const body = checkoutBody(shop, [{ product: 'main', tier: 1 }], { country: 'JP' });
    const first = await new Client(srv.url).post('/api/v1/checkout', body, { idempotencyKey: key });
    expectStatus(first, 201);
    assert.notEqual(first.headers.get('idempotent-replayed'), 'true');
    const again = await new Client(srv.url).post('/api/v1/checkout', body, { idempotencyKey: key });
    expectStatus(again, 201);
    assert.equal(again.headers.get('idempotent-replayed'), 'true');
    assert.equal(again.json.order.id, first.json.order.id);
    assert.deepEqual(again.json, first.json);
    const changed = await new Client(srv.url).post('/api/v1/checkout', { ...body, name: 'Someone Else' }, { idempotencyKey: key });
    expectError(changed, 422, 'idempotency_key_reused', { anyParam: true });
    assert.equal(await pending(), before0 + netOf(4900));
  });

  test('the same Idempotency-Key from another principal is another request: the first order keeps its charge', async () => {
    // Keys are scoped per principal (guest vs signed-in user), so the signed-in buyer's request
    // below is a new checkout. It must be either a new order with its own charge or a clean
    // refusal; it must never reach the first order's charge (no refund of it, no raw SQL error).
    const key = randomKey();
    const buyer = new Client(srv.url);
    const b = await signupBuyer(buyer);
    const body = checkoutBody(shop, [{ product: 'main' }], { email: b.email });
    const first = await new Client(srv.url).post('/api/v1/checkout', body, { idempotencyKey: key });
    expectStatus(first, 201);
    const logBefore = serverLog(srv.server).split('\n').filter((l) => l.includes('checkout rolled back after charge')).length;
    const before0 = await pending();
    const second = await buyer.post('/api/v1/checkout', body, { idempotencyKey: key });
    await new Promise((r) => setTimeout(r, 100));
    const rolledBack = serverLog(srv.server).split('\n').filter((l) => l.includes('checkout rolled back after charge')).slice(logBefore);
    assert.deepEqual(rolledBack, [], `a second principal's request refunded a charge: ${second.status} ${second.text}`);
    if (second.status === 201) {
      assert.notEqual(second.json.order.id, first.json.order.id);
      assert.equal(await pending(), before0 + netOf(1000));
    } else {
      assert.ok(second.status >= 400 && second.status < 500, second.text);
      assert.ok(!/UNIQUE|constraint|provider_charge_id/i.test(second.text), `raw database error: ${second.text}`);
      assert.equal(await pending(), before0);
    }
  });

  test('50 concurrent checkouts with one Idempotency-Key → exactly one order', async () => {
    const before0 = await pending();
    const key = randomKey();
    const body = checkoutBody(shop, [{ product: 'main', tier: 0, quantity: 2 }], { country: 'US', region: 'WA' });
    const results = await Promise.all(
      Array.from({ length: 50 }, () => new Client(srv.url).post('/api/v1/checkout', body, { idempotencyKey: key })),
    );
    const ok = results.filter((r) => r.status === 201);
    assert.ok(ok.length >= 1, `no 201: ${results.map((r) => r.status).join(',')}`);
    for (const r of results) {
      if (r.status === 201) continue;
      expectError(r, 409, 'idempotency_request_in_progress', { anyParam: true });
    }
    const ids = new Set(ok.map((r) => r.json.order.id));
    assert.equal(ids.size, 1, `several orders: ${[...ids].join(', ')}`);
    for (const r of ok) assert.deepEqual(r.json, ok[0].json);
    assert.equal(await pending(), before0 + netOf(2000), 'the balance holds more than one order');
    // A replay after the storm still answers the one order.
    const replay = await new Client(srv.url).post('/api/v1/checkout', body, { idempotencyKey: key });
    expectStatus(replay, 201);
    assert.equal(replay.json.order.id, [...ids][0]);
  });

  test('fault after the charge → 503 injected_fault; nothing written; the charge is refunded (logged); the next checkout works', async () => {
    const before0 = await getBalance(shop.client);
    const email = uniqueEmail('fault');
    await setCheckoutFaults(srv.server, 1);
    const guest = new Client(srv.url);
    const key = randomKey();
    const body = checkoutBody(shop, [{ product: 'main' }], { email, country: 'GB' });
    const res = await guest.post('/api/v1/checkout', body, { idempotencyKey: key });
    expectError(res, 503, 'injected_fault', { anyParam: true });
    assert.equal(sessionCookie(res), undefined, 'a rolled-back checkout handed out a session');
    assert.deepEqual(await getBalance(shop.client), before0, 'a rolled-back checkout changed the balance');
    // The compensation is logged with refunded:1.
    let line;
    for (let i = 0; i < 50 && !line; i++) {
      line = serverLog(srv.server).split('\n').find((l) => l.includes('checkout rolled back after charge') && l.includes('injected_fault'));
      if (!line) await new Promise((r) => setTimeout(r, 20));
    }
    assert.ok(line, 'no "checkout rolled back after charge" log line for injected_fault');
    assert.match(line, /"?refunded"?\s*[:=]\s*"?1\b/, `not refunded: ${line}`);

    // The account was not created either: the retry (same key: a server error released it)
    // creates it now and opens the library with exactly this order.
    const retry = await guest.post('/api/v1/checkout', body, { idempotencyKey: key });
    expectStatus(retry, 201);
    assert.notEqual(retry.headers.get('idempotent-replayed'), 'true');
    assert.ok(sessionCookie(retry), 'the failed checkout had created the account');
    const lib = expectList(await guest.get('/api/v1/library'));
    assert.deepEqual(lib.map((e) => e.order_id), [retry.json.order.id]);
    const after0 = await getBalance(shop.client);
    assert.equal(after0.pending_minor, before0.pending_minor + netOf(1000));
  });

  test('a free tier (price 0, accepted by the catalog) can be checked out: total 0, granted, no money moves', async () => {
    const before0 = await getBalance(shop.client);
    const guest = new Client(srv.url);
    const res = await checkout(guest, shop, [{ product: 'free' }], { country: 'DE', consent_immediate_delivery: true });
    expectStatus(res, 201);
    const o = res.json.order;
    assert.deepEqual([o.subtotal_minor, o.tax_minor, o.total_minor], [0, 0, 0]);
    const lib = expectList(await guest.get('/api/v1/library'));
    assert.deepEqual(lib.map((e) => e.product.id), [shop.products.free.id]);
    assert.deepEqual(await getBalance(shop.client), before0);
  });

  test('the receipt email: order id, each item with its terms and license key, totals, library link, support material, support email', async () => {
    const seller = shop.client;
    const guide = await seller.post('/api/v1/support-materials', { kind: 'guide', title: 'Receipt install guide', body: 'Unzip it.', url: 'https://example.com/receipt-guide' });
    expectStatus(guide, 201);
    const faq = await seller.post('/api/v1/support-materials', { kind: 'faq', title: 'Receipt license FAQ', body: 'Personal or commercial.' });
    expectStatus(faq, 201);
    const keyed = await seller.post('/api/v1/products', {
      title: 'Keyed app', description: 'An app with license keys.', license_keys: true,
      tiers: [{ name: 'Single seat', price_minor: 2500, terms: 'One installation per key.' }],
      support_material_ids: [guide.json.id, faq.json.id],
    });
    expectStatus(keyed, 201);
    expectStatus(await seller.post(`/api/v1/products/${keyed.json.id}/publish`), 200);
    const email = uniqueEmail('receipt');
    const res = await checkout(new Client(srv.url), shop, [{ product: keyed.json }, { product: 'second' }], {
      email, name: 'Rita Receipt', country: 'DE', consent_immediate_delivery: true,
    });
    expectStatus(res, 201);
    const o = res.json.order;
    const mail = qpDecode(await waitFor(() => mailFiles(srv.server).find((m) => m.includes(email) && m.includes(o.id)), 'the receipt'));
    const key = o.lines[0].license_key;
    assert.match(key, /\S{8,}/);
    for (const part of [
      `Order ${o.id}`, 'Keyed app (Single seat) x1: 25.00 USD', 'License terms: One installation per key.',
      `License key: ${key}`, 'Texture pack (Tier 1 (1000)) x1: 10.00 USD', 'License terms: Terms of tier 1: personal use.',
      'Subtotal: 35.00 USD', 'VAT (DE): 6.65 USD', 'Total paid: 41.65 USD', `${srv.url}/library`,
      '- Receipt install guide: https://example.com/receipt-guide', '- Receipt license FAQ',
      `Questions? Write to ${shop.seller.user.email} and mention order ${o.id}.`,
    ]) {
      assert.ok(mail.includes(part), `the receipt lacks "${part}":\n${mail}`);
    }
    assert.match(mail, /Subject: Your receipt from Checkout Shop/);
  });

  test('malformed bodies name the field', async () => {
    const base = checkoutBody(shop, [{ product: 'main' }]);
    const cases = [
      [{ ...base, email: 'not-an-email' }, 'email'],
      [{ ...base, items: 'x' }, 'items'],
      [{ ...base, items: [{ ...base.items[0], quantity: 'two' }] }, 'items[0].quantity'],
      [{ ...base, items: [{ ...base.items[0], extra: 1 }] }, 'items[0].extra'],
      [{ ...base, surprise: true }, 'surprise'],
      [(({ payment_token, ...rest }) => rest)(base), 'payment_token'],
      [(({ name, ...rest }) => rest)(base), 'name'],
      [(({ country, ...rest }) => rest)(base), 'country'],
    ];
    for (const [body, param] of cases) {
      const res = await new Client(srv.url).post('/api/v1/checkout', body);
      expectError(res, 400, null, { param });
    }
  });
});
