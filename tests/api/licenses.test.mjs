// License keys (R-LIC-1): one key per order line of a product with license_keys, shown on the
// order and in the library; public verify and activate; a seller's revoke disables the key and
// restore enables it again.
import assert from 'node:assert/strict';
import { describe, test, before, after } from './support/test.mjs';
import { serverHooks } from './support/server.mjs';
import { Client, expectStatus } from './support/client.mjs';
import { expectError, expectList } from './support/assert.mjs';
import { createShop, buy } from './support/selling.mjs';

const KEY = /^[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{5}$/;

describe('license keys', () => {
  const srv = serverHooks({ before, after });
  let shop;
  let anon;

  const verify = (productId, key) =>
    anon.get(`/api/v1/licenses/verify?product_id=${encodeURIComponent(productId)}&key=${encodeURIComponent(key)}`);
  const activate = (productId, key) => anon.post('/api/v1/licenses/activate', { product_id: productId, key });

  before(async () => {
    anon = new Client(srv.url);
    shop = await createShop(srv.server, {
      products: {
        app: { title: 'Plugin', prices: [3900, 9900], license_keys: true },
        tool: { title: 'Tool', prices: [1500], license_keys: true },
        art: { title: 'Artwork', prices: [500] },
      },
    });
  });

  test('a keyed line gets a key on the order and in the library; verify → active, uses 0', async () => {
    const { order, client } = await buy(srv.server, shop, [{ product: 'app' }, { product: 'art' }]);
    const [appLine, artLine] = order.lines;
    assert.match(appLine.license_key, KEY);
    assert.equal(artLine.license_key, null, 'a product without license_keys got a key');
    const lib = expectList(await client.get('/api/v1/library'));
    assert.equal(lib.find((e) => e.product.id === shop.products.app.id).license_key, appLine.license_key);
    assert.equal(lib.find((e) => e.product.id === shop.products.art.id).license_key, null);
    const mine = await client.get(`/api/v1/my/orders/${order.id}`);
    expectStatus(mine, 200);
    assert.equal((mine.json.order ?? mine.json).lines[0].license_key, appLine.license_key);

    const v = await verify(shop.products.app.id, appLine.license_key);
    expectStatus(v, 200);
    assert.equal(v.json.valid, true);
    assert.equal(v.json.status, 'active');
    assert.equal(v.json.uses, 0);
    assert.equal(v.json.product_id, shop.products.app.id);
    // Lower case is accepted.
    const lower = await verify(shop.products.app.id, appLine.license_key.toLowerCase());
    expectStatus(lower, 200);
    assert.deepEqual([lower.json.valid, lower.json.status], [true, 'active']);
  });

  test('each line and each purchase gets its own key; quantity does not multiply keys', async () => {
    const a = await buy(srv.server, shop, [{ product: 'app', tier: 1, quantity: 3 }, { product: 'tool' }]);
    const b = await buy(srv.server, shop, [{ product: 'app' }]);
    const keys = [a.order.lines[0].license_key, a.order.lines[1].license_key, b.order.lines[0].license_key];
    for (const k of keys) assert.match(k, KEY);
    assert.equal(new Set(keys).size, 3, `keys repeat: ${keys}`);
    // A key belongs to its product only.
    expectStatus(await verify(shop.products.tool.id, a.order.lines[1].license_key), 200);
    expectError(await verify(shop.products.app.id, a.order.lines[1].license_key), 404, 'license_not_found', { anyParam: true });
  });

  test('wrong product, unknown key, missing parameters', async () => {
    const { order } = await buy(srv.server, shop, [{ product: 'app' }]);
    const key = order.lines[0].license_key;
    expectError(await verify(shop.products.tool.id, key), 404, 'license_not_found', { anyParam: true });
    expectError(await verify('prd_doesnotexist0000000000', key), 404, 'license_not_found', { anyParam: true });
    expectError(await verify(shop.products.app.id, 'AAAAA-BBBBB-CCCCC-DDDDD'), 404, 'license_not_found', { anyParam: true });
    expectError(await anon.get(`/api/v1/licenses/verify?key=${key}`), 400, null, { param: 'product_id' });
    expectError(await anon.get(`/api/v1/licenses/verify?product_id=${shop.products.app.id}`), 400, null, { param: 'key' });
    expectError(await activate(shop.products.tool.id, key), 404, 'license_not_found', { anyParam: true });
  });

  test('activate counts uses; revoke disables the key; restore enables it', async () => {
    const { order, client } = await buy(srv.server, shop, [{ product: 'app' }]);
    const key = order.lines[0].license_key;
    const pid = shop.products.app.id;
    const a1 = await activate(pid, key);
    expectStatus(a1, 200);
    assert.deepEqual([a1.json.valid, a1.json.status, a1.json.uses], [true, 'active', 1]);
    const a2 = await activate(pid, key.toLowerCase());
    expectStatus(a2, 200);
    assert.equal(a2.json.uses, 2);
    const v = await verify(pid, key);
    assert.deepEqual([v.json.valid, v.json.uses], [true, 2], 'verify counted a use or lost one');

    const ent = expectList(await client.get('/api/v1/library')).find((e) => e.product.id === pid);
    expectStatus(await shop.client.post(`/api/v1/entitlements/${ent.id}/revoke`), 200);
    const off = await verify(pid, key);
    expectStatus(off, 200);
    assert.equal(off.json.valid, false);
    assert.equal(off.json.status, 'disabled');
    const offAct = await activate(pid, key);
    assert.ok(offAct.status === 200 || offAct.status >= 400, offAct.text);
    if (offAct.status === 200) assert.equal(offAct.json.valid, false, 'a disabled key activated');
    assert.equal((await verify(pid, key)).json.uses, 2, 'a disabled key counted a use');

    expectStatus(await shop.client.post(`/api/v1/entitlements/${ent.id}/restore`), 200);
    const on = await verify(pid, key);
    assert.deepEqual([on.json.valid, on.json.status, on.json.uses], [true, 'active', 2]);
  });
});
