// Public storefront: GET /stores/{slug}, its published products only, no storage details.
import assert from 'node:assert/strict';
import { describe, test, before, after } from './support/test.mjs';
import { serverHooks } from './support/server.mjs';
import { Client, expectStatus, signupSeller } from './support/client.mjs';
import { expectError, expectList } from './support/assert.mjs';
import { createMaterial, createProduct, publishProduct, uploadFile } from './support/catalog.mjs';

describe('storefront', () => {
  const srv = serverHooks({ before, after });
  let seller;
  let store;
  let anon;
  const fx = {};

  before(async () => {
    seller = new Client(srv.url);
    anon = new Client(srv.url);
    ({ store } = await signupSeller(seller, { store_name: 'Public Fonts' }));
    expectStatus(await seller.patch('/api/v1/store', { currency: 'EUR', refund_policy: 'within_days:14', locale: 'es' }), 200);
    const guide = await createMaterial(seller, { title: 'Install guide', body: 'secret steps' });
    fx.draft = await createProduct(seller, { title: 'Still a draft' });
    fx.gone = await createProduct(seller, { title: 'Taken down' });
    await publishProduct(seller, fx.gone.id);
    expectStatus(await seller.post(`/api/v1/products/${fx.gone.id}/unpublish`), 200);
    fx.item = await createProduct(seller, {
      title: 'Serif family',
      links: [{ label: 'Figma library', url: 'https://figma.example.com/secret-link' }],
      support_material_ids: [guide.id],
    });
    fx.file = (await uploadFile(seller, fx.item.id, 'font bytes', { filename: 'serif.otf', contentType: 'font/otf' })).json;
    await publishProduct(seller, fx.item.id);
    fx.bundle = await createProduct(seller, { title: 'All fonts', bundle_product_ids: [fx.item.id, fx.draft.id] });
    await publishProduct(seller, fx.bundle.id);
  });

  test('GET /stores/{slug} → public settings, anonymously', async () => {
    const res = await anon.get(`/api/v1/stores/${store.slug}`);
    expectStatus(res, 200);
    assert.deepEqual(res.json, {
      slug: store.slug,
      name: 'Public Fonts',
      currency: 'EUR',
      support_email: store.support_email,
      refund_policy: 'within_days:14',
      locale: 'es',
    });
  });

  test('unknown slug → 404 not_found (store and its products)', async () => {
    expectError(await anon.get('/api/v1/stores/no-such-store-here'), 404, 'not_found');
    expectError(await anon.get('/api/v1/stores/no-such-store-here/products'), 404, 'not_found');
    expectError(await anon.get(`/api/v1/stores/no-such-store-here/products/${fx.item.id}`), 404, 'not_found');
  });

  test('lists published products only, newest first, in the store currency', async () => {
    const data = expectList(await anon.get(`/api/v1/stores/${store.slug}/products`));
    assert.deepEqual(data.map((p) => p.id), [fx.bundle.id, fx.item.id]);
    for (const p of data) assert.equal(p.currency, 'EUR');
    const page = await anon.get(`/api/v1/stores/${store.slug}/products?limit=1`);
    assert.deepEqual(expectList(page).map((p) => p.id), [fx.bundle.id]);
    assert.equal(page.json.has_more, true);
    const next = await anon.get(`/api/v1/stores/${store.slug}/products?limit=1&cursor=${page.json.next_cursor}`);
    assert.deepEqual(expectList(next).map((p) => p.id), [fx.item.id]);
    assert.equal(next.json.has_more, false);
  });

  test('a product shows tiers and what it includes, never storage details, link URLs or material contents', async () => {
    const res = await anon.get(`/api/v1/stores/${store.slug}/products/${fx.item.id}`);
    expectStatus(res, 200);
    const p = res.json;
    assert.equal(p.title, 'Serif family');
    assert.deepEqual(p.tiers, fx.item.tiers);
    assert.deepEqual(p.files, [{ id: fx.file.id, filename: 'serif.otf', size_bytes: 10 }]);
    assert.deepEqual(p.links, [{ label: 'Figma library' }]);
    assert.equal(p.support_materials.length, 1);
    assert.equal(p.support_materials[0].title, 'Install guide');
    assert.ok(!res.text.includes(fx.file.sha256), 'sha256 shown publicly');
    assert.ok(!res.text.includes('secret-link'), 'link URL shown before purchase');
    assert.ok(!res.text.includes('secret steps'), 'support material body shown before purchase');
    assert.ok(!('status' in p) || p.status === 'published');
    // The list shows the same object.
    const listed = expectList(await anon.get(`/api/v1/stores/${store.slug}/products`)).find((x) => x.id === fx.item.id);
    assert.deepEqual(listed, p);
  });

  test('a bundle lists its contents by title', async () => {
    const res = await anon.get(`/api/v1/stores/${store.slug}/products/${fx.bundle.id}`);
    expectStatus(res, 200);
    assert.deepEqual(res.json.bundle_items, [
      { id: fx.item.id, title: 'Serif family' },
      { id: fx.draft.id, title: 'Still a draft' },
    ]);
  });

  test('draft and unpublished products → 404 not_found', async () => {
    expectError(await anon.get(`/api/v1/stores/${store.slug}/products/${fx.draft.id}`), 404, 'not_found');
    expectError(await anon.get(`/api/v1/stores/${store.slug}/products/${fx.gone.id}`), 404, 'not_found');
    expectError(await anon.get(`/api/v1/stores/${store.slug}/products/prd_doesnotexist0000000000`), 404, 'not_found');
  });

  test('unpublishing removes a product from the storefront at once; republishing restores it', async () => {
    const p = await createProduct(seller, { title: 'Flash sale' });
    await publishProduct(seller, p.id);
    expectStatus(await anon.get(`/api/v1/stores/${store.slug}/products/${p.id}`), 200);
    expectStatus(await seller.post(`/api/v1/products/${p.id}/unpublish`), 200);
    expectError(await anon.get(`/api/v1/stores/${store.slug}/products/${p.id}`), 404, 'not_found');
    assert.ok(!expectList(await anon.get(`/api/v1/stores/${store.slug}/products`)).some((x) => x.id === p.id));
    await publishProduct(seller, p.id);
    expectStatus(await anon.get(`/api/v1/stores/${store.slug}/products/${p.id}`), 200);
  });

  test("another store's slug does not show this store's product", async () => {
    const other = new Client(srv.url);
    const { store: otherStore } = await signupSeller(other);
    expectError(await anon.get(`/api/v1/stores/${otherStore.slug}/products/${fx.item.id}`), 404, 'not_found');
    assert.deepEqual(expectList(await anon.get(`/api/v1/stores/${otherStore.slug}/products`)), []);
  });

  test('signed-in callers (seller or not) see the same public view', async () => {
    const mine = await seller.get(`/api/v1/stores/${store.slug}/products/${fx.item.id}`);
    const theirs = await anon.get(`/api/v1/stores/${store.slug}/products/${fx.item.id}`);
    expectStatus(mine, 200);
    assert.deepEqual(mine.json, theirs.json);
    expectError(await seller.get(`/api/v1/stores/${store.slug}/products/${fx.draft.id}`), 404, 'not_found');
  });
});
