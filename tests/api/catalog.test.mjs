// Seller catalog (R-CAT-1..4): products, license tiers, publishing, files, links, support
// materials, bundles; validation codes with their params; idempotent creation.
import assert from 'node:assert/strict';
import { describe, test, before, after } from './support/test.mjs';
import { serverHooks } from './support/server.mjs';
import { Client, expectStatus, signupSeller, signupBuyer, rawRequest, randomKey } from './support/client.mjs';
import { expectError, expectList, expectRfc3339 } from './support/assert.mjs';
import { createProduct, createMaterial, productBody, publishProduct, sha256Hex, uploadFile } from './support/catalog.mjs';

const PRODUCT_FIELDS = [
  'id', 'title', 'description', 'status', 'currency', 'license_keys', 'tiers', 'files', 'links',
  'support_material_ids', 'support_materials', 'bundle_product_ids', 'created_at', 'updated_at',
];
const DELIVERABLE_BYTES_MAX = 64 * 1024 * 1024;
const FILES_PER_PRODUCT_MAX = 50;

describe('catalog', () => {
  const srv = serverHooks({ before, after });
  let c; // one seller for most tests; each test makes its own products

  before(async () => {
    c = new Client(srv.url);
    await signupSeller(c, { store_name: 'Catalog Goods' });
  });

  test('POST /products → 201 draft with tiers, links, currency; GET returns the same', async () => {
    const body = productBody({
      title: 'Watercolor brushes',
      license_keys: true,
      links: [{ label: 'Video course', url: 'https://video.example.com/course' }],
    });
    const res = await c.post('/api/v1/products', body);
    expectStatus(res, 201);
    const p = res.json;
    for (const f of PRODUCT_FIELDS) assert.ok(f in p, `product.${f} missing: ${res.text}`);
    assert.match(p.id, /^prd_/);
    assert.equal(p.status, 'draft');
    assert.equal(p.title, 'Watercolor brushes');
    assert.equal(p.description, body.description);
    assert.equal(p.currency, 'USD');
    assert.equal(p.license_keys, true);
    assert.equal(p.tiers.length, 2);
    p.tiers.forEach((t, i) => {
      assert.match(t.id, /^tier_/);
      assert.deepEqual({ name: t.name, price_minor: t.price_minor, terms: t.terms }, body.tiers[i]);
    });
    assert.deepEqual(p.links, body.links);
    assert.deepEqual(p.files, []);
    assert.deepEqual(p.bundle_product_ids, []);
    assert.deepEqual(p.support_material_ids, []);
    expectRfc3339(p.created_at);
    expectRfc3339(p.updated_at);
    const got = await c.get(`/api/v1/products/${p.id}`);
    expectStatus(got, 200);
    assert.deepEqual(got.json, p);
  });

  test('a draft may start without tiers or description', async () => {
    const res = await c.post('/api/v1/products', { title: 'Idea' });
    expectStatus(res, 201);
    assert.deepEqual(res.json.tiers, []);
    assert.equal(res.json.description, '');
    assert.equal(res.json.license_keys, false);
  });

  test('GET /products: newest first, cursor pages, status filter', async () => {
    const seller = new Client(srv.url);
    await signupSeller(seller);
    const made = [];
    for (let i = 0; i < 3; i++) made.push(await createProduct(seller, { title: `P${i}` }));
    await publishProduct(seller, made[1].id);
    const all = expectList(await seller.get('/api/v1/products'));
    assert.deepEqual(all.map((p) => p.title), ['P2', 'P1', 'P0']);
    const p1 = await seller.get('/api/v1/products?limit=2');
    assert.deepEqual(expectList(p1).map((p) => p.title), ['P2', 'P1']);
    assert.equal(p1.json.has_more, true);
    assert.equal(p1.json.next_cursor, made[1].id);
    const p2 = await seller.get(`/api/v1/products?limit=2&cursor=${p1.json.next_cursor}`);
    assert.deepEqual(expectList(p2).map((p) => p.title), ['P0']);
    assert.equal(p2.json.has_more, false);
    assert.equal(p2.json.next_cursor, null);
    const published = expectList(await seller.get('/api/v1/products?status=published'));
    assert.deepEqual(published.map((p) => p.id), [made[1].id]);
    const drafts = expectList(await seller.get('/api/v1/products?status=draft'));
    assert.deepEqual(drafts.map((p) => p.title), ['P2', 'P0']);
    expectError(await seller.get('/api/v1/products?status=archived'), 400, 'invalid_status', { param: 'status' });
    expectError(await seller.get('/api/v1/products?limit=0'), 400, 'invalid_limit', { param: 'limit' });
    expectError(await seller.get('/api/v1/products?cursor=prd_nope'), 400, 'invalid_cursor', { param: 'cursor' });
  });

  test('PATCH a subset → 200; untouched fields stay', async () => {
    const p = await createProduct(c, { links: [{ label: 'Docs', url: 'https://docs.example.com' }] });
    const res = await c.patch(`/api/v1/products/${p.id}`, { title: 'Renamed', license_keys: true });
    expectStatus(res, 200);
    assert.equal(res.json.title, 'Renamed');
    assert.equal(res.json.license_keys, true);
    assert.equal(res.json.description, p.description);
    assert.deepEqual(res.json.tiers, p.tiers);
    assert.deepEqual(res.json.links, p.links);
    assert.deepEqual((await c.get(`/api/v1/products/${p.id}`)).json, res.json);
    const cleared = await c.patch(`/api/v1/products/${p.id}`, { links: [] });
    expectStatus(cleared, 200);
    assert.deepEqual(cleared.json.links, []);
  });

  test('PATCH tiers replaces the list: ids update, new entries create, left-out tiers are archived', async () => {
    const p = await createProduct(c);
    const [personal, commercial] = p.tiers;
    const res = await c.patch(`/api/v1/products/${p.id}`, {
      tiers: [
        { name: 'Extended', price_minor: 9900, terms: 'Resale in templates allowed.' },
        { id: personal.id, name: 'Personal+', price_minor: 1900, terms: 'Personal, now with updates.' },
      ],
    });
    expectStatus(res, 200);
    const tiers = res.json.tiers;
    assert.equal(tiers.length, 2);
    assert.equal(tiers[0].name, 'Extended');
    assert.match(tiers[0].id, /^tier_/);
    assert.notEqual(tiers[0].id, commercial.id);
    assert.deepEqual(tiers[1], { id: personal.id, name: 'Personal+', price_minor: 1900, terms: 'Personal, now with updates.' });
    assert.ok(!res.text.includes(commercial.id), 'the archived tier is still listed');
    // An archived tier cannot be addressed again.
    const again = await c.patch(`/api/v1/products/${p.id}`, {
      tiers: [{ id: commercial.id, name: 'Commercial', price_minor: 4900, terms: 'x' }],
    });
    expectError(again, 400, 'tier_not_found', { param: 'tiers[0].id' });
    // Nor can another product's tier.
    const other = await createProduct(c);
    const foreign = await c.patch(`/api/v1/products/${p.id}`, {
      tiers: [tiers[0], { id: other.tiers[0].id, name: 'Stolen', price_minor: 1, terms: 'x' }],
    });
    expectError(foreign, 400, 'tier_not_found', { param: 'tiers[1].id' });
    assert.deepEqual((await c.get(`/api/v1/products/${p.id}`)).json.tiers, tiers, 'a refused PATCH changed the tiers');
  });

  test('publish rules: 409 product_not_publishable naming what is missing', async () => {
    const noTiers = await createProduct(c, { tiers: [] });
    expectError(await c.post(`/api/v1/products/${noTiers.id}/publish`), 409, 'product_not_publishable', { param: 'tiers' });
    const noTerms = await createProduct(c, {
      tiers: [
        { name: 'Personal', price_minor: 100, terms: 'ok' },
        { name: 'Commercial', price_minor: 200 },
      ],
    });
    expectError(await c.post(`/api/v1/products/${noTerms.id}/publish`), 409, 'product_not_publishable', { param: 'tiers[1].terms' });
    assert.equal((await c.get(`/api/v1/products/${noTerms.id}`)).json.status, 'draft');
    const fixed = await c.patch(`/api/v1/products/${noTerms.id}`, {
      tiers: [noTerms.tiers[0], { ...noTerms.tiers[1], terms: 'Commercial use.' }],
    });
    expectStatus(fixed, 200);
    await publishProduct(c, noTerms.id);
  });

  test('publish → unpublish → publish; repeats are no-ops; a draft cannot be unpublished', async () => {
    const p = await createProduct(c);
    expectError(await c.post(`/api/v1/products/${p.id}/unpublish`), 409, 'product_not_published');
    await publishProduct(c, p.id);
    await publishProduct(c, p.id);
    const un = await c.post(`/api/v1/products/${p.id}/unpublish`);
    expectStatus(un, 200);
    assert.equal(un.json.status, 'unpublished');
    expectStatus(await c.post(`/api/v1/products/${p.id}/unpublish`), 200);
    await publishProduct(c, p.id);
  });

  test('a published product stays publishable: PATCH that would break it → 409, nothing changes', async () => {
    const p = await createProduct(c);
    await publishProduct(c, p.id);
    expectError(await c.patch(`/api/v1/products/${p.id}`, { tiers: [], title: 'Changed' }), 409,
      'product_not_publishable', { param: 'tiers' });
    expectError(await c.patch(`/api/v1/products/${p.id}`, { tiers: [{ id: p.tiers[0].id, name: 'Personal', price_minor: 1 }] }), 409,
      'product_not_publishable', { param: 'tiers[0].terms' });
    const got = (await c.get(`/api/v1/products/${p.id}`)).json;
    assert.equal(got.title, p.title);
    assert.deepEqual(got.tiers, p.tiers);
    assert.equal(got.status, 'published');
  });

  // Every validation code with its param (POST; PATCH shares the rules).
  const long = (n) => 'x'.repeat(n);
  const tier = (over = {}) => ({ name: 'Personal', price_minor: 100, terms: 'ok', ...over });
  const INVALID = [
    ['missing title', { title: undefined }, 'required', 'title'],
    ['empty title', { title: '' }, 'required', 'title'],
    ['title too long', { title: long(201) }, 'too_long', 'title'],
    ['title not a string', { title: 5 }, 'invalid_type', 'title'],
    ['description too long', { description: long(20001) }, 'too_long', 'description'],
    ['tiers not an array', { tiers: {} }, 'invalid_type', 'tiers'],
    ['tier not an object', { tiers: ['x'] }, 'invalid_type', 'tiers[0]'],
    ['too many tiers', { tiers: Array.from({ length: 11 }, (_, i) => tier({ name: `T${i}` })) }, 'too_many_tiers', 'tiers'],
    ['tier without name', { tiers: [tier(), { price_minor: 1, terms: 'x' }] }, 'required', 'tiers[1].name'],
    ['tier name too long', { tiers: [tier({ name: long(61) })] }, 'too_long', 'tiers[0].name'],
    ['negative price', { tiers: [tier(), tier({ name: 'B', price_minor: -1 })] }, 'out_of_range', 'tiers[1].price_minor'],
    ['price too high', { tiers: [tier({ price_minor: 100_000_001 })] }, 'out_of_range', 'tiers[0].price_minor'],
    ['price not integer', { tiers: [tier({ price_minor: 9.99 })] }, 'invalid_type', 'tiers[0].price_minor'],
    ['price missing', { tiers: [{ name: 'A', terms: 'x' }] }, 'required', 'tiers[0].price_minor'],
    ['terms too long', { tiers: [tier({ terms: long(5001) })] }, 'too_long', 'tiers[0].terms'],
    ['duplicate tier name', { tiers: [tier(), tier()] }, 'duplicate_tier_name', 'tiers[1].name'],
    ['tier id on create', { tiers: [tier({ id: 'tier_x' })] }, 'unknown_field', 'tiers[0].id'],
    ['unknown tier field', { tiers: [tier({ colour: 'red' })] }, 'unknown_field', 'tiers[0].colour'],
    ['link not http', { links: [{ label: 'A', url: 'ftp://x.example' }] }, 'invalid_url', 'links[0].url'],
    ['link javascript', { links: [{ label: 'A', url: 'https://ok.example' }, { label: 'B', url: 'javascript:alert(1)' }] }, 'invalid_url', 'links[1].url'],
    ['link without label', { links: [{ url: 'https://ok.example' }] }, 'required', 'links[0].label'],
    ['too many links', { links: Array.from({ length: 21 }, () => ({ label: 'L', url: 'https://a.example' })) }, 'too_many_links', 'links'],
    ['bundle ids not strings', { bundle_product_ids: [1] }, 'invalid_type', 'bundle_product_ids[0]'],
    ['bundle id unknown', { bundle_product_ids: ['prd_doesnotexist0000000000'] }, 'bundle_product_not_found', 'bundle_product_ids[0]'],
    ['bundle id twice', { bundle_product_ids: ['prd_a', 'prd_a'] }, 'duplicate_id', 'bundle_product_ids[1]'],
    ['material unknown', { support_material_ids: ['sm_doesnotexist0000000000'] }, 'support_material_not_found', 'support_material_ids[0]'],
    ['license_keys not bool', { license_keys: 'yes' }, 'invalid_type', 'license_keys'],
    ['unknown field', { price: 5 }, 'unknown_field', 'price'],
  ];
  for (const [name, over, code, param] of INVALID) {
    test(`POST /products ${name} → 400 ${code} (${param})`, async () => {
      const body = productBody(over);
      for (const k of Object.keys(body)) if (body[k] === undefined) delete body[k];
      expectError(await c.post('/api/v1/products', body), 400, code, { param });
    });
  }

  test('PATCH validation: unknown field, bad tier, bad link name the param; nothing changes', async () => {
    const p = await createProduct(c);
    expectError(await c.patch(`/api/v1/products/${p.id}`, { status: 'published' }), 400, 'unknown_field', { param: 'status' });
    expectError(await c.patch(`/api/v1/products/${p.id}`, { title: 'New', tiers: [tier({ price_minor: -5 })] }), 400,
      'out_of_range', { param: 'tiers[0].price_minor' });
    expectError(await c.patch(`/api/v1/products/${p.id}`, { tiers: [{ id: p.tiers[0].id, ...tier() }, { id: p.tiers[0].id, ...tier({ name: 'B' }) }] }), 400,
      'duplicate_tier_id', { param: 'tiers[1].id' });
    expectError(await c.patch(`/api/v1/products/${p.id}`, { links: [{ label: 'x', url: 'nope' }] }), 400, 'invalid_url', { param: 'links[0].url' });
    expectError(await c.patch(`/api/v1/products/${p.id}`, { title: '' }), 400, 'required', { param: 'title' });
    assert.deepEqual((await c.get(`/api/v1/products/${p.id}`)).json, p);
  });

  test('unknown product → 404 not_found on every product route', async () => {
    const id = 'prd_doesnotexist0000000000';
    expectError(await c.get(`/api/v1/products/${id}`), 404, 'not_found');
    expectError(await c.patch(`/api/v1/products/${id}`, { title: 'x' }), 404, 'not_found');
    expectError(await c.post(`/api/v1/products/${id}/publish`), 404, 'not_found');
    expectError(await c.post(`/api/v1/products/${id}/unpublish`), 404, 'not_found');
    expectError(await uploadFile(c, id, Buffer.from('x')), 404, 'not_found');
    expectError(await c.delete(`/api/v1/products/${id}/files/file_doesnotexist0000000000`), 404, 'not_found');
  });

  test('buyer → 403 seller_account_required; anonymous → 401', async () => {
    const buyer = new Client(srv.url);
    await signupBuyer(buyer);
    expectError(await buyer.get('/api/v1/products'), 403, 'seller_account_required');
    expectError(await buyer.post('/api/v1/products', productBody()), 403, 'seller_account_required');
    expectError(await buyer.get('/api/v1/support-materials'), 403, 'seller_account_required');
    const anon = new Client(srv.url);
    expectError(await anon.get('/api/v1/products'), 401, 'unauthenticated');
    expectError(await anon.post('/api/v1/products', productBody()), 401, 'unauthenticated');
  });

  test('same Idempotency-Key twice → one product, the same answer replayed', async () => {
    const seller = new Client(srv.url);
    await signupSeller(seller);
    const key = randomKey();
    const body = productBody({ title: 'Only once' });
    const first = await seller.post('/api/v1/products', body, { idempotencyKey: key });
    expectStatus(first, 201);
    const second = await seller.post('/api/v1/products', body, { idempotencyKey: key });
    expectStatus(second, 201);
    assert.equal(second.headers.get('idempotent-replayed'), 'true');
    assert.deepEqual(second.json, first.json);
    const list = expectList(await seller.get('/api/v1/products'));
    assert.equal(list.filter((p) => p.title === 'Only once').length, 1);
    expectError(await seller.post('/api/v1/products', productBody({ title: 'Other' }), { idempotencyKey: key }), 422, 'idempotency_key_reused',
      { param: 'Idempotency-Key' });
  });
});

