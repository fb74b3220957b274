// The buyer's library and downloads (R-CHK-4, R-CAT-2..4): entitlements with files, links and
// support material; signed download links (≤ 15 minutes) that serve the exact bytes and count
// downloads; tampered and expired links; another buyer; the seller's revoke / restore /
// reset-downloads, which take effect on links issued before; another store's seller.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test, before, after } from './support/test.mjs';
import { serverHooks } from './support/server.mjs';
import { Client, expectStatus, signupBuyer, signupSeller } from './support/client.mjs';
import { expectError, expectList, expectRfc3339 } from './support/assert.mjs';
import { createSellingProduct, buy, withCsrf, getClock, advanceClock, micros } from './support/selling.mjs';

// Every byte value, then random bytes: the download must be byte-exact.
const BIN = Buffer.concat([Buffer.from(Array.from({ length: 256 }, (_, i) => i)), randomBytes(300 * 1024)]);
const TXT = Buffer.from('Read me first.\r\nLine two ✓\n');

async function library(client) {
  return expectList(await client.get('/api/v1/library'));
}

async function link(client, ent, fileId) {
  const res = await client.post(`/api/v1/library/${ent}/files/${fileId}/link`);
  return res;
}

async function download(url, path) {
  const res = await fetch(url + path, { redirect: 'manual' });
  const body = Buffer.from(await res.arrayBuffer());
  let json = null;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {}
  return { status: res.status, headers: res.headers, body, json, text: body.toString('utf8'), method: 'GET', path };
}

function filesById(entry) {
  return Object.fromEntries(entry.files.map((f) => [f.id, f]));
}

