// "Message customers" (R-MSG-2, R-MSG-5, R-BLK-1): the broadcast preview counts exactly the
// customers the send then posts to (blocked ones and those a placeholder cannot be filled for
// are left out; unsubscribed ones get the message in their thread but no email), lists the
// first recipients and renders the first message; the history lists the store's broadcasts
// newest first with their progress; bad input is refused naming the field.
import assert from 'node:assert/strict';
import path from 'node:path';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, test, before, after } from './support/test.mjs';
import { serverHooks } from './support/server.mjs';
import { Client, expectStatus, signupBuyer } from './support/client.mjs';
import { expectError, expectList, expectRfc3339 } from './support/assert.mjs';
import { createShop, buy, withCsrf, dbRows, card, luhnNumber } from './support/selling.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function waitFor(fn, what, ms = 20000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}
function mailFiles(server) {
  const dir = path.join(server.dataDir, 'mail');
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => f.endsWith('.eml')).map((f) => readFileSync(path.join(dir, f), 'utf8'));
}
const unfolded = (eml) => eml.split('\r\n\r\n')[0].replace(/\r\n[ \t]+/g, ' ').split('\r\n');

describe('broadcasts: preview, send, history', () => {
  const srv = serverHooks({ before, after });
  let shop;
  const people = {}; // name → {client, email, customerId}

  async function buyer(key, product, name) {
    const { order, client } = await buy(srv.server, shop, [{ product }], { name, payment_token: card(luhnNumber('4242')) });
    await withCsrf(client);
    const d = await shop.client.get(`/api/v1/orders/${order.id}`);
    expectStatus(d, 200);
    people[key] = { client, email: order.email, customerId: d.json.customer.id, name, orderId: order.id };
    return people[key];
  }
  const preview = (audience, body) => shop.client.post('/api/v1/broadcasts/preview', body === undefined ? { audience } : { audience, body });
  const waitDone = (id) => waitFor(async () => {
    const r = (await shop.client.get(`/api/v1/broadcasts/${id}`)).json;
    return r.status === 'completed' && r;
  }, `broadcast ${id}`);
  /** The customers (public ids) a broadcast posted to, each with how many messages. */
  function postedTo(broadcastId) {
    return dbRows(srv.server, `SELECT c.public_id, COUNT(*) FROM messages m JOIN threads t ON t.id = m.thread_id JOIN customers c ON c.id = t.customer_id JOIN broadcasts b ON b.id = m.broadcast_id WHERE b.public_id = '${broadcastId}' GROUP BY c.public_id`);
  }

  before(async () => {
    shop = await createShop(srv.server, {
      storeName: 'Preview Shop',
      store: { support_email: 'help@preview.test' },
      products: { x: { title: 'Brush Pack', prices: [900] }, y: { title: 'Font Kit', prices: [500] } },
    });
    // Buyers of x (one of them blocked, one unsubscribed), a buyer of y, and a contact who
    // never bought (wrote to the store first).
    await buyer('ana', 'x', 'Ana Álvarez');
    await buyer('ben', 'x', 'Ben Brook');
    await buyer('cy', 'x', 'Cy Crane');
    await buyer('blocked', 'x', 'Bo Blocked');
    await buyer('unsub', 'x', 'Uma Unsub');
    await buyer('yonly', 'y', 'Yara Y');
    expectStatus(await shop.client.post(`/api/v1/customers/${people.blocked.customerId}/block`, { reason: 'abuse' }), 201);
    // Uma unsubscribes through the one-click link of an email the store sent her.
    expectStatus(await shop.client.post(`/api/v1/customers/${people.unsub.customerId}/messages`, { body: 'unsub-setup-note' }), 201);
    const eml = await waitFor(() => mailFiles(srv.server).find((m) => m.includes(people.unsub.email) && m.includes('unsub-setup-note')), 'the email');
    const url = unfolded(eml).find((l) => /^List-Unsubscribe: /i.test(l)).match(/<([^>]+)>/)[1];
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
    assert.equal(res.status, 200);
    const contact = new Client(srv.url);
    await signupBuyer(contact, { name: 'Pat Prospect' });
    const opened = await contact.post('/api/v1/my/threads', { store: shop.slug, body: 'before I buy…' });
    expectStatus(opened, 201);
    people.contact = { client: contact };
  });

  test('the preview of a product audience leaves out blocked customers and counts unsubscribed ones as email-less', async () => {
    const body = 'Hi {customer_first_name|there}, about {product_title} ({order_id}) from {store_name}.';
    const res = await preview({ kind: 'products', product_ids: [shop.products.x.id] }, body);
    expectStatus(res, 200);
    const p = res.json;
    assert.deepEqual(p.audience, { kind: 'products', product_ids: [shop.products.x.id] });
    assert.equal(p.audience_size, 5);
    assert.equal(p.recipients, 4);
    assert.deepEqual(p.skipped, { blocked: 1, unfillable: 0 });
    assert.equal(p.unsubscribed, 1);
    assert.equal(p.emails, 3);
    // The sample is the recipients in sending order (all of them here): never the blocked one.
    const want = ['ana', 'ben', 'cy', 'unsub'].map((k) => people[k].customerId);
    assert.deepEqual(p.sample.map((s) => s.id).sort(), [...want].sort());
    assert.ok(!p.sample.some((s) => s.id === people.blocked.customerId));
    const first = Object.values(people).find((x) => x.customerId === p.sample[0].id);
    assert.deepEqual(p.sample[0], { id: first.customerId, name: first.name, email: first.email });
    assert.deepEqual(p.first_message, {
      customer: p.sample[0],
      body: `Hi ${first.name.split(' ')[0]}, about Brush Pack (${first.orderId}) from Preview Shop.`,
    });
  });

  test('the preview without a body counts the audience and renders nothing', async () => {
    const p = (await preview({ kind: 'all' })).json;
    assert.equal(p.audience_size, 7, 'six buyers and the contact');
    assert.equal(p.recipients, 6);
    assert.deepEqual(p.skipped, { blocked: 1, unfillable: null });
    assert.equal(p.first_message, null);
    assert.equal(p.sample.length, 6);
  });

  test('a placeholder without a value leaves that customer out of the preview and of the send alike', async () => {
    const audience = { kind: 'all' };
    const body = 'Your order {order_id} is ready. preview-all-marker';
    const p = (await preview(audience, body)).json;
    assert.equal(p.audience_size, 7);
    assert.deepEqual(p.skipped, { blocked: 1, unfillable: 1 }, 'the contact has no order');
    assert.equal(p.recipients, 5);
    const bc = await shop.client.post('/api/v1/broadcasts', { audience, body });
    expectStatus(bc, 201);
    assert.equal(bc.json.progress.recipients, p.audience_size);
    const done = await waitDone(bc.json.id);
    assert.deepEqual(done.progress, { recipients: 7, sent: p.recipients, skipped: 2, pending: 0 });
    const posted = postedTo(bc.json.id);
    assert.deepEqual(posted.map(([c]) => c).sort(), p.sample.map((s) => s.id).sort());
    for (const [, n] of posted) assert.equal(Number(n), 1);
    const reasons = dbRows(srv.server, `SELECT r.skip_reason FROM broadcast_recipients r JOIN broadcasts b ON b.id = r.broadcast_id WHERE b.public_id = '${bc.json.id}' AND r.state = 'skipped' ORDER BY 1`).map(([x]) => x);
    assert.deepEqual(reasons, ['blocked', 'placeholder_unfillable']);
  });

  test('the preview count equals the customers the send posts to, and its email count the emails sent', async () => {
    const audience = { kind: 'products', product_ids: [shop.products.x.id, shop.products.y.id] };
    const body = 'Video hosting is down, {customer_first_name|friend}. send-check-marker';
    const p = (await preview(audience, body)).json;
    assert.equal(p.audience_size, 6);
    assert.equal(p.recipients, 5);
    assert.equal(p.unsubscribed, 1);
    const bc = await shop.client.post('/api/v1/broadcasts', { audience, body });
    expectStatus(bc, 201);
    const done = await waitDone(bc.json.id);
    assert.equal(done.progress.sent, p.recipients);
    assert.equal(done.progress.skipped, p.skipped.blocked);
    const posted = postedTo(bc.json.id);
    assert.equal(posted.length, p.recipients);
    assert.deepEqual(posted.map(([c]) => c).sort(), p.sample.map((s) => s.id).sort());
    for (const [, n] of posted) assert.equal(Number(n), 1, 'one message per recipient');
    // The first recipient's message is the rendered one; the unsubscribed buyer has it too.
    const firstThread = expectList(await Object.values(people).find((x) => x.customerId === p.sample[0].id).client.get('/api/v1/my/threads')).find((t) => t.store.slug === shop.slug);
    const msgs = (await Object.values(people).find((x) => x.customerId === p.sample[0].id).client.get(`/api/v1/my/threads/${firstThread.id}`)).json.messages;
    assert.equal(msgs.filter((m) => m.broadcast_id === bc.json.id).map((m) => m.body).join(), p.first_message.body);
    const unsubThread = expectList(await people.unsub.client.get('/api/v1/my/threads')).find((t) => t.store.slug === shop.slug);
    assert.ok((await people.unsub.client.get(`/api/v1/my/threads/${unsubThread.id}`)).json.messages.some((m) => m.broadcast_id === bc.json.id));
    // Emails: one per recipient who did not unsubscribe.
    const sent = await waitFor(() => {
      const m = mailFiles(srv.server).filter((x) => x.includes('send-check-marker'));
      return m.length >= p.emails && m;
    }, 'the broadcast emails');
    await sleep(1500);
    assert.equal(mailFiles(srv.server).filter((x) => x.includes('send-check-marker')).length, p.emails);
    assert.ok(!sent.some((m) => m.includes(people.unsub.email)));
  });

  test('the history lists the store\'s broadcasts newest first with status and progress, in cursor pages', async () => {
    const all = expectList(await shop.client.get('/api/v1/broadcasts?limit=100'));
    assert.ok(all.length >= 2);
    for (const b of all) {
      assert.match(b.id, /^bc_/);
      assert.ok(['sending', 'completed'].includes(b.status));
      expectRfc3339(b.created_at);
      const pr = b.progress;
      assert.equal(pr.sent + pr.skipped + pr.pending, pr.recipients);
    }
    for (let i = 1; i < all.length; i++) assert.ok(all[i - 1].created_at >= all[i].created_at, 'newest first');
    const fresh = await shop.client.post('/api/v1/broadcasts', { audience: { kind: 'products', product_ids: [shop.products.y.id] }, body: 'newest one' });
    expectStatus(fresh, 201);
    const seen = [];
    let cursor = null;
    do {
      const page = await shop.client.get(`/api/v1/broadcasts?limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      expectStatus(page, 200);
      seen.push(...page.json.data.map((b) => b.id));
      cursor = page.json.next_cursor;
    } while (cursor);
    assert.equal(seen[0], fresh.json.id);
    assert.deepEqual(seen.slice(1), all.map((b) => b.id));
    expectError(await shop.client.get('/api/v1/broadcasts?cursor=bogus!'), 400, 'invalid_cursor', { param: 'cursor' });
    const one = (await shop.client.get(`/api/v1/broadcasts/${all[0].id}`)).json;
    assert.deepEqual(one, all[0]);
  });

  test('bad input is refused naming the field, for the preview as for the send', async () => {
    for (const url of ['/api/v1/broadcasts/preview', '/api/v1/broadcasts']) {
      const post = (b) => shop.client.post(url, b);
      expectError(await post({ body: 'hi' }), 400, 'required', { param: 'audience' });
      expectError(await post({ audience: 'all', body: 'hi' }), 400, 'invalid_type', { param: 'audience' });
      expectError(await post({ audience: { kind: 'members' }, body: 'hi' }), 400, 'audience_not_available', { param: 'audience.kind' });
      expectError(await post({ audience: { kind: 'everyone' }, body: 'hi' }), 400, 'invalid_value', { param: 'audience.kind' });
      expectError(await post({ audience: { kind: 'products', product_ids: [] }, body: 'hi' }), 400, 'required', { param: 'audience.product_ids' });
      expectError(await post({ audience: { kind: 'products', product_ids: [shop.products.x.id, 'prd_nope'] }, body: 'hi' }), 400, 'product_not_found', { param: 'audience.product_ids[1]' });
      expectError(await post({ audience: { kind: 'all' }, body: 'Code {coupon}' }), 400, 'placeholder_unknown', { param: 'body' });
      expectError(await post({ audience: { kind: 'all' }, body: '   ' }), 400, 'required', { param: 'body' });
      expectError(await post({ audience: { kind: 'all' }, body: 'hi', extra: 1 }), 400, 'unknown_field', { param: 'extra' });
    }
    expectError(await shop.client.post('/api/v1/broadcasts', { audience: { kind: 'all' } }), 400, 'required', { param: 'body' });
    // A buyer is not a seller.
    expectError(await people.ana.client.post('/api/v1/broadcasts/preview', { audience: { kind: 'all' } }), 403, 'seller_account_required');
  });
});

describe('broadcasts: the preview lists at most 10 recipients, in sending order', () => {
  const srv = serverHooks({ before, after });
  test('12 buyers: the preview counts 12 and lists the first 10, which are the first 10 posted to', async () => {
    const shop = await createShop(srv.server, { storeName: 'Big Shop', products: { x: { title: 'Pack', prices: [100] } } });
    for (let i = 0; i < 12; i++) await buy(srv.server, shop, [{ product: 'x' }], { name: `Buyer ${String(i).padStart(2, '0')}` });
    const p = (await shop.client.post('/api/v1/broadcasts/preview', { audience: { kind: 'all' }, body: 'Hello {customer_name}' })).json;
    assert.equal(p.recipients, 12);
    assert.equal(p.sample.length, 10);
    assert.equal(p.first_message.body, `Hello ${p.sample[0].name}`);
    const bc = await shop.client.post('/api/v1/broadcasts', { audience: { kind: 'all' }, body: 'Hello {customer_name}' });
    expectStatus(bc, 201);
    await waitFor(async () => (await shop.client.get(`/api/v1/broadcasts/${bc.json.id}`)).json.status === 'completed', 'the broadcast');
    const order = dbRows(srv.server, `SELECT c.public_id FROM messages m JOIN threads t ON t.id = m.thread_id JOIN customers c ON c.id = t.customer_id JOIN broadcasts b ON b.id = m.broadcast_id WHERE b.public_id = '${bc.json.id}' ORDER BY m.id`).map(([c]) => c);
    assert.equal(order.length, 12);
    assert.deepEqual(order.slice(0, 10), p.sample.map((s) => s.id));
  });
});