describe('catalog files', () => {
  const srv = serverHooks({ before, after });
  let c;

  before(async () => {
    c = new Client(srv.url);
    await signupSeller(c);
  });

  test('upload → 201 file object; sha256 and size match the bytes; listed on the product', async () => {
    const p = await createProduct(c);
    const bytes = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.from([0, 1, 2, 255, 254]), Buffer.alloc(100_000, 7)]);
    const res = await uploadFile(c, p.id, bytes, { filename: 'Guía de uso (v2).pdf', contentType: 'application/pdf' });
    expectStatus(res, 201);
    const f = res.json;
    assert.match(f.id, /^file_/);
    assert.equal(f.filename, 'Guía de uso (v2).pdf');
    assert.equal(f.content_type, 'application/pdf');
    assert.equal(f.size_bytes, bytes.length);
    assert.equal(f.sha256, sha256Hex(bytes));
    expectRfc3339(f.created_at);
    assert.ok(!('storage_key' in f), 'storage details leak');
    const got = (await c.get(`/api/v1/products/${p.id}`)).json;
    assert.deepEqual(got.files, [f]);
  });

  test('a JSON-looking body is just bytes; no Content-Type → application/octet-stream', async () => {
    const p = await createProduct(c);
    const asJson = await uploadFile(c, p.id, '{"not":"parsed"', { filename: 'data.json', contentType: 'application/json' });
    expectStatus(asJson, 201);
    assert.equal(asJson.json.sha256, sha256Hex('{"not":"parsed"'));
    const bare = await uploadFile(c, p.id, Buffer.from('raw'), { filename: 'raw.bin' });
    expectStatus(bare, 201);
    assert.ok(['application/octet-stream'].includes(bare.json.content_type), bare.text);
  });

  test('identical content twice → two file records with the same sha256', async () => {
    const p = await createProduct(c);
    const a = await uploadFile(c, p.id, 'same', { filename: 'a.txt' });
    const b = await uploadFile(c, p.id, 'same', { filename: 'b.txt' });
    expectStatus(a, 201);
    expectStatus(b, 201);
    assert.notEqual(a.json.id, b.json.id);
    assert.equal(a.json.sha256, b.json.sha256);
  });

  for (const [name, query] of [
    ['path separator', 'filename=..%2Fetc%2Fpasswd'],
    ['backslash', 'filename=a%5Cb.txt'],
    ['control character', 'filename=a%0Ab.txt'],
    ['too long', `filename=${'a'.repeat(201)}`],
    ['dot dot', 'filename=..'],
    ['missing', ''],
    ['empty', 'filename='],
  ]) {
    test(`filename ${name} → 400 invalid_filename`, async () => {
      const p = await createProduct(c);
      expectError(await uploadFile(c, p.id, 'x', { query }), 400, 'invalid_filename', { param: 'filename' });
    });
  }

  test('200-byte filename accepted', async () => {
    const p = await createProduct(c);
    expectStatus(await uploadFile(c, p.id, 'x', { filename: 'a'.repeat(200) }), 201);
  });

  test('empty body → 400 file_empty', async () => {
    const p = await createProduct(c);
    expectError(await uploadFile(c, p.id, '', { filename: 'empty.txt' }), 400, 'file_empty', { param: 'body' });
  });

  test(`Content-Length over ${DELIVERABLE_BYTES_MAX} bytes → 413 body_too_large before the body is sent`, async () => {
    const p = await createProduct(c);
    const head =
      `POST /api/v1/products/${p.id}/files?filename=big.bin HTTP/1.1\r\nHost: x\r\n` +
      `Cookie: ${c.cookieHeader()}\r\nX-CSRF-Token: ${c.csrf}\r\n` +
      `Content-Type: application/octet-stream\r\nContent-Length: ${DELIVERABLE_BYTES_MAX + 1}\r\n\r\n`;
    const res = await rawRequest(srv.server.port, Buffer.from(head));
    assert.equal(res.status, 413, res.raw?.slice(0, 300));
    assert.match(res.body.toString(), /body_too_large/);
    assert.deepEqual((await c.get(`/api/v1/products/${p.id}`)).json.files, []);
  });

  test('a 2 MiB file (over the JSON body limit) is accepted on the upload route', async () => {
    const p = await createProduct(c);
    const bytes = Buffer.alloc(2 * 1024 * 1024, 0x61);
    const res = await uploadFile(c, p.id, bytes, { filename: 'big.txt' });
    expectStatus(res, 201);
    assert.equal(res.json.size_bytes, bytes.length);
    assert.equal(res.json.sha256, sha256Hex(bytes));
    // Other routes keep the JSON limit.
    const json = await c.request('POST', '/api/v1/products', { body: bytes, headers: { 'content-type': 'application/json' } });
    expectError(json, 413, 'body_too_large');
  });

  test('DELETE file → gone from the product; again → 404', async () => {
    const p = await createProduct(c);
    const f = (await uploadFile(c, p.id, 'bye', { filename: 'bye.txt' })).json;
    const del = await c.delete(`/api/v1/products/${p.id}/files/${f.id}`);
    expectStatus(del, 200);
    assert.deepEqual(del.json, { id: f.id, deleted: true });
    assert.deepEqual((await c.get(`/api/v1/products/${p.id}`)).json.files, []);
    expectError(await c.delete(`/api/v1/products/${p.id}/files/${f.id}`), 404, 'not_found');
    // A file of another product of the same store is not this product's.
    const other = await createProduct(c);
    const g = (await uploadFile(c, other.id, 'g', { filename: 'g.txt' })).json;
    expectError(await c.delete(`/api/v1/products/${p.id}/files/${g.id}`), 404, 'not_found');
    assert.equal((await c.get(`/api/v1/products/${other.id}`)).json.files.length, 1);
  });

  test(`more than ${FILES_PER_PRODUCT_MAX} files → 409 too_many_files; deleting one makes room`, async () => {
    const p = await createProduct(c);
    let last;
    for (let i = 0; i < FILES_PER_PRODUCT_MAX; i++) {
      last = await uploadFile(c, p.id, `file ${i}`, { filename: `f${i}.txt` });
      expectStatus(last, 201);
    }
    expectError(await uploadFile(c, p.id, 'one more', { filename: 'extra.txt' }), 409, 'too_many_files');
    expectStatus(await c.delete(`/api/v1/products/${p.id}/files/${last.json.id}`), 200);
    expectStatus(await uploadFile(c, p.id, 'one more', { filename: 'extra.txt' }), 201);
  });

  test('upload is idempotent with the same key', async () => {
    const p = await createProduct(c);
    const key = randomKey();
    const path = `/api/v1/products/${p.id}/files?filename=once.txt`;
    const a = await c.request('POST', path, { body: 'once', idempotencyKey: key });
    const b = await c.request('POST', path, { body: 'once', idempotencyKey: key });
    expectStatus(a, 201);
    expectStatus(b, 201);
    assert.deepEqual(b.json, a.json);
    assert.equal((await c.get(`/api/v1/products/${p.id}`)).json.files.length, 1);
  });
});