describe('library and downloads', () => {
  const srv = serverHooks({ before, after });
  let shop;
  let material;
  let buyer; // guest buyer's cookie client (session from the checkout answer)
  let order;
  let ent; // the library entry for the main product
  let binId;
  let txtId;

  before(async () => {
    const seller = new Client(srv.url);
    await signupSeller(seller, { store_name: 'Library Shop' });
    const m = await seller.post('/api/v1/support-materials', { kind: 'guide', title: 'Install guide', body: 'Unzip it.', url: 'https://example.com/guide' });
    expectStatus(m, 201);
    material = m.json;
    // The shop is built by hand (createShop would sign up another seller).
    const storeRes = await seller.get('/api/v1/store');
    expectStatus(storeRes, 200);
    const products = {};
    products.main = await createSellingProduct(seller, {
      title: 'Font family',
      description: 'Twelve weights.',
      prices: [2500],
      files: [{ filename: 'font "family".bin', bytes: BIN }, { filename: 'README.txt', bytes: TXT, contentType: 'text/plain' }],
      links: [{ label: 'Web fonts', url: 'https://example.com/webfonts' }],
      support_material_ids: [material.id],
    });
    products.item = await createSellingProduct(seller, { title: 'Bonus item', prices: [500], files: [{ filename: 'bonus.bin', bytes: Buffer.from('bonus!') }] });
    products.bundle = await createSellingProduct(seller, { title: 'Bundle', prices: [2800], bundle_product_ids: [products.item.id] });
    shop = { client: seller, store: storeRes.json, slug: storeRes.json.slug, products };
    binId = shop.products.main.uploaded[0].id;
    txtId = shop.products.main.uploaded[1].id;
    const r = await buy(srv.server, shop, [{ product: 'main' }, { product: 'bundle' }], { country: 'GB' });
    order = r.order;
    buyer = await withCsrf(r.client);
    ent = (await library(buyer)).find((e) => e.product.id === shop.products.main.id);
  });

  test('GET /library lists each purchase with store, files, links, support material', async () => {
    const res = await buyer.get('/api/v1/library');
    const data = expectList(res);
    assert.equal(res.json.has_more, false);
    assert.equal(res.json.next_cursor, null);
    assert.deepEqual(data.map((e) => e.product.id).sort(), [shop.products.main.id, shop.products.item.id, shop.products.bundle.id].sort());
    const e = data.find((x) => x.product.id === shop.products.main.id);
    assert.match(e.id, /^ent_/);
    assert.deepEqual(e.product, { id: shop.products.main.id, title: 'Font family', description: 'Twelve weights.' });
    assert.deepEqual(e.store, { slug: shop.slug, name: 'Library Shop', support_email: shop.store.support_email });
    assert.equal(e.order_id, order.id);
    assert.equal(e.revoked, false);
    assert.equal(e.license_key, null);
    expectRfc3339(e.created_at);
    assert.deepEqual(
      e.files.map((f) => [f.id, f.filename, f.size_bytes, f.downloads]).sort(),
      [[binId, 'font "family".bin', BIN.length, 0], [txtId, 'README.txt', TXT.length, 0]].sort(),
    );
    assert.deepEqual(e.links, [{ label: 'Web fonts', url: 'https://example.com/webfonts' }]);
    assert.equal(e.support_materials.length, 1);
    assert.equal(e.support_materials[0].id, material.id);
    assert.equal(e.support_materials[0].title, 'Install guide');
    assert.equal(e.support_materials[0].url, 'https://example.com/guide');
    // Anonymous: 401.
    expectError(await new Client(srv.url).get('/api/v1/library'), 401, null, { anyParam: true });
  });

  test('a link serves the exact bytes as an attachment, expires within 15 minutes, and counts downloads', async () => {
    const clock = await getClock(srv.server);
    const res = await link(buyer, ent.id, binId);
    expectStatus(res, 201);
    assert.match(res.json.url, /^\/d\/[^/?#]+$/);
    expectRfc3339(res.json.expires_at);
    const ahead = micros(res.json.expires_at) - micros(clock.now);
    assert.ok(ahead > 0 && ahead <= 15 * 60 * 1e6 + 5e6, `expires ${ahead / 1e6} s ahead`);

    const d = await download(srv.url, res.json.url); // no cookie: the link itself authorises
    assert.equal(d.status, 200, d.text.slice(0, 300));
    assert.equal(d.body.length, BIN.length);
    assert.ok(d.body.equals(BIN), 'downloaded bytes differ from the upload');
    const cd = d.headers.get('content-disposition') || '';
    assert.match(cd, /^attachment\b/i, cd);
    assert.ok(!/filename="font "family"/.test(cd), `unescaped quote in Content-Disposition: ${cd}`);
    let files = filesById((await library(buyer)).find((e) => e.id === ent.id));
    assert.equal(files[binId].downloads, 1);
    assert.equal(files[txtId].downloads, 0, 'another file was counted');

    // The same link again: counted again.
    const d2 = await download(srv.url, res.json.url);
    assert.equal(d2.status, 200);
    assert.ok(d2.body.equals(BIN));
    const t = await link(buyer, ent.id, txtId);
    expectStatus(t, 201);
    const d3 = await download(srv.url, t.json.url);
    assert.equal(d3.status, 200);
    assert.ok(d3.body.equals(TXT));
    assert.match(d3.headers.get('content-disposition') || '', /^attachment;.*README\.txt/i);
    files = filesById((await library(buyer)).find((e) => e.id === ent.id));
    assert.deepEqual([files[binId].downloads, files[txtId].downloads], [2, 1]);
  });

  test('a bundled product’s files download through its own entitlement', async () => {
    const itemEnt = (await library(buyer)).find((e) => e.product.id === shop.products.item.id);
    assert.ok(itemEnt);
    const fileId = shop.products.item.uploaded[0].id;
    assert.deepEqual(itemEnt.files.map((f) => f.id), [fileId]);
    const res = await link(buyer, itemEnt.id, fileId);
    expectStatus(res, 201);
    const d = await download(srv.url, res.json.url);
    assert.equal(d.status, 200);
    assert.equal(d.text, 'bonus!');
    // A file of another product through this entitlement: not found.
    expectError(await link(buyer, itemEnt.id, binId), 404, 'file_not_found', { param: 'file_id' });
  });

  test('tampered, truncated and made-up tokens → 403 download_link_invalid; nothing counted', async () => {
    const res = await link(buyer, ent.id, txtId);
    expectStatus(res, 201);
    const before0 = filesById((await library(buyer)).find((e) => e.id === ent.id))[txtId].downloads;
    const token = res.json.url.slice('/d/'.length);
    const flip = (s, i) => s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);
    for (const bad of [flip(token, Math.floor(token.length / 2)), flip(token, token.length - 1), flip(token, 0), token.slice(0, -4), 'abc', `${token}x`]) {
      const d = await download(srv.url, `/d/${bad}`);
      expectError(d, 403, 'download_link_invalid');
    }
    const after0 = filesById((await library(buyer)).find((e) => e.id === ent.id))[txtId].downloads;
    assert.equal(after0, before0);
  });

  test('another buyer cannot get a link to this entitlement (404); unknown ids are 404', async () => {
    const other = new Client(srv.url);
    await signupBuyer(other);
    const res = await link(other, ent.id, binId);
    const err = expectError(res, 404, null, { anyParam: true });
    const ref = expectError(await link(other, 'ent_doesnotexist0000000000', binId), 404, null, { anyParam: true });
    assert.deepEqual([err.code, err.param], [ref.code, ref.param], 'another buyer’s entitlement answers differently from a missing one');
    expectError(await link(buyer, ent.id, 'file_doesnotexist0000000000'), 404, 'file_not_found', { param: 'file_id' });
    expectError(await new Client(srv.url).post(`/api/v1/library/${ent.id}/files/${binId}/link`), 401, null, { anyParam: true });
  });

  test('seller revoke: a link issued before now fails 403 access_revoked; restore: it works again; reset-downloads: counts 0', async () => {
    const early = await link(buyer, ent.id, txtId);
    expectStatus(early, 201);
    const rv = await shop.client.post(`/api/v1/entitlements/${ent.id}/revoke`, { reason: 'chargeback review' });
    expectStatus(rv, 200);
    assert.equal(rv.json.id, ent.id);
    assert.equal(rv.json.order_id, order.id);
    assert.equal(rv.json.revoked, true);
    expectError(await download(srv.url, early.json.url), 403, 'access_revoked');
    expectError(await link(buyer, ent.id, txtId), 403, 'access_revoked');
    const revokedEntry = (await library(buyer)).find((e) => e.id === ent.id);
    assert.equal(revokedEntry.revoked, true);
    // Other entitlements of the order are untouched.
    assert.ok((await library(buyer)).filter((e) => e.id !== ent.id).every((e) => e.revoked === false));

    const rs = await shop.client.post(`/api/v1/entitlements/${ent.id}/restore`);
    expectStatus(rs, 200);
    assert.equal(rs.json.revoked, false);
    const d = await download(srv.url, early.json.url);
    assert.equal(d.status, 200, d.text);
    assert.ok(d.body.equals(TXT));
    let files = filesById((await library(buyer)).find((e) => e.id === ent.id));
    assert.ok(files[binId].downloads > 0 && files[txtId].downloads > 0);

    const rd = await shop.client.post(`/api/v1/entitlements/${ent.id}/reset-downloads`);
    expectStatus(rd, 200);
    assert.equal(rd.json.revoked, false);
    files = filesById((await library(buyer)).find((e) => e.id === ent.id));
    assert.deepEqual([files[binId].downloads, files[txtId].downloads], [0, 0]);
    const again = await download(srv.url, early.json.url);
    assert.equal(again.status, 200);
    files = filesById((await library(buyer)).find((e) => e.id === ent.id));
    assert.equal(files[txtId].downloads, 1);
  });

  test('seller actions: another store’s seller → 404 (as for a missing id); a buyer → 403; nothing changes', async () => {
    const otherSeller = new Client(srv.url);
    await signupSeller(otherSeller);
    for (const action of ['revoke', 'restore', 'reset-downloads']) {
      const res = await otherSeller.post(`/api/v1/entitlements/${ent.id}/${action}`);
      const err = expectError(res, 404, null, { anyParam: true });
      const ref = expectError(await otherSeller.post(`/api/v1/entitlements/ent_doesnotexist0000000000/${action}`), 404, null, { anyParam: true });
      assert.deepEqual([err.code, err.param], [ref.code, ref.param]);
      expectError(await buyer.post(`/api/v1/entitlements/${ent.id}/${action}`), 403, 'seller_account_required');
    }
    const e = (await library(buyer)).find((x) => x.id === ent.id);
    assert.equal(e.revoked, false);
    assert.equal(filesById(e)[txtId].downloads, 1, 'downloads were reset by someone else');
  });

  // Moves the test clock: keep last.
  test('links expire: at 14 minutes still good, after 16 minutes 403 download_link_expired', async () => {
    const res = await link(buyer, ent.id, txtId);
    expectStatus(res, 201);
    await advanceClock(srv.server, 14 * 60);
    const ok = await download(srv.url, res.json.url);
    assert.equal(ok.status, 200, ok.text);
    await advanceClock(srv.server, 2 * 60);
    expectError(await download(srv.url, res.json.url), 403, 'download_link_expired');
    // A fresh link works.
    const fresh = await link(buyer, ent.id, txtId);
    expectStatus(fresh, 201);
    assert.equal((await download(srv.url, fresh.json.url)).status, 200);
  });
});
