// Conversations (R-MSG-1..5, R-AUTO-2, R-BLK-1): one thread per (store, customer) under
// concurrent first messages; each side sees only its own threads; placeholders and saved
// replies; broadcasts reach exactly the audience minus blocked customers, once each, also
// across a kill -9; buyer emails carry RFC 8058 one-click headers, an unsubscribe stops them
// (not receipts), a CR/LF in a name injects no header, and SMTP delivery is proven on a sink.
import assert from 'node:assert/strict';
import net from 'node:net';
import path from 'node:path';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, test, before, after } from './support/test.mjs';
import { serverHooks, startServer } from './support/server.mjs';
import { Client, expectStatus, signupBuyer, signupSeller } from './support/client.mjs';
import { expectError, expectList } from './support/assert.mjs';
import { createShop, buy, withCsrf, dbRows, card, luhnNumber } from './support/selling.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function waitFor(fn, what, ms = 15000) {
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
const headersOf = (eml) => eml.split('\r\n\r\n')[0];
const unfoldedHeaderLines = (eml) => headersOf(eml).replace(/\r\n[ \t]+/g, ' ').split('\r\n');
const count = (server, sql) => Number(dbRows(server, sql)[0][0]);

/** A shop selling x and y, and buyers (signed-in clients): each {client, order, email, customerId}. */
async function setupShop(server, name = 'Messaging Shop') {
  const shop = await createShop(server, { storeName: name, store: { support_email: 'help@messaging.test' }, products: { x: { title: 'Brush Pack', prices: [900] }, y: { title: 'Font Kit', prices: [500] } } });
  async function buyer(product, over = {}) {
    // Each buyer pays with a card of their own: a block covers every account sharing a card.
    const { order, client } = await buy(server, shop, [{ product }], { payment_token: card(luhnNumber('4242')), ...over });
    await withCsrf(client);
    const d = await shop.client.get(`/api/v1/orders/${order.id}`);
    expectStatus(d, 200);
    return { client, order, email: order.email, customerId: d.json.customer.id };
  }
  return { shop, buyer };
}

