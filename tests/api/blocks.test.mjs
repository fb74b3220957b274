// Blocking (R-BLK-1): a block covers the customer's account, every account that paid this
// store with one of its cards, accounts linked to those in turn, and their emails compared in
// normalised form. Covered buyers' checkouts are refused with a neutral 402
// purchase_not_allowed before any charge, and nothing is written; unblocking undoes exactly
// that block's coverage; other stores are unaffected; the seller routes are the seller's own.
import assert from 'node:assert/strict';
import { describe, test, before, after } from './support/test.mjs';
import { serverHooks } from './support/server.mjs';
import { Client, expectStatus, signupBuyer, uniqueEmail } from './support/client.mjs';
import { expectError, expectList, expectRfc3339 } from './support/assert.mjs';
import { createShop, checkout, buy, card, luhnNumber, getBalance, dbRows, serverLog, withCsrf } from './support/selling.mjs';

const newCard = () => luhnNumber('4242');
const rand = () => Math.random().toString(36).slice(2, 8);

describe('blocking customers', () => {
  const srv = serverHooks({ before, after });
  let shop; // the seller who blocks
  let other; // another store: blocks of `shop` never reach it

  before(async () => {
    shop = await createShop(srv.server, { storeName: 'Blocking Shop', products: { p: { title: 'Pattern', prices: [1000] } } });
    other = await createShop(srv.server, { storeName: 'Elsewhere Shop', products: { p: { prices: [700] } } });
  });

  const items = [{ product: 'p' }];
  /** A successful purchase at `s` (default: the blocking shop) with `email` and card `number`. */
  async function paid(email, number, s = shop, client) {
    const { order, client: c } = await buy(srv.url, s, items, { email, payment_token: card(number) }, { client });
    return { order, client: c };
  }
  async function customerId(order) {
    const d = await shop.client.get(`/api/v1/orders/${order.id}`);
    expectStatus(d, 200);
    return d.json.customer.id;
  }
  const ordersCount = () => Number(dbRows(srv.server, 'SELECT COUNT(*) FROM orders')[0][0]);
  const usersWith = (email) => dbRows(srv.server, `SELECT COUNT(*) FROM users WHERE email_canonical = '${email.trim().toLowerCase().replace(/'/g, "''")}'`)[0][0];
  const rolledBack = () => serverLog(srv.server).split('\n').filter((l) => l.includes('checkout rolled back after charge')).length;

  /** The checkout is refused like any refusal: 402 purchase_not_allowed, no word of a block, nothing charged or written. */
  async function expectRefused(email, number, what, client = new Client(srv.url), s = shop) {
    const before = { users: usersWith(email), orders: ordersCount(), pending: (await getBalance(s.client)).pending_minor, rolled: rolledBack() };
    const res = await checkout(client, s, items, { email, payment_token: card(number) });
    const err = expectError(res, 402, 'purchase_not_allowed', { anyParam: true });
    assert.ok(!/block/i.test(res.text), `${what}: the refusal hints at a block: ${res.text}`);
    assert.equal(res.setCookies.length, 0, `${what}: a refused guest got a session`);
    assert.equal(ordersCount(), before.orders, `${what}: an order was written`);
    assert.equal((await getBalance(s.client)).pending_minor, before.pending, `${what}: the ledger moved`);
    assert.equal(rolledBack(), before.rolled, `${what}: a charge was made (and rolled back)`);
    assert.equal(usersWith(email), before.users, `${what}: an account was created`);
    return err;
  }
  async function block(cus, reason = 'chargeback abuse') {
    const res = await shop.client.post(`/api/v1/customers/${cus}/block`, { reason });
    expectStatus(res, 201);
    return res.json;
  }
  async function unblock(cus) {
    expectStatus(await shop.client.delete(`/api/v1/customers/${cus}/block`), 200);
  }

  test('A and B share card 1, B and C card 2: blocking A blocks all three, by account, email and card; D untouched; unblock restores exactly', async () => {
    const [card1, card2, card3] = [newCard(), newCard(), newCard()];
    const [ea, eb, ec, ed] = ['a', 'b', 'c', 'd'].map((k) => uniqueEmail(`blk-${k}`));
    const a = await paid(ea, card1);
    await paid(eb, card1);
    await paid(eb, card2);
    await paid(ec, card2);
    await paid(ed, card3);
    const aId = await customerId(a.order);

    const b = await block(aId, 'three chargebacks in a week');
    assert.match(b.id, /^blk_/);
    assert.equal(b.reason, 'three chargebacks in a week');
    assert.equal(b.customer.id, aId);
    expectRfc3339(b.created_at);
    assert.equal(b.covers.accounts.length, 3, JSON.stringify(b.covers));
    assert.deepEqual(b.covers.accounts.map((x) => x.depth), [0, 1, 2]);
    assert.equal(b.covers.payment_methods_count, 2);
    assert.equal(b.covers.truncated, false);
    for (const x of b.covers.accounts) assert.match(x.email, /^.•••@example\.com$/, 'covered emails are masked');

    // Each covered buyer, as a guest with a fresh card (account/email), and with their own card.
    for (const [e, what] of [[ea, 'A'], [eb, 'B'], [ec, 'C']]) await expectRefused(e, newCard(), `${what} with a new card`);
    // A signed-in covered buyer using another email and a fresh card (the account).
    await withCsrf(a.client);
    await expectRefused(uniqueEmail('blk-a-alias'), newCard(), 'A signed in, other email', a.client);
    // Another account with a covered card; a brand-new account with a covered card.
    await expectRefused(ed, card1, 'D with card 1');
    await expectRefused(uniqueEmail('blk-new'), card2, 'a new account with card 2');
    // The unrelated buyer is untouched.
    await paid(ed, card3);

    await unblock(aId);
    for (const e of [ea, eb, ec]) await paid(e, newCard());
    await paid(uniqueEmail('blk-new2'), card1);
    const cus = await shop.client.get(`/api/v1/customers/${aId}`);
    assert.equal(cus.json.blocked, false);
    assert.equal(cus.json.block_id, null);
  });

  test('emails are compared normalised: case, +tag, Gmail dots, googlemail.com; other domains keep their dots', async () => {
    const r = rand();
    const g = await paid(`mia.ro.${r}@gmail.com`, newCard());
    const x = await paid(`lu.ca.${r}@example.com`, newCard());
    await block(await customerId(g.order));
    await block(await customerId(x.order));
    for (const v of [`Mia.Ro.${r}@Gmail.COM`, `miaro${r}+shop@gmail.com`, `m.i.a.r.o.${r}@googlemail.com`, `MIARO${r}+x@GoogleMail.com`]) {
      await expectRefused(v, newCard(), v);
    }
    for (const v of [`LU.CA.${r}@EXAMPLE.com`, `lu.ca.${r}+tag@example.com`]) await expectRefused(v, newCard(), v);
    await paid(`luca${r}@example.com`, newCard()); // another mailbox outside Gmail
  });

  test('two overlapping blocks: unblocking one keeps what the other covers', async () => {
    const shared = newCard();
    const [ex, ey, ew] = ['x', 'y', 'w'].map((k) => uniqueEmail(`ovl-${k}`));
    const x = await paid(ex, shared);
    const y = await paid(ey, shared);
    const w = await paid(ew, newCard());
    const [xId, yId, wId] = [await customerId(x.order), await customerId(y.order), await customerId(w.order)];
    await block(xId, 'first');
    await block(yId, 'second');
    await block(wId, 'unrelated');
    await unblock(xId);
    await expectRefused(ex, newCard(), 'X still covered by Y\'s block');
    await expectRefused(uniqueEmail('ovl-new'), shared, 'the shared card still covered');
    await unblock(yId);
    await paid(ex, newCard());
    await paid(ey, shared);
    await expectRefused(ew, newCard(), 'W keeps its own block');
    await unblock(wId);
    await paid(ew, newCard());
  });

  test('another store is unaffected: the blocked buyer still buys elsewhere with the same card and email', async () => {
    const c = newCard();
    const e = uniqueEmail('elsewhere');
    const o = await paid(e, c);
    await block(await customerId(o.order));
    await expectRefused(e, c, 'at the blocking store');
    await paid(e, c, other);
    await paid(uniqueEmail('elsewhere-new'), c, other);
  });

  test('the block list: reasons, whom each covers, newest first, cursor pagination; the customer shows blocked', async () => {
    const ids = [];
    for (const k of [1, 2, 3]) {
      const o = await paid(uniqueEmail(`list-${k}`), newCard());
      const id = await customerId(o.order);
      ids.push(id);
      await block(id, `reason number ${k}`);
    }
    const cus = await shop.client.get(`/api/v1/customers/${ids[0]}`);
    expectStatus(cus, 200);
    assert.equal(cus.json.blocked, true);
    assert.match(cus.json.block_id, /^blk_/);

    const seen = [];
    let cursor = null;
    for (let page = 0; page < 50; page++) {
      const res = await shop.client.get(`/api/v1/blocks?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      const data = expectList(res);
      assert.ok(data.length <= 2);
      seen.push(...data);
      if (!res.json.has_more) {
        assert.equal(res.json.next_cursor, null);
        break;
      }
      cursor = res.json.next_cursor;
    }
    const mine = seen.filter((b) => ids.includes(b.customer.id));
    assert.deepEqual(mine.map((b) => b.reason), ['reason number 3', 'reason number 2', 'reason number 1'], 'newest first, each once');
    assert.equal(new Set(seen.map((b) => b.id)).size, seen.length, 'a block listed twice across pages');
    for (const b of mine) {
      assert.equal(b.covers.accounts[0].customer_id, b.customer.id);
      expectRfc3339(b.created_at);
    }
    expectError(await shop.client.get('/api/v1/blocks?cursor=zz'), 400, 'invalid_cursor', { param: 'cursor' });
    for (const id of ids) await unblock(id);
    const after = expectList(await shop.client.get('/api/v1/blocks?limit=100'));
    assert.ok(!after.some((b) => ids.includes(b.customer.id)), 'an unblocked customer is still listed');
  });

  test('preview shows the accounts covered without blocking', async () => {
    const c = newCard();
    const e1 = uniqueEmail('prev-1');
    const o = await paid(e1, c);
    await paid(uniqueEmail('prev-2'), c);
    const id = await customerId(o.order);
    const res = await shop.client.post(`/api/v1/customers/${id}/block/preview`, {});
    expectStatus(res, 200);
    assert.equal(res.json.customer.id, id);
    assert.equal(res.json.covers.accounts.length, 2);
    assert.ok(!JSON.stringify(res.json.covers).includes(e1), 'a covered email is shown unmasked');
    assert.match(res.json.covers.accounts[0].email, /^p•••@example\.com$/);
    assert.equal((await shop.client.get(`/api/v1/customers/${id}`)).json.blocked, false);
    await paid(e1, c);
  });

  test('bad requests: reason required, a second block 409, unblocking a customer not blocked 404', async () => {
    const o = await paid(uniqueEmail('bad'), newCard());
    const id = await customerId(o.order);
    expectError(await shop.client.post(`/api/v1/customers/${id}/block`, {}), 400, 'required', { param: 'reason' });
    expectError(await shop.client.post(`/api/v1/customers/${id}/block`, { reason: '   ' }), 400, 'required', { param: 'reason' });
    expectError(await shop.client.delete(`/api/v1/customers/${id}/block`), 404, 'block_not_found', { param: 'id' });
    await block(id);
    expectError(await shop.client.post(`/api/v1/customers/${id}/block`, { reason: 'again' }), 409, 'customer_already_blocked', { param: 'id' });
    expectError(await shop.client.post('/api/v1/customers/cus_doesnotexist0000000000/block', { reason: 'x' }), 404, 'not_found', { param: 'id' });
    await unblock(id);
  });

  test('a buyer-only account gets 403 on the seller routes', async () => {
    const o = await paid(uniqueEmail('who'), newCard());
    const id = await customerId(o.order);
    const buyer = new Client(srv.url);
    await signupBuyer(buyer);
    expectError(await buyer.post(`/api/v1/customers/${id}/block`, { reason: 'x' }), 403, 'seller_account_required');
    expectError(await buyer.post(`/api/v1/customers/${id}/block/preview`, {}), 403, 'seller_account_required');
    expectError(await buyer.delete(`/api/v1/customers/${id}/block`), 403, 'seller_account_required');
    expectError(await buyer.get('/api/v1/blocks'), 403, 'seller_account_required');
    expectError(await new Client(srv.url).get('/api/v1/blocks'), 401, 'unauthenticated');
  });
});
