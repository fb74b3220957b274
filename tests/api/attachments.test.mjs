// Attachments on customer messages (Issue 6): uploads by the seller and by buyers (raw body,
// type sniffed from the bytes, 10 MiB), sending them with messages and saved replies, reading
// them in both sides' thread views, downloading them (only the two sides of the thread; images
// inline, other files as a download, nosniff), refusing another store's or another buyer's
// upload with the same error as a missing one, and a refused send writing nothing.
import assert from 'node:assert/strict';
import path from 'node:path';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, test, before, after } from './support/test.mjs';
import { serverHooks } from './support/server.mjs';
import { Client, expectStatus, signupBuyer } from './support/client.mjs';
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
const count = (server, sql) => Number(dbRows(server, sql)[0][0]);

// A real 1×1 PNG, a PDF head, and bytes that pretend to be an image.
const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000' +
  '1f15c4890000000d49444154789c6360f8cfc0f01f0005fe02fea7d6a4a10000000049454e44ae426082', 'hex');
const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
const HTML = Buffer.from('<html><script>alert(document.cookie)</script></html>');

/** POST a raw upload as `client`: the seller route, or the buyer route for `store`. */
function upload(client, bytes, filename, { store, contentType } = {}) {
  const q = `filename=${encodeURIComponent(filename)}`;
  const url = store ? `/api/v1/my/attachments?store=${encodeURIComponent(store)}&${q}` : `/api/v1/attachments?${q}`;
  return client.request('POST', url, { body: bytes, headers: contentType ? { 'content-type': contentType } : {} });
}
async function uploaded(client, bytes, filename, opts) {
  const res = await upload(client, bytes, filename, opts);
  expectStatus(res, 201);
  return res.json;
}

/** GET a URL with the client's session; the body as bytes. */
async function download(client, url) {
  const headers = {};
  if (client.cookies.size > 0) headers.cookie = client.cookieHeader();
  if (client.bearer) headers.authorization = `Bearer ${client.bearer}`;
  const res = await fetch(client.baseUrl + url, { headers, redirect: 'manual' });
  const bytes = Buffer.from(await res.arrayBuffer());
  let json = null;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch {}
  return { status: res.status, headers: res.headers, bytes, json, text: bytes.toString('utf8'), method: 'GET', path: url };
}

