// Ledger and balance (R-LED-1..3): a sale's net (subtotal − platform fee; tax is never the
// seller's) is pending for the hold period, then available; postings behind the balance;
// payouts never exceed available (also under concurrency); the database refuses to change or
// delete postings.
import assert from 'node:assert/strict';
import { describe, test, before, after } from './support/test.mjs';
import { serverHooks } from './support/server.mjs';
import { Client, expectStatus, signupBuyer, randomKey } from './support/client.mjs';
import { expectError, expectList, expectRfc3339 } from './support/assert.mjs';
import {
  netOf, platformFee, createShop, buy, getBalance, advanceClock, micros, DAY, dbExec, dbRows,
  unbalancedEntries,
} from './support/selling.mjs';

async function allPostings(client) {
  const out = [];
  let cursor = null;
  for (let i = 0; i < 100; i++) {
    const res = await client.get(`/api/v1/balance/postings?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    const page = expectList(res);
    assert.ok(page.length <= 2);
    out.push(...page);
    if (!res.json.has_more) {
      assert.equal(res.json.next_cursor, null);
      return out;
    }
    cursor = res.json.next_cursor;
    assert.equal(typeof cursor, 'string');
  }
  throw new Error('postings pagination does not end');
}

function sumCreator(postings) {
  return postings.filter((p) => p.account === 'creator').reduce((s, p) => s + p.amount_minor, 0);
}

describe('ledger: fees, postings, access, append-only', () => {
  const srv = serverHooks({ before, after });
  let shop;
  let expectedNet = 0; // Σ net of this seller's orders

  before(async () => {
    shop = await createShop(srv.server, {
      products: { p: { prices: [1000, 1999, 1005, 4900] }, q: { prices: [1000] } },
    });
  });

  test('a sale: net = subtotal − fee is pending for 7 days (tax excluded); one creator posting', async () => {
    const { order } = await buy(srv.server, shop, [{ product: 'p' }], { country: 'DE', consent_immediate_delivery: true });
    assert.equal(order.tax_minor, 190);
    expectedNet += 920; // 1000 − (50 + 30)
    const b = await getBalance(shop.client);
    assert.deepEqual(
      { pending: b.pending_minor, available: b.available_minor, paid_out: b.paid_out_minor, currency: b.currency },
      { pending: 920, available: 0, paid_out: 0, currency: 'USD' },
    );
    expectRfc3339(b.next_available_at, 'next_available_at');
    assert.equal(micros(b.next_available_at), micros(order.created_at) + 7 * DAY * 1e6, 'hold ends 7 days after the sale');
    const postings = expectList(await shop.client.get('/api/v1/balance/postings'));
    assert.equal(postings.length, 1, JSON.stringify(postings));
    const p = postings[0];
    assert.equal(p.account, 'creator');
    assert.equal(p.amount_minor, 920);
    assert.equal(p.currency, 'USD');
    assert.equal(p.order_id, order.id);
    assert.equal(p.pending, true);
    assert.equal(p.available_at, b.next_available_at);
    expectRfc3339(p.created_at);
  });

  // [description, store PATCH, items, expected net]
  const FEE_CASES = [
    ['default fee on the order subtotal (2 × 1000 → 100 + 30, not 2 × 80)', { fee_percent_bp: 500, fee_fixed_minor: 30 }, [{ product: 'p' }, { product: 'q' }], 1870],
    ['250 bp, no fixed: 1999 → 49.975 → 50', { fee_percent_bp: 250, fee_fixed_minor: 0 }, [{ product: 'p', tier: 1 }], 1949],
    ['125 bp: 1000 → 12.5 rounds half up to 13', { fee_percent_bp: 125, fee_fixed_minor: 0 }, [{ product: 'p' }], 987],
    ['1234 bp + 7: 1005 → 124.017 → 124 + 7', { fee_percent_bp: 1234, fee_fixed_minor: 7 }, [{ product: 'p', tier: 2 }], 874],
    ['1234 bp + 7, quantity 3 of 1005 → 372.051 → 372 + 7', { fee_percent_bp: 1234, fee_fixed_minor: 7 }, [{ product: 'p', tier: 2, quantity: 3 }], 3015 - 379],
    ['no fee at all', { fee_percent_bp: 0, fee_fixed_minor: 0 }, [{ product: 'p', tier: 3 }], 4900],
    ['fixed fee above the subtotal is capped: net 0', { fee_percent_bp: 500, fee_fixed_minor: 5000 }, [{ product: 'p' }], 0],
    ['maximum fees are capped: net 0', { fee_percent_bp: 5000, fee_fixed_minor: 100000 }, [{ product: 'q', quantity: 3 }], 0],
  ];
  for (const [name, patch, items, net] of FEE_CASES) {
    test(`fee: ${name}`, async () => {
      expectStatus(await shop.client.patch('/api/v1/store', patch), 200);
      const before0 = await getBalance(shop.client);
      const postingsBefore = (await allPostings(shop.client)).length;
      const { order } = await buy(srv.server, shop, items, { country: 'US', region: 'WA' });
      assert.equal(netOf(order.subtotal_minor, patch), net, 'the test’s own formula disagrees with the table');
      assert.ok(order.tax_minor > 0);
      const b = await getBalance(shop.client);
      assert.equal(b.pending_minor - before0.pending_minor, net, `net of ${JSON.stringify(order)} with ${JSON.stringify(patch)}`);
      assert.equal(b.available_minor, before0.available_minor);
      const postings = await allPostings(shop.client);
      assert.equal(postings.length - postingsBefore, net > 0 ? 1 : 0, 'creator postings for the sale');
      if (net > 0) {
        const mine = postings.filter((p) => p.order_id === order.id);
        assert.equal(mine.length, 1);
        assert.equal(mine[0].amount_minor, net);
      }
      expectedNet += net;
      assert.equal(b.pending_minor + b.available_minor + b.paid_out_minor, expectedNet);
    });
  }

  test('a fee change does not touch earlier sales; postings add up to the balance (paginated)', async () => {
    expectStatus(await shop.client.patch('/api/v1/store', { fee_percent_bp: 500, fee_fixed_minor: 30 }), 200);
    const b = await getBalance(shop.client);
    assert.equal(b.pending_minor, expectedNet);
    const postings = await allPostings(shop.client);
    assert.equal(new Set(postings.map((p) => p.id)).size, postings.length, 'pagination repeats postings');
    assert.equal(sumCreator(postings), b.pending_minor + b.available_minor);
    // Newest first.
    const created = postings.map((p) => micros(p.created_at));
    for (let i = 1; i < created.length; i++) assert.ok(created[i - 1] >= created[i], 'postings are not newest first');
    expectError(await shop.client.get('/api/v1/balance/postings?cursor=zz'), 400, 'invalid_cursor', { param: 'cursor' });
    expectError(await shop.client.get('/api/v1/balance/postings?limit=0'), 400, 'invalid_limit', { param: 'limit' });
  });

  test('payout validation; nothing available yet → 409 available_balance_insufficient', async () => {
    const before0 = await getBalance(shop.client);
    for (const [body, status, code] of [
      [{ amount_minor: 0 }, 400, null],
      [{ amount_minor: -5 }, 400, null],
      [{ amount_minor: '100' }, 400, null],
      [{}, 400, null],
      [{ amount_minor: 1 }, 409, 'available_balance_insufficient'],
      [{ amount_minor: before0.pending_minor }, 409, 'available_balance_insufficient'],
    ]) {
      expectError(await shop.client.post('/api/v1/payouts', body), status, code, { param: 'amount_minor' });
    }
    assert.deepEqual(await getBalance(shop.client), before0);
  });

  test('balance, postings and payouts are for sellers: buyer → 403, anonymous → 401', async () => {
    const buyer = new Client(srv.url);
    await signupBuyer(buyer);
    for (const [m, p] of [['GET', '/api/v1/balance'], ['GET', '/api/v1/balance/postings'], ['POST', '/api/v1/payouts']]) {
      const body = m === 'POST' ? { json: { amount_minor: 1 } } : {};
      expectError(await buyer.request(m, p, body), 403, 'seller_account_required');
      expectError(await new Client(srv.url).request(m, p, body), 401, null, { anyParam: true });
    }
  });

  test('the database refuses UPDATE and DELETE of postings and journal entries', async () => {
    const before0 = await getBalance(shop.client);
    const count = dbRows(srv.server, 'SELECT COUNT(*), SUM(amount_minor) FROM postings')[0];
    assert.ok(Number(count[0]) > 0);
    for (const sql of [
      'UPDATE postings SET amount_minor = 1',
      'DELETE FROM postings',
      "UPDATE journal_entries SET memo = 'x'",
      'DELETE FROM journal_entries',
    ]) {
      const r = dbExec(srv.server, sql);
      assert.equal(r.ok, false, `${sql} succeeded`);
      assert.match(r.stderr, /append-only/, `${sql}: ${r.stderr}`);
    }
    assert.deepEqual(dbRows(srv.server, 'SELECT COUNT(*), SUM(amount_minor) FROM postings')[0], count);
    assert.deepEqual(await getBalance(shop.client), before0);
    assert.deepEqual(unbalancedEntries(srv.server), []);
  });
});

describe('ledger: hold period (test clock) and payouts', () => {
  const srv = serverHooks({ before, after });
  let shop;
  let totalNet = 0;

  before(async () => {
    shop = await createShop(srv.server, { products: { p: { prices: [1000, 4900, 2000] } } });
  });

  const check = async () => {
    const b = await getBalance(shop.client);
    assert.equal(b.pending_minor + b.available_minor + b.paid_out_minor, totalNet, JSON.stringify(b));
    assert.ok(b.available_minor >= 0 && b.pending_minor >= 0);
    return b;
  };

  test('pending until the 7-day boundary: one minute before still pending, at the boundary available', async () => {
    const { order } = await buy(srv.server, shop, [{ product: 'p' }]);
    totalNet += 920;
    let b = await check();
    assert.deepEqual([b.pending_minor, b.available_minor], [920, 0]);
    await advanceClock(srv.server, 7 * DAY - 60);
    b = await check();
    assert.deepEqual([b.pending_minor, b.available_minor], [920, 0], 'available a minute early');
    assert.equal(micros(b.next_available_at), micros(order.created_at) + 7 * DAY * 1e6);
    await advanceClock(srv.server, 60);
    b = await check();
    assert.deepEqual([b.pending_minor, b.available_minor], [0, 920], 'still pending after the hold');
    assert.equal(b.next_available_at, null);
    const postings = expectList(await shop.client.get('/api/v1/balance/postings'));
    assert.equal(postings[0].pending, false);
  });

  test('a store hold of 3 days applies to later sales; hold 0 makes a sale available at once', async () => {
    expectStatus(await shop.client.patch('/api/v1/store', { hold_period_days: 3 }), 200);
    const { order } = await buy(srv.server, shop, [{ product: 'p', tier: 1 }]);
    const net = netOf(4900); // 4900 − 275
    assert.equal(net, 4625);
    totalNet += net;
    let b = await check();
    assert.deepEqual([b.pending_minor, b.available_minor], [net, 920]);
    assert.equal(micros(b.next_available_at), micros(order.created_at) + 3 * DAY * 1e6);
    await advanceClock(srv.server, 3 * DAY - 60);
    b = await check();
    assert.deepEqual([b.pending_minor, b.available_minor], [net, 920]);
    await advanceClock(srv.server, 60);
    b = await check();
    assert.deepEqual([b.pending_minor, b.available_minor], [0, 920 + net]);

    expectStatus(await shop.client.patch('/api/v1/store', { hold_period_days: 0 }), 200);
    await buy(srv.server, shop, [{ product: 'p', tier: 2 }]);
    totalNet += netOf(2000);
    b = await check();
    assert.deepEqual([b.pending_minor, b.available_minor], [0, 920 + net + netOf(2000)]);
  });

  test('payouts: over available → 409 and nothing changes; exact amounts succeed; paid_out grows', async () => {
    let b = await check();
    const avail = b.available_minor;
    // A sale still pending does not count as available.
    expectStatus(await shop.client.patch('/api/v1/store', { hold_period_days: 7 }), 200);
    await buy(srv.server, shop, [{ product: 'p' }]);
    totalNet += 920;
    b = await check();
    assert.equal(b.pending_minor, 920);
    expectError(await shop.client.post('/api/v1/payouts', { amount_minor: avail + 1 }), 409, 'available_balance_insufficient', { param: 'amount_minor' });
    expectError(await shop.client.post('/api/v1/payouts', { amount_minor: avail + b.pending_minor }), 409, 'available_balance_insufficient', { param: 'amount_minor' });
    assert.deepEqual(await check(), b, 'a refused payout changed the balance');

    const res = await shop.client.post('/api/v1/payouts', { amount_minor: 1000 });
    expectStatus(res, 201);
    assert.match(res.json.id, /^po_/);
    assert.equal(res.json.amount_minor, 1000);
    assert.equal(res.json.currency, 'USD');
    expectRfc3339(res.json.created_at);
    b = await check();
    assert.deepEqual([b.available_minor, b.paid_out_minor, b.pending_minor], [avail - 1000, 1000, 920]);
    const postings = expectList(await shop.client.get('/api/v1/balance/postings'));
    const out = postings.filter((p) => p.created_at === res.json.created_at || p.kind === 'payout');
    assert.ok(out.some((p) => p.account === 'creator' && p.amount_minor === -1000), `no creator posting of −1000: ${JSON.stringify(postings)}`);
    // The list is the seller's own account: a payout shows once, as money out.
    assert.ok(!postings.some((p) => p.account !== 'creator'), `postings of other accounts listed: ${JSON.stringify(postings)}`);

    // Same Idempotency-Key: one payout.
    const key = randomKey();
    const first = await shop.client.post('/api/v1/payouts', { amount_minor: 100 }, { idempotencyKey: key });
    expectStatus(first, 201);
    const again = await shop.client.post('/api/v1/payouts', { amount_minor: 100 }, { idempotencyKey: key });
    expectStatus(again, 201);
    assert.equal(again.headers.get('idempotent-replayed'), 'true');
    assert.equal(again.json.id, first.json.id);
    b = await check();
    assert.equal(b.paid_out_minor, 1100);

    // Everything that is available, then one more minor unit.
    expectStatus(await shop.client.post('/api/v1/payouts', { amount_minor: b.available_minor }), 201);
    b = await check();
    assert.equal(b.available_minor, 0);
    expectError(await shop.client.post('/api/v1/payouts', { amount_minor: 1 }), 409, 'available_balance_insufficient', { param: 'amount_minor' });
  });

  test('10 concurrent payouts of just over half the available balance → exactly one succeeds', async () => {
    expectStatus(await shop.client.patch('/api/v1/store', { hold_period_days: 0 }), 200);
    await buy(srv.server, shop, [{ product: 'p', tier: 1, quantity: 2 }]);
    totalNet += netOf(9800);
    let b = await check();
    const avail = b.available_minor;
    assert.equal(avail, netOf(9800));
    const amount = Math.floor(avail / 2) + 1;
    const results = await Promise.all(Array.from({ length: 10 }, () => shop.client.post('/api/v1/payouts', { amount_minor: amount })));
    const ok = results.filter((r) => r.status === 201);
    assert.equal(ok.length, 1, `statuses: ${results.map((r) => r.status).join(',')}`);
    for (const r of results) if (r.status !== 201) expectError(r, 409, 'available_balance_insufficient', { param: 'amount_minor' });
    b = await check();
    assert.equal(b.available_minor, avail - amount);
    assert.deepEqual(unbalancedEntries(srv.server), []);
  });

  test('platform fee helper agrees with the API on the defaults', () => {
    assert.equal(platformFee(1000), 80);
    assert.equal(platformFee(10), 10);
    assert.equal(platformFee(0), 0);
  });
});