describe('messaging', () => {
  const srv = serverHooks({ before, after });
  let shop, buyer, other;

  before(async () => {
    ({ shop, buyer } = await setupShop(srv.server));
    other = await createShop(srv.server, { storeName: 'Other Shop' });
  });

  test('20 concurrent first messages from the buyer end in one thread', async () => {
    const b = await buyer('y', { name: 'Concurrent Buyer' });
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) =>
      b.client.post('/api/v1/my/threads', { store: shop.slug, body: `hello ${i}` })));
    for (const r of results) expectStatus(r, 201);
    const ids = new Set(results.map((r) => r.json.thread_id));
    assert.equal(ids.size, 1, `threads: ${[...ids]}`);
    const cus = dbRows(srv.server, `SELECT id FROM customers WHERE public_id = '${b.customerId}'`)[0][0];
    assert.equal(count(srv.server, `SELECT COUNT(*) FROM threads WHERE customer_id = ${cus}`), 1);
    assert.equal(count(srv.server, `SELECT COUNT(*) FROM messages m JOIN threads t ON t.id = m.thread_id WHERE t.customer_id = ${cus}`), 20);
    const mine = expectList(await b.client.get('/api/v1/my/threads'));
    assert.equal(mine.length, 1);
    assert.equal(mine[0].store.slug, shop.slug);
  });

  test('20 concurrent first messages from the seller (and the buyer) end in one thread', async () => {
    const b = await buyer('y');
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 4 === 3
      ? b.client.post('/api/v1/my/threads', { store: shop.slug, body: `buyer ${i}` })
      : shop.client.post(`/api/v1/customers/${b.customerId}/messages`, { body: `seller ${i}` }))));
    for (const r of results) expectStatus(r, 201);
    assert.equal(new Set(results.map((r) => r.json.thread_id)).size, 1);
  });

  test('a buyer cannot read or write another buyer\'s thread; a seller not another store\'s (404)', async () => {
    const a = await buyer('x');
    const b = await buyer('x');
    const t = (await a.client.post('/api/v1/my/threads', { store: shop.slug, body: 'private question' })).json.thread_id;
    expectError(await b.client.get(`/api/v1/my/threads/${t}`), 404, 'not_found', { anyParam: true });
    expectError(await b.client.post(`/api/v1/my/threads/${t}/messages`, { body: 'intrude' }), 404, 'not_found', { anyParam: true });
    expectError(await other.client.get(`/api/v1/threads/${t}`), 404, 'not_found', { anyParam: true });
    expectError(await other.client.post(`/api/v1/threads/${t}/messages`, { body: 'x' }), 404, 'not_found', { anyParam: true });
    expectError(await other.client.post(`/api/v1/customers/${a.customerId}/messages`, { body: 'x' }), 404, 'not_found', { anyParam: true });
    assert.equal(expectList(await other.client.get('/api/v1/threads')).length, 0);
    assert.ok(!expectList(await b.client.get('/api/v1/my/threads')).some((r) => r.id === t));
    // The seller sees it, unread, with the purchases beside it; reading marks it read.
    const inbox = expectList(await shop.client.get('/api/v1/threads'));
    assert.ok(inbox.find((r) => r.id === t).unread);
    const view = await shop.client.get(`/api/v1/threads/${t}`);
    expectStatus(view, 200);
    assert.equal(view.json.messages.at(-1).body, 'private question');
    assert.equal(view.json.purchases[0].order_id, a.order.id);
    assert.ok(!expectList(await shop.client.get('/api/v1/threads')).find((r) => r.id === t).unread);
    // The seller's reply is unread for the buyer until read.
    expectStatus(await shop.client.post(`/api/v1/threads/${t}/messages`, { body: 'answer' }), 201);
    assert.ok(expectList(await a.client.get('/api/v1/my/threads')).find((r) => r.id === t).unread);
    expectStatus(await a.client.get(`/api/v1/my/threads/${t}`), 200);
    assert.ok(!expectList(await a.client.get('/api/v1/my/threads')).find((r) => r.id === t).unread);
  });

  test('the inbox puts unread first, searches name, email and text, and pages with a cursor', async () => {
    const a = await buyer('x', { name: 'Zelda Searchable' });
    const b = await buyer('x');
    const ta = (await a.client.post('/api/v1/my/threads', { store: shop.slug, body: 'about the kerning' })).json.thread_id;
    const tb = (await shop.client.post(`/api/v1/customers/${b.customerId}/messages`, { body: 'a seller note' })).json.thread_id;
    const rows = expectList(await shop.client.get('/api/v1/threads?limit=100'));
    const firstRead = rows.findIndex((r) => !r.unread);
    assert.ok(rows.slice(firstRead).every((r) => !r.unread), 'unread threads come first');
    assert.ok(rows.find((r) => r.id === ta).unread);
    assert.ok(!rows.find((r) => r.id === tb).unread);
    const ids = (q) => shop.client.get(`/api/v1/threads?q=${encodeURIComponent(q)}`).then((r) => expectList(r).map((x) => x.id));
    assert.deepEqual(await ids('zelda searchABLE'), [ta]);
    assert.deepEqual(await ids(b.email), [tb]);
    assert.deepEqual(await ids('KERNING'), [ta]);
    assert.deepEqual(await ids('100%_'), []);
    const seen = [];
    let cursor = null;
    do {
      const page = await shop.client.get(`/api/v1/threads?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expectStatus(page, 200);
      seen.push(...page.json.data.map((r) => r.id));
      cursor = page.json.next_cursor;
    } while (cursor);
    assert.deepEqual(seen, rows.map((r) => r.id));
    expectError(await shop.client.get('/api/v1/threads?cursor=bogus!'), 400, 'invalid_cursor', { param: 'cursor' });
    const m = (await shop.client.get('/api/v1/threads')).json.metrics;
    assert.equal(m.window_days, 30);
    assert.ok(m.new_threads >= 1);
  });

  test('placeholders are filled from the thread; unknown or unfillable ones are refused naming them', async () => {
    const a = await buyer('x', { name: 'Ana María López' });
    const sent = await shop.client.post(`/api/v1/customers/${a.customerId}/messages`, {
      body: 'Hi {customer_first_name|there}, {customer_name}: {product_title} ({order_id}) from {store_name} <{support_email}> at {library_url}',
    });
    expectStatus(sent, 201);
    assert.equal(sent.json.body, `Hi Ana, Ana María López: Brush Pack (${a.order.id}) from Messaging Shop <help@messaging.test> at ${srv.url}/library`);
    let err = expectError(await shop.client.post(`/api/v1/threads/${sent.json.thread_id}/messages`, { body: 'Code {coupon_code}' }), 400, 'placeholder_unknown', { param: 'body' });
    assert.match(err.message, /\{coupon_code\}/);
    // A contact who never bought: no order to name.
    const c = new Client(srv.url);
    await signupBuyer(c, { name: 'Prospect Pat' });
    const opened = await c.post('/api/v1/my/threads', { store: shop.slug, body: 'before I buy…' });
    expectStatus(opened, 201);
    const t = opened.json.thread_id;
    err = expectError(await shop.client.post(`/api/v1/threads/${t}/messages`, { body: 'Your order {order_id}' }), 400, 'placeholder_unfillable', { param: 'body' });
    assert.match(err.message, /\{order_id\}/);
    const ok = await shop.client.post(`/api/v1/threads/${t}/messages`, { body: 'Hi {customer_first_name}, about {order_id|your question}' });
    expectStatus(ok, 201);
    assert.equal(ok.json.body, 'Hi Prospect, about your question');
    expectError(await shop.client.post(`/api/v1/threads/${t}/messages`, {}), 400, 'required', { param: 'body' });
    expectError(await shop.client.post(`/api/v1/threads/${t}/messages`, { body: '  ' }), 400, 'required', { param: 'body' });
  });

  test('saved replies: create, list, edit, send with placeholders filled, delete', async () => {
    const a = await buyer('y', { name: 'Sam Saved' });
    expectError(await shop.client.post('/api/v1/saved-replies', { title: 'bad', body: '{nope}' }), 400, 'placeholder_unknown', { param: 'body' });
    const created = await shop.client.post('/api/v1/saved-replies', { title: 'Thanks', body: 'Thanks {customer_first_name}!' });
    expectStatus(created, 201);
    const id = created.json.id;
    assert.ok(expectList(await shop.client.get('/api/v1/saved-replies')).some((r) => r.id === id));
    const patched = await shop.client.patch(`/api/v1/saved-replies/${id}`, { body: 'Thanks {customer_first_name}, enjoy {product_title}!' });
    expectStatus(patched, 200);
    assert.equal((await shop.client.get(`/api/v1/saved-replies/${id}`)).json.body, 'Thanks {customer_first_name}, enjoy {product_title}!');
    const t = (await a.client.post('/api/v1/my/threads', { store: shop.slug, body: 'it works!' })).json.thread_id;
    const sent = await shop.client.post(`/api/v1/threads/${t}/messages`, { saved_reply_id: id });
    expectStatus(sent, 201);
    assert.equal(sent.json.body, 'Thanks Sam, enjoy Font Kit!');
    expectError(await other.client.get(`/api/v1/saved-replies/${id}`), 404, 'not_found', { anyParam: true });
    expectError(await shop.client.post(`/api/v1/threads/${t}/messages`, { saved_reply_id: 'srp_nope' }), 400, 'saved_reply_not_found', { param: 'saved_reply_id' });
    expectStatus(await shop.client.delete(`/api/v1/saved-replies/${id}`), 200);
    expectError(await shop.client.get(`/api/v1/saved-replies/${id}`), 404, 'not_found', { anyParam: true });
  });

  test('away mode answers buyers automatically, once in a row, and the answer counts as a response', async () => {
    const s = await setupShop(srv.server, 'Away Shop');
    expectError(await s.shop.client.patch('/api/v1/away-mode', { enabled: true }), 400, 'required', { param: 'message' });
    expectError(await s.shop.client.patch('/api/v1/away-mode', { message: 'back {when}' }), 400, 'placeholder_unknown', { param: 'message' });
    const on = await s.shop.client.patch('/api/v1/away-mode', { enabled: true, message: 'Hi {customer_first_name|there}, {store_name} is away until Monday.' });
    expectStatus(on, 200);
    assert.deepEqual((await s.shop.client.get('/api/v1/away-mode')).json, on.json);
    const a = await s.buyer('x', { name: 'Quinn Away' });
    const t = (await a.client.post('/api/v1/my/threads', { store: s.shop.slug, body: 'hello?' })).json.thread_id;
    expectStatus(await a.client.post(`/api/v1/my/threads/${t}/messages`, { body: 'anyone?' }), 201);
    const msgs = (await a.client.get(`/api/v1/my/threads/${t}`)).json.messages;
    assert.deepEqual(msgs.map((m) => m.author), ['buyer', 'auto', 'buyer']);
    assert.equal(msgs[1].body, 'Hi Quinn, Away Shop is away until Monday.');
    const m = (await s.shop.client.get('/api/v1/threads')).json.metrics;
    assert.equal(m.new_threads, 1);
    assert.equal(m.answered_within_24h_share, 1);
    assert.equal(m.median_first_response_seconds, 0);
    expectStatus(await s.shop.client.patch('/api/v1/away-mode', { enabled: false }), 200);
    const b = await s.buyer('x');
    const tb = (await b.client.post('/api/v1/my/threads', { store: s.shop.slug, body: 'hi' })).json.thread_id;
    assert.deepEqual((await b.client.get(`/api/v1/my/threads/${tb}`)).json.messages.map((x) => x.author), ['buyer']);
    assert.equal((await other.client.get('/api/v1/away-mode')).json.enabled, false);
  });

  test('a blocked buyer cannot open a thread (a neutral refusal)', async () => {
    const a = await buyer('x');
    expectStatus(await shop.client.post(`/api/v1/customers/${a.customerId}/block`, { reason: 'abuse' }), 201);
    const res = await a.client.post('/api/v1/my/threads', { store: shop.slug, body: 'let me in' });
    expectError(res, 403, 'message_not_allowed', { anyParam: true });
    assert.ok(!/block/i.test(res.text), res.text);
  });

  test('a broadcast to buyers of a product reaches exactly them minus blocked ones, once each', async () => {
    const s = await setupShop(srv.server, 'Broadcast Shop');
    const xs = [await s.buyer('x'), await s.buyer('x'), await s.buyer('x')];
    const ys = [await s.buyer('y')];
    const blocked = await s.buyer('x');
    expectStatus(await s.shop.client.post(`/api/v1/customers/${blocked.customerId}/block`, { reason: 'abuse' }), 201);
    expectError(await s.shop.client.post('/api/v1/broadcasts', { audience: { kind: 'members' }, body: 'hi' }), 400, 'audience_not_available', { param: 'audience.kind' });
    expectError(await s.shop.client.post('/api/v1/broadcasts', { audience: { kind: 'products', product_ids: [] }, body: 'hi' }), 400, 'required', { param: 'audience.product_ids' });
    expectError(await s.shop.client.post('/api/v1/broadcasts', { audience: { kind: 'products', product_ids: [s.shop.products.x.id] }, body: '{bogus}' }), 400, 'placeholder_unknown', { param: 'body' });
    const bc = await s.shop.client.post('/api/v1/broadcasts', { audience: { kind: 'products', product_ids: [s.shop.products.x.id] }, body: 'Video hosting is down, {customer_first_name|friend}.' });
    expectStatus(bc, 201);
    assert.equal(bc.json.progress.recipients, 4);
    const done = await waitFor(async () => {
      const r = (await s.shop.client.get(`/api/v1/broadcasts/${bc.json.id}`)).json;
      return r.status === 'completed' && r;
    }, 'the broadcast');
    assert.deepEqual(done.progress, { recipients: 4, sent: 3, skipped: 1, pending: 0 });
    for (const b of xs) {
      const threads = expectList(await b.client.get('/api/v1/my/threads'));
      const t = threads.find((r) => r.store.slug === s.shop.slug);
      assert.ok(t, 'the buyer got the broadcast');
      const msgs = (await b.client.get(`/api/v1/my/threads/${t.id}`)).json.messages.filter((m) => m.broadcast_id === bc.json.id);
      assert.equal(msgs.length, 1);
      assert.equal(msgs[0].body, 'Video hosting is down, Bea.');
    }
    for (const b of [...ys, blocked]) assert.ok(!expectList(await b.client.get('/api/v1/my/threads')).some((r) => r.store.slug === s.shop.slug));
    expectError(await other.client.get(`/api/v1/broadcasts/${bc.json.id}`), 404, 'not_found', { anyParam: true });
  });

  test('buyer emails carry one-click unsubscribe; it stops message and broadcast mail, not receipts', async () => {
    const s = await setupShop(srv.server, 'Mail Shop');
    const a = await s.buyer('x');
    const mailTo = (marker) => mailFiles(srv.server).filter((m) => m.includes(a.email) && m.includes(marker));
    expectStatus(await s.shop.client.post(`/api/v1/customers/${a.customerId}/messages`, { body: 'first-note-1' }), 201);
    const eml = await waitFor(() => mailTo('first-note-1')[0], 'the message email');
    const lines = unfoldedHeaderLines(eml);
    const lu = lines.find((l) => /^List-Unsubscribe: /i.test(l));
    assert.ok(lu, headersOf(eml));
    assert.ok(lines.includes('List-Unsubscribe-Post: List-Unsubscribe=One-Click'), headersOf(eml));
    assert.ok(lines.includes('Reply-To: help@messaging.test'), headersOf(eml));
    const url = lu.match(/<([^>]+)>/)[1];
    assert.ok(url.startsWith(`${srv.url}/api/v1/unsubscribe/`), url);
    // A tampered token is refused; the real one works without any session (RFC 8058 POST).
    const bad = await fetch(url.slice(0, -2) + 'xx', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
    assert.equal(bad.status, 400);
    // The text's link (GET) is a page with a button: fetching it unsubscribes nobody.
    const page = await fetch(url);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<form method=post/);
    assert.equal(count(srv.server, 'SELECT COUNT(*) FROM mail_unsubscribes'), 0, 'the GET unsubscribed');
    assert.ok(eml.includes('/api/v1/unsubscribe/'), 'the text links the page');
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
    assert.equal(res.status, 200, await res.text());
    assert.equal(count(srv.server, 'SELECT COUNT(*) FROM mail_unsubscribes'), 1);
    expectStatus(await s.shop.client.post(`/api/v1/customers/${a.customerId}/messages`, { body: 'second-note-2' }), 201);
    const bc = await s.shop.client.post('/api/v1/broadcasts', { audience: { kind: 'all' }, body: 'broadcast-note-3' });
    expectStatus(bc, 201);
    await waitFor(async () => (await s.shop.client.get(`/api/v1/broadcasts/${bc.json.id}`)).json.status === 'completed', 'the broadcast');
    // A new purchase's receipt still goes out, and after it nothing of the two above did.
    const { order } = await buy(srv.url, s.shop, [{ product: 'y' }], { email: a.email });
    await waitFor(() => mailFiles(srv.server).some((m) => m.includes(order.id) && m.includes(a.email)), 'the receipt');
    await sleep(1500);
    assert.equal(mailTo('second-note-2').length, 0, 'a message email went to an unsubscribed address');
    assert.equal(mailTo('broadcast-note-3').length, 0, 'a broadcast email went to an unsubscribed address');
    // The messages themselves are in the thread.
    const t = expectList(await a.client.get('/api/v1/my/threads')).find((r) => r.store.slug === s.shop.slug);
    const bodies = (await a.client.get(`/api/v1/my/threads/${t.id}`)).json.messages.map((m) => m.body);
    assert.ok(bodies.includes('second-note-2') && bodies.includes('broadcast-note-3'));
  });

  test('a CR/LF in a customer name injects no header', async () => {
    const s = await setupShop(srv.server, 'Inject Shop');
    const evil = 'Eve\r\nBcc: victim@evil.test\r\nX-Injected: yes';
    const { order, client } = await buy(srv.url, s.shop, [{ product: 'x' }], { name: evil });
    await withCsrf(client);
    const cus = (await s.shop.client.get(`/api/v1/orders/${order.id}`)).json.customer;
    assert.equal(cus.name, evil, 'the name reaches the emails as typed');
    expectStatus(await s.shop.client.post(`/api/v1/customers/${cus.id}/messages`, { body: 'hello {customer_name} inject-check' }), 201);
    expectStatus(await client.post('/api/v1/my/threads', { store: s.shop.slug, body: 'buyer inject-check' }), 201);
    const mails = await waitFor(() => { const m = mailFiles(srv.server).filter((x) => x.includes('inject-check') || x.includes('aW5qZWN0LWNoZWNr')); return m.length >= 2 && m; }, 'both emails');
    for (const m of mails) {
      const lines = unfoldedHeaderLines(m);
      assert.ok(!lines.some((l) => /^(Bcc|X-Injected):/i.test(l)), headersOf(m));
      assert.ok(!/victim@evil\.test/.test(headersOf(m)), headersOf(m));
    }
    // The name went out as RFC 2047 encoded-words: in To of the buyer's email, in Subject of the seller's.
    assert.ok(mails.some((m) => unfoldedHeaderLines(m).some((l) => /^To: =\?UTF-8\?B\?/.test(l))), 'no encoded To');
    assert.ok(mails.some((m) => unfoldedHeaderLines(m).some((l) => /^Subject: =\?UTF-8\?B\?/.test(l))), 'no encoded Subject');
  });
});

describe('messaging: a broadcast survives kill -9 mid-way and posts to each recipient once', () => {
  test('kill -9 mid-broadcast, restart, every recipient exactly once', { timeout: 120_000 }, async () => {
    const server = await startServer({ env: { SHOPDESK_BROADCAST_BATCH: '1' } });
    try {
      const { shop, buyer } = await setupShop(server, 'Crash Broadcast Shop');
      const buyers = [];
      for (let i = 0; i < 6; i++) buyers.push(await buyer('x'));
      const blocked = await buyer('x');
      expectStatus(await shop.client.post(`/api/v1/customers/${blocked.customerId}/block`, { reason: 'abuse' }), 201);
      const bc = await shop.client.post('/api/v1/broadcasts', { audience: { kind: 'products', product_ids: [shop.products.x.id] }, body: 'incident notice' });
      expectStatus(bc, 201);
      const bcId = bc.json.id;
      const progress = () => { const r = dbRows(server, `SELECT COUNT(*) FROM broadcast_recipients r JOIN broadcasts b ON b.id = r.broadcast_id WHERE b.public_id = '${bcId}' AND r.state <> 'pending'`); return Number(r[0][0]); };
      await waitFor(() => progress() >= 2, 'two recipients done', 20000);
      assert.ok(progress() < 7, 'the broadcast finished before the kill; pace it slower');
      await server.kill9();
      await server.restart();
      const done = await waitFor(async () => {
        const r = (await shop.client.get(`/api/v1/broadcasts/${bcId}`)).json;
        return r?.status === 'completed' && r;
      }, 'the broadcast after restart', 30000);
      assert.deepEqual(done.progress, { recipients: 7, sent: 6, skipped: 1, pending: 0 });
      const perCustomer = dbRows(server, `SELECT t.customer_id, COUNT(*) FROM messages m JOIN threads t ON t.id = m.thread_id JOIN broadcasts b ON b.id = m.broadcast_id WHERE b.public_id = '${bcId}' GROUP BY t.customer_id`);
      assert.equal(perCustomer.length, 6);
      for (const [, n] of perCustomer) assert.equal(Number(n), 1);
      const blockedId = dbRows(server, `SELECT id FROM customers WHERE public_id = '${blocked.customerId}'`)[0][0];
      assert.ok(!perCustomer.some(([c]) => c === blockedId));
    } finally {
      await server.stop('SIGTERM');
      server.cleanup();
    }
  });
});

/** A minimal SMTP server recording each message's DATA. */
function smtpSink() {
  const messages = [];
  const server = net.createServer((sock) => {
    let buf = '';
    let inData = false;
    let data = '';
    sock.write('220 sink ESMTP\r\n');
    sock.on('data', (chunk) => {
      buf += chunk.toString('latin1');
      for (;;) {
        const i = buf.indexOf('\r\n');
        if (i < 0) break;
        const line = buf.slice(0, i);
        buf = buf.slice(i + 2);
        if (inData) {
          if (line === '.') {
            inData = false;
            messages.push(data);
            data = '';
            sock.write('250 queued\r\n');
          } else {
            data += (line.startsWith('..') ? line.slice(1) : line) + '\r\n';
          }
          continue;
        }
        const cmd = line.slice(0, 4).toUpperCase();
        if (cmd === 'EHLO') sock.write('250-sink\r\n250 8BITMIME\r\n');
        else if (cmd === 'HELO') sock.write('250 sink\r\n');
        else if (cmd === 'DATA') { inData = true; sock.write('354 go ahead\r\n'); }
        else if (cmd === 'QUIT') { sock.write('221 bye\r\n'); sock.end(); }
        else sock.write('250 ok\r\n');
      }
    });
    sock.on('error', () => {});
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ port: server.address().port, messages, close: () => server.close() })));
}

describe('messaging: email through SMTP', () => {
  test('a message notification sent through a real SMTP conversation carries the one-click headers', { timeout: 60_000 }, async () => {
    const sink = await smtpSink();
    const server = await startServer({ env: { SHOPDESK_SMTP_URL: `smtp://127.0.0.1:${sink.port}` } });
    try {
      const { shop, buyer } = await setupShop(server, 'SMTP Shop');
      const a = await buyer('x', { name: 'Mal\r\nBcc: smtp-victim@evil.test' });
      expectStatus(await shop.client.post(`/api/v1/customers/${a.customerId}/messages`, { body: 'smtp-check {customer_first_name}' }), 201);
      const msg = await waitFor(() => sink.messages.find((m) => m.includes(a.email) && m.includes('X-Shopdesk-Thread')), 'the SMTP message');
      const lines = unfoldedHeaderLines(msg);
      assert.ok(lines.some((l) => /^List-Unsubscribe: <http:\/\/127\.0\.0\.1:\d+\/api\/v1\/unsubscribe\/[A-Za-z0-9_.-]+>$/.test(l)), headersOf(msg));
      assert.ok(lines.includes('List-Unsubscribe-Post: List-Unsubscribe=One-Click'), headersOf(msg));
      assert.ok(!lines.some((l) => /^Bcc:/i.test(l)), headersOf(msg));
      assert.ok(!headersOf(msg).includes('smtp-victim@evil.test'), headersOf(msg));
      assert.ok(lines.some((l) => /^To: =\?UTF-8\?B\?.*<[^>]+>$/.test(l)), headersOf(msg));
    } finally {
      await server.stop('SIGTERM');
      server.cleanup();
      sink.close();
    }
  });
});