function mailFiles(server) {
  const dir = path.join(server.dataDir, 'mail');
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => f.endsWith('.eml')).map((f) => readFileSync(path.join(dir, f), 'utf8'));
}
/** The email's text with quoted-printable undone. */
const qpDecode = (eml) => Buffer.from(eml.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8');

describe('attachments', () => {
  const srv = serverHooks({ before, after });
  let shop, other;

  async function buyer(name = 'Ana Buyer') {
    const { order, client } = await buy(srv.url, shop, [{ product: 'x' }], { name, payment_token: card(luhnNumber('4242')) });
    await withCsrf(client);
    const d = await shop.client.get(`/api/v1/orders/${order.id}`);
    expectStatus(d, 200);
    return { client, order, email: order.email, customerId: d.json.customer.id };
  }

  before(async () => {
    shop = await createShop(srv.server, { storeName: 'Files Shop', store: { support_email: 'help@files.test' }, products: { x: { title: 'Brush Pack', prices: [900] } } });
    other = await createShop(srv.server, { storeName: 'Other Files Shop' });
  });

  test('uploads: the type is sniffed from the bytes; images are flagged; HTML and SVG never get their type', async () => {
    const png = await uploaded(shop.client, PNG, 'photo.png', { contentType: 'text/html' });
    assert.match(png.id, /^att_/);
    assert.deepEqual(
      { filename: png.filename, size_bytes: png.size_bytes, content_type: png.content_type, is_image: png.is_image, url: png.url },
      { filename: 'photo.png', size_bytes: PNG.length, content_type: 'image/png', is_image: true, url: `/api/v1/attachments/${png.id}/content` });
    const fake = await uploaded(shop.client, HTML, 'cat.png', { contentType: 'image/png' });
    assert.equal(fake.content_type, 'application/octet-stream');
    assert.equal(fake.is_image, false);
    const page = await uploaded(shop.client, HTML, 'page.html');
    assert.equal(page.content_type, 'application/octet-stream');
    const svg = await uploaded(shop.client, Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>1</script></svg>'), 'logo.svg');
    assert.equal(svg.content_type, 'application/octet-stream');
    const pdf = await uploaded(shop.client, PDF, 'Guía de uso.pdf');
    assert.equal(pdf.content_type, 'application/pdf');
    assert.equal(pdf.is_image, false);
    // The seller's unsent upload downloads for the seller (a preview before sending).
    const got = await download(shop.client, png.url);
    expectStatus(got, 200);
    assert.ok(got.bytes.equals(PNG));
  });

  test('uploads: size limit (10 MiB), empty file, file name, the buyer route needs a known store', async () => {
    const max = 10 * 1024 * 1024;
    const atMax = await upload(shop.client, Buffer.alloc(max, 1), 'max.bin');
    expectStatus(atMax, 201);
    assert.equal(atMax.json.size_bytes, max);
    expectError(await upload(shop.client, Buffer.alloc(max + 1, 1), 'over.bin'), 413, 'body_too_large');
    expectError(await upload(shop.client, Buffer.alloc(0), 'empty.txt'), 400, 'file_empty', { param: 'body' });
    expectError(await upload(shop.client, PNG, ''), 400, 'invalid_filename', { param: 'filename' });
    expectError(await upload(shop.client, PNG, '../etc/passwd'), 400, 'invalid_filename', { param: 'filename' });
    const b = await buyer();
    expectError(await b.client.request('POST', '/api/v1/my/attachments?filename=a.png', { body: PNG }), 400, 'required', { param: 'store' });
    expectError(await upload(b.client, PNG, 'a.png', { store: 'no-such-store-here' }), 404, 'store_not_found', { param: 'store' });
    expectError(await upload(b.client, Buffer.alloc(max + 1, 1), 'over.bin', { store: shop.slug }), 413, 'body_too_large');
    // A buyer cannot use the seller's upload route; nobody anonymous can upload.
    expectError(await upload(b.client, PNG, 'a.png'), 403, 'seller_account_required');
    expectError(await upload(new Client(srv.url), PNG, 'a.png', { store: shop.slug }), 401, 'unauthenticated');
  });

  test('a seller sends an image and a PDF; both sides see them and download them; nobody else can', async () => {
    const a = await buyer('Ana Attach');
    const b = await buyer('Bruno Other');
    const img = await uploaded(shop.client, PNG, 'preview.png');
    const pdf = await uploaded(shop.client, PDF, 'Guía "final".pdf');
    const sent = await shop.client.post(`/api/v1/customers/${a.customerId}/messages`, { body: 'Here are the files', attachment_ids: [img.id, pdf.id] });
    expectStatus(sent, 201);
    assert.deepEqual(sent.json.attachments.map((x) => [x.id, x.filename, x.is_image, x.url]), [
      [img.id, 'preview.png', true, `/api/v1/attachments/${img.id}/content`],
      [pdf.id, 'Guía "final".pdf', false, `/api/v1/attachments/${pdf.id}/content`],
    ]);
    const thread = sent.json.thread_id;
    // The buyer's view lists them with the buyer's URLs.
    const mine = await a.client.get(`/api/v1/my/threads/${thread}`);
    expectStatus(mine, 200);
    const msg = mine.json.messages.at(-1);
    assert.equal(msg.body, 'Here are the files');
    assert.deepEqual(msg.attachments.map((x) => [x.id, x.size_bytes, x.content_type, x.url]), [
      [img.id, PNG.length, 'image/png', `/api/v1/my/attachments/${img.id}/content`],
      [pdf.id, PDF.length, 'application/pdf', `/api/v1/my/attachments/${pdf.id}/content`],
    ]);
    // The buyer downloads: the image inline with its type, the PDF as a download; both nosniff.
    const gotImg = await download(a.client, msg.attachments[0].url);
    expectStatus(gotImg, 200);
    assert.ok(gotImg.bytes.equals(PNG));
    assert.equal(gotImg.headers.get('content-type'), 'image/png');
    assert.match(gotImg.headers.get('content-disposition'), /^inline; filename="preview.png"/);
    assert.equal(gotImg.headers.get('x-content-type-options'), 'nosniff');
    assert.match(gotImg.headers.get('content-security-policy'), /sandbox/);
    const gotPdf = await download(a.client, msg.attachments[1].url);
    expectStatus(gotPdf, 200);
    assert.ok(gotPdf.bytes.equals(PDF));
    assert.equal(gotPdf.headers.get('content-disposition'), `attachment; filename="Gu__a _final_.pdf"; filename*=UTF-8''Gu%C3%ADa%20%22final%22.pdf`);
    assert.equal(gotPdf.headers.get('x-content-type-options'), 'nosniff');
    // The seller downloads through the seller's route.
    const sellerView = await shop.client.get(`/api/v1/threads/${thread}`);
    assert.deepEqual(sellerView.json.messages.at(-1).attachments.map((x) => x.url), [img.url, pdf.url]);
    assert.ok((await download(shop.client, img.url)).bytes.equals(PNG));
    // Another buyer, another store's seller, a buyer on the seller route, anonymous: 404/403/401.
    for (const url of [`/api/v1/my/attachments/${img.id}/content`, `/api/v1/my/attachments/${pdf.id}/content`]) {
      const res = await download(b.client, url);
      const err = expectError(res, 404, 'not_found', { param: 'id' });
      const missing = expectError(await download(b.client, '/api/v1/my/attachments/att_doesnotexist0000000000/content'), 404, 'not_found', { param: 'id' });
      assert.equal(err.message, missing.message);
    }
    expectError(await download(other.client, img.url), 404, 'not_found', { param: 'id' });
    expectError(await download(other.client, `/api/v1/my/attachments/${img.id}/content`), 404, 'not_found', { param: 'id' });
    expectError(await download(a.client, img.url), 403, 'seller_account_required');
    expectError(await download(new Client(srv.url), `/api/v1/my/attachments/${img.id}/content`), 401, 'unauthenticated');
    // The other buyer's thread with the store does not see them either.
    const theirs = await b.client.post('/api/v1/my/threads', { store: shop.slug, body: 'hello' });
    expectStatus(theirs, 201);
    expectError(await download(b.client, `/api/v1/my/attachments/${img.id}/content`), 404, 'not_found', { param: 'id' });
    // The inbox says the last message carries two files.
    const row = expectList(await shop.client.get('/api/v1/threads?limit=100')).find((r) => r.id === thread);
    assert.equal(row.last_message.attachment_count, 2);
  });

  test('a buyer sends a file without words; the seller sees and downloads it; it was theirs alone before', async () => {
    const a = await buyer('Berta Files');
    const b = await buyer('Carla Other');
    const up = await uploaded(a.client, PNG, 'screenshot.png', { store: shop.slug });
    assert.equal(up.url, `/api/v1/my/attachments/${up.id}/content`);
    // Unsent: the buyer can preview it; the seller and other buyers cannot see it.
    assert.ok((await download(a.client, up.url)).bytes.equals(PNG));
    expectError(await download(shop.client, `/api/v1/attachments/${up.id}/content`), 404, 'not_found', { param: 'id' });
    expectError(await download(b.client, up.url), 404, 'not_found', { param: 'id' });
    const sent = await a.client.post('/api/v1/my/threads', { store: shop.slug, attachment_ids: [up.id] });
    expectStatus(sent, 201);
    assert.equal(sent.json.body, '');
    assert.deepEqual(sent.json.attachments.map((x) => x.id), [up.id]);
    const view = await shop.client.get(`/api/v1/threads/${sent.json.thread_id}`);
    const got = view.json.messages.at(-1).attachments[0];
    assert.equal(got.url, `/api/v1/attachments/${up.id}/content`);
    const dl = await download(shop.client, got.url);
    expectStatus(dl, 200);
    assert.ok(dl.bytes.equals(PNG));
    expectError(await download(b.client, up.url), 404, 'not_found', { param: 'id' });
    // A reply with words and a file, and one with neither.
    const pdf = await uploaded(a.client, PDF, 'invoice.pdf', { store: shop.slug });
    const reply = await a.client.post(`/api/v1/my/threads/${sent.json.thread_id}/messages`, { body: 'And the invoice', attachment_ids: [pdf.id] });
    expectStatus(reply, 201);
    assert.equal(reply.json.attachments[0].filename, 'invoice.pdf');
    expectError(await a.client.post(`/api/v1/my/threads/${sent.json.thread_id}/messages`, { attachment_ids: [] }), 400, 'required', { param: 'body' });
    expectError(await a.client.post(`/api/v1/my/threads/${sent.json.thread_id}/messages`, {}), 400, 'required', { param: 'body' });
  });

  test("another store's, another buyer's or the other side's upload is refused like a missing id", async () => {
    const a = await buyer('Dora Foreign');
    const b = await buyer('Eli Foreign');
    const t = (await shop.client.post(`/api/v1/customers/${a.customerId}/messages`, { body: 'hi' })).json.thread_id;
    const otherStores = await uploaded(other.client, PNG, 'other.png');
    const buyerB = await uploaded(b.client, PNG, 'b.png', { store: shop.slug });
    const buyerAElsewhere = await uploaded(a.client, PNG, 'a-other.png', { store: other.slug });
    const sellers = await uploaded(shop.client, PNG, 'seller.png');
    const missing = 'att_doesnotexist0000000000';
    const refusal = async (res) => {
      const e = expectError(res, 400, 'attachment_not_found', { param: 'attachment_ids' });
      return { type: e.type, code: e.code, param: e.param };
    };
    const sellerRef = await refusal(await shop.client.post(`/api/v1/threads/${t}/messages`, { body: 'x', attachment_ids: [missing] }));
    for (const id of [otherStores.id, buyerB.id]) {
      assert.deepEqual(await refusal(await shop.client.post(`/api/v1/threads/${t}/messages`, { body: 'x', attachment_ids: [id] })), sellerRef);
      assert.deepEqual(await refusal(await shop.client.post(`/api/v1/customers/${a.customerId}/messages`, { body: 'x', attachment_ids: [id] })), sellerRef);
      assert.deepEqual(await refusal(await shop.client.post('/api/v1/saved-replies', { title: 't', body: 'x', attachment_ids: [id] })), sellerRef);
    }
    const buyerRef = await refusal(await a.client.post(`/api/v1/my/threads/${t}/messages`, { body: 'x', attachment_ids: [missing] }));
    for (const id of [buyerB.id, sellers.id, otherStores.id, buyerAElsewhere.id]) {
      assert.deepEqual(await refusal(await a.client.post(`/api/v1/my/threads/${t}/messages`, { body: 'x', attachment_ids: [id] })), buyerRef);
    }
    // Malformed lists.
    expectError(await shop.client.post(`/api/v1/threads/${t}/messages`, { body: 'x', attachment_ids: 'att_x' }), 400, 'invalid_type', { param: 'attachment_ids' });
    expectError(await shop.client.post(`/api/v1/threads/${t}/messages`, { body: 'x', attachment_ids: [7] }), 400, 'invalid_type', { param: 'attachment_ids[0]' });
    const eleven = Array.from({ length: 11 }, () => sellers.id);
    expectError(await shop.client.post(`/api/v1/threads/${t}/messages`, { body: 'x', attachment_ids: eleven }), 400, 'too_many_attachments', { param: 'attachment_ids' });
    // None of those refusals posted anything.
    const view = await shop.client.get(`/api/v1/threads/${t}`);
    assert.deepEqual(view.json.messages.map((m) => m.body), ['hi']);
  });

  test('a saved reply keeps its files; sending it carries them (with the message\'s own, each once)', async () => {
    const a = await buyer('Fran Saved');
    const manual = await uploaded(shop.client, PDF, 'manual.pdf');
    const extra = await uploaded(shop.client, PNG, 'extra.png');
    const created = await shop.client.post('/api/v1/saved-replies', { title: 'Manual', body: 'Hi {customer_first_name}, the manual is attached.', attachment_ids: [manual.id] });
    expectStatus(created, 201);
    assert.deepEqual(created.json.attachments.map((x) => [x.id, x.filename, x.url]), [[manual.id, 'manual.pdf', manual.url]]);
    const listed = expectList(await shop.client.get('/api/v1/saved-replies?limit=100')).find((r) => r.id === created.json.id);
    assert.deepEqual(listed.attachments.map((x) => x.id), [manual.id]);
    const sent = await shop.client.post(`/api/v1/customers/${a.customerId}/messages`, { saved_reply_id: created.json.id, attachment_ids: [manual.id, extra.id] });
    expectStatus(sent, 201);
    assert.equal(sent.json.body, 'Hi Fran, the manual is attached.');
    assert.deepEqual(sent.json.attachments.map((x) => x.id), [manual.id, extra.id]);
    const mine = await a.client.get(`/api/v1/my/threads/${sent.json.thread_id}`);
    const got = await download(a.client, mine.json.messages.at(-1).attachments[0].url);
    expectStatus(got, 200);
    assert.ok(got.bytes.equals(PDF));
    // PATCH replaces the list; other fields keep them.
    const renamed = await shop.client.patch(`/api/v1/saved-replies/${created.json.id}`, { title: 'Manual v2' });
    assert.deepEqual(renamed.json.attachments.map((x) => x.id), [manual.id]);
    const swapped = await shop.client.patch(`/api/v1/saved-replies/${created.json.id}`, { attachment_ids: [extra.id] });
    expectStatus(swapped, 200);
    assert.deepEqual(swapped.json.attachments.map((x) => x.id), [extra.id]);
    const cleared = await shop.client.patch(`/api/v1/saved-replies/${created.json.id}`, { attachment_ids: [] });
    assert.deepEqual(cleared.json.attachments, []);
    // A refused PATCH changes nothing.
    await shop.client.patch(`/api/v1/saved-replies/${created.json.id}`, { attachment_ids: [manual.id] });
    expectError(await shop.client.patch(`/api/v1/saved-replies/${created.json.id}`, { title: 'Hijacked', attachment_ids: ['att_doesnotexist0000000000'] }), 400, 'attachment_not_found', { param: 'attachment_ids' });
    const after = await shop.client.get(`/api/v1/saved-replies/${created.json.id}`);
    assert.equal(after.json.title, 'Manual v2');
    assert.deepEqual(after.json.attachments.map((x) => x.id), [manual.id]);
    // Deleting the reply leaves the message's files alone.
    expectStatus(await shop.client.request('DELETE', `/api/v1/saved-replies/${created.json.id}`), 200);
    expectStatus(await download(a.client, `/api/v1/my/attachments/${manual.id}/content`), 200);
  });

  test('a refused send writes nothing: no thread, no contact, no message, the upload still unsent', async () => {
    // A signed-in person who never bought here: their first message would make them a contact.
    const c = new Client(srv.url);
    const who = await signupBuyer(c, { name: 'Gil Newcomer' });
    const mine = await uploaded(c, PNG, 'mine.png', { store: shop.slug });
    const foreign = await uploaded(shop.client, PNG, 'not-yours.png');
    const userId = dbRows(srv.server, `SELECT id FROM users WHERE public_id = '${who.user.id}'`)[0][0];
    const refused = await c.post('/api/v1/my/threads', { store: shop.slug, body: 'hello', attachment_ids: [mine.id, foreign.id] });
    expectError(refused, 400, 'attachment_not_found', { param: 'attachment_ids' });
    assert.equal(count(srv.server, `SELECT COUNT(*) FROM threads WHERE buyer_user_id = ${userId}`), 0);
    assert.equal(count(srv.server, `SELECT COUNT(*) FROM customers WHERE user_id = ${userId}`), 0);
    assert.equal(count(srv.server, `SELECT COUNT(*) FROM message_attachments l JOIN attachments a ON a.id = l.attachment_id WHERE a.public_id = '${mine.id}'`), 0);
    assert.deepEqual(expectList(await c.get('/api/v1/my/threads')), []);
    // The same upload goes out with the next, valid, message.
    const ok = await c.post('/api/v1/my/threads', { store: shop.slug, body: 'hello', attachment_ids: [mine.id] });
    expectStatus(ok, 201);
    assert.equal(count(srv.server, `SELECT COUNT(*) FROM threads WHERE buyer_user_id = ${userId}`), 1);
    assert.equal(count(srv.server, `SELECT COUNT(*) FROM messages m JOIN threads t ON t.id = m.thread_id WHERE t.buyer_user_id = ${userId}`), 1);
  });

  test('emails name the files and link the conversation, never carry them', async () => {
    const a = await buyer('Hana Mail');
    const img = await uploaded(shop.client, PNG, 'cover-art.png');
    const sent = await shop.client.post(`/api/v1/customers/${a.customerId}/messages`, { body: 'mail-marker-att-1', attachment_ids: [img.id] });
    expectStatus(sent, 201);
    const eml = qpDecode(await waitFor(() => mailFiles(srv.server).find((m) => m.includes(a.email) && qpDecode(m).includes('mail-marker-att-1')), 'the buyer email'));
    assert.match(eml, /1 file attached \(open the conversation to see them: http[^ ]*\/messages\/thr_[^)]+\):/);
    assert.match(eml, /- cover-art\.png \(\d+ bytes\)/);
    assert.doesNotMatch(eml, /Content-Disposition: attachment|multipart\/mixed/i);
    assert.ok(!eml.includes(PNG.toString('base64').slice(0, 40)), 'the image bytes are in the email');
    // The buyer's files, in the seller's email.
    const up = await uploaded(a.client, PDF, 'receipt-scan.pdf', { store: shop.slug });
    expectStatus(await a.client.post(`/api/v1/my/threads/${sent.json.thread_id}/messages`, { attachment_ids: [up.id] }), 201);
    const toSeller = qpDecode(await waitFor(() => mailFiles(srv.server).find((m) => qpDecode(m).includes('receipt-scan.pdf')), 'the seller email'));
    assert.match(toSeller, /help@files\.test/);
    assert.match(toSeller, /1 file attached \(open the conversation to see them: http[^ ]*\/inbox\/thr_/);
  });

  test('at most 50 unsent uploads a day per owner; sending frees room', async () => {
    const c = new Client(srv.url);
    await signupBuyer(c, { name: 'Ivo Uploader' });
    const ids = [];
    for (let i = 0; i < 50; i++) ids.push((await uploaded(c, Buffer.from(`note ${i}`), `note-${i}.txt`, { store: other.slug })).id);
    expectError(await upload(c, Buffer.from('one more'), 'more.txt', { store: other.slug }), 429, 'too_many_uploads');
    // Another store is another owner's quota (and the seller's own is separate).
    expectStatus(await upload(c, Buffer.from('elsewhere'), 'x.txt', { store: shop.slug }), 201);
    expectStatus(await c.post('/api/v1/my/threads', { store: other.slug, body: 'my notes', attachment_ids: ids.slice(0, 2) }), 201);
    expectStatus(await upload(c, Buffer.from('now fits'), 'fits.txt', { store: other.slug }), 201);
  });
});