describe('support materials and bundles', () => {
  const srv = serverHooks({ before, after });
  let c;

  before(async () => {
    c = new Client(srv.url);
    await signupSeller(c);
  });

  test('support materials: create, get, list, patch, attach, delete detaches', async () => {
    const guide = await createMaterial(c);
    assert.match(guide.id, /^sm_/);
    for (const f of ['id', 'kind', 'title', 'body', 'url', 'created_at', 'updated_at']) assert.ok(f in guide, f);
    assert.equal(guide.kind, 'guide');
    assert.equal(guide.url, '');
    const video = await createMaterial(c, { kind: 'video', title: 'Tutorial', body: '', url: 'https://video.example.com/t' });
    assert.deepEqual((await c.get(`/api/v1/support-materials/${guide.id}`)).json, guide);
    const list = expectList(await c.get('/api/v1/support-materials'));
    assert.deepEqual(list.slice(0, 2).map((m) => m.id), [video.id, guide.id]);
    const page = await c.get('/api/v1/support-materials?limit=1');
    assert.equal(page.json.has_more, true);
    assert.equal(page.json.next_cursor, video.id);

    const patched = await c.patch(`/api/v1/support-materials/${guide.id}`, { title: 'Start here' });
    expectStatus(patched, 200);
    assert.equal(patched.json.title, 'Start here');
    assert.equal(patched.json.body, guide.body);

    const p = await createProduct(c, { support_material_ids: [video.id] });
    assert.deepEqual(p.support_material_ids, [video.id]);
    assert.deepEqual(p.support_materials, [video]);
    const attached = await c.patch(`/api/v1/products/${p.id}`, { support_material_ids: [guide.id, video.id] });
    expectStatus(attached, 200);
    assert.deepEqual(attached.json.support_material_ids, [guide.id, video.id]);
    assert.equal(attached.json.support_materials[0].title, 'Start here');
    // One material on many products.
    const q = await createProduct(c, { support_material_ids: [guide.id] });
    assert.deepEqual(q.support_material_ids, [guide.id]);

    const del = await c.delete(`/api/v1/support-materials/${guide.id}`);
    expectStatus(del, 200);
    assert.deepEqual(del.json, { id: guide.id, deleted: true });
    expectError(await c.get(`/api/v1/support-materials/${guide.id}`), 404, 'not_found');
    assert.deepEqual((await c.get(`/api/v1/products/${p.id}`)).json.support_material_ids, [video.id]);
    assert.deepEqual((await c.get(`/api/v1/products/${q.id}`)).json.support_material_ids, []);
  });

  const SM_INVALID = [
    ['bad kind', { kind: 'pdf' }, 'invalid_kind', 'kind'],
    ['missing kind', { kind: undefined }, 'required', 'kind'],
    ['empty title', { title: '' }, 'required', 'title'],
    ['long title', { title: 'x'.repeat(201) }, 'too_long', 'title'],
    ['long body', { body: 'x'.repeat(50001) }, 'too_long', 'body'],
    ['video without url', { kind: 'video' }, 'required', 'url'],
    ['guide without content', { body: '' }, 'required', 'body'],
    ['bad url', { url: 'file:///etc/passwd' }, 'invalid_url', 'url'],
    ['unknown field', { colour: 'red' }, 'unknown_field', 'colour'],
  ];
  for (const [name, over, code, param] of SM_INVALID) {
    test(`POST /support-materials ${name} → 400 ${code} (${param})`, async () => {
      const body = { kind: 'guide', title: 'T', body: 'B', ...over };
      for (const k of Object.keys(body)) if (body[k] === undefined) delete body[k];
      expectError(await c.post('/api/v1/support-materials', body), 400, code, { param });
    });
  }

  test('PATCH support material validates the result; unknown → 404', async () => {
    const m = await createMaterial(c);
    expectError(await c.patch(`/api/v1/support-materials/${m.id}`, { kind: 'link' }), 400, 'required', { param: 'url' });
    expectStatus(await c.patch(`/api/v1/support-materials/${m.id}`, { kind: 'link', url: 'https://x.example' }), 200);
    expectError(await c.patch('/api/v1/support-materials/sm_doesnotexist0000000000', { title: 'x' }), 404, 'not_found');
    expectError(await c.delete('/api/v1/support-materials/sm_doesnotexist0000000000'), 404, 'not_found');
  });

  test('bundles: contents listed with titles; no self, no nesting', async () => {
    const a = await createProduct(c, { title: 'Item A' });
    const b = await createProduct(c, { title: 'Item B' });
    const bundle = await createProduct(c, { title: 'Everything', bundle_product_ids: [a.id, b.id] });
    assert.deepEqual(bundle.bundle_product_ids, [a.id, b.id]);
    assert.deepEqual(bundle.bundle_items.map((i) => i.title), ['Item A', 'Item B']);

    expectError(await c.patch(`/api/v1/products/${bundle.id}`, { bundle_product_ids: [a.id, bundle.id] }), 409, 'bundle_invalid',
      { param: 'bundle_product_ids[1]' });
    expectError(await c.post('/api/v1/products', productBody({ bundle_product_ids: [bundle.id] })), 409, 'bundle_invalid',
      { param: 'bundle_product_ids[0]' });
    // An item cannot become a bundle itself.
    expectError(await c.patch(`/api/v1/products/${a.id}`, { bundle_product_ids: [b.id] }), 409, 'bundle_invalid',
      { param: 'bundle_product_ids' });
    expectError(await c.patch(`/api/v1/products/${bundle.id}`, { bundle_product_ids: ['prd_doesnotexist0000000000'] }), 400,
      'bundle_product_not_found', { param: 'bundle_product_ids[0]' });
    assert.deepEqual((await c.get(`/api/v1/products/${bundle.id}`)).json.bundle_product_ids, [a.id, b.id]);

    const shrunk = await c.patch(`/api/v1/products/${bundle.id}`, { bundle_product_ids: [b.id] });
    expectStatus(shrunk, 200);
    assert.deepEqual(shrunk.json.bundle_product_ids, [b.id]);
    // Emptied, it is no longer a bundle, so it may go into one.
    expectStatus(await c.patch(`/api/v1/products/${bundle.id}`, { bundle_product_ids: [] }), 200);
    expectStatus(await c.patch(`/api/v1/products/${a.id}`, { bundle_product_ids: [bundle.id] }), 200);
  });

  test("another store's product or material cannot be referenced", async () => {
    const other = new Client(srv.url);
    await signupSeller(other);
    const theirs = await createProduct(other);
    const theirMaterial = await createMaterial(other);
    const mine = await createProduct(c);
    expectError(await c.patch(`/api/v1/products/${mine.id}`, { bundle_product_ids: [theirs.id] }), 400,
      'bundle_product_not_found', { param: 'bundle_product_ids[0]' });
    expectError(await c.patch(`/api/v1/products/${mine.id}`, { support_material_ids: [theirMaterial.id] }), 400,
      'support_material_not_found', { param: 'support_material_ids[0]' });
    expectError(await c.post('/api/v1/products', productBody({ support_material_ids: [theirMaterial.id] })), 400,
      'support_material_not_found', { param: 'support_material_ids[0]' });
  });
});
