// API tokens: create (secret shown once), list (never the secret), revoke, bearer auth.
import assert from 'node:assert/strict';
import { describe, test, before, after } from './support/test.mjs';
import { serverHooks } from './support/server.mjs';
import { Client, expectStatus, signupSeller, signupBuyer, createToken } from './support/client.mjs';
import { expectError, expectRfc3339, expectList } from './support/assert.mjs';

// A 404 for an id in the path may name the path parameter or nothing.
const ID_PARAM = { param: [null, 'id'] };

describe('api tokens', () => {
  const srv = serverHooks({ before, after });

  test('POST /api-tokens → 201 {id:"tok_…", name, token:"sdk_…", created_at}', async () => {
    const c = new Client(srv.url);
    await signupSeller(c);
    const res = await c.post('/api/v1/api-tokens', { name: 'CI deploys' });
    expectStatus(res, 201);
    assert.match(res.json.id, /^tok_/);
    assert.equal(res.json.name, 'CI deploys');
    assert.match(res.json.token, /^sdk_.{16,}/);
    expectRfc3339(res.json.created_at, 'created_at');
  });

  test('GET /api-tokens lists {id,name,created_at,last_used_at} and never the secret', async () => {
    const c = new Client(srv.url);
    await signupSeller(c);
    const t1 = await createToken(c, 'first');
    const t2 = await createToken(c, 'second');
    // Use one of them so last_used_at may be set.
    expectStatus(await new Client(srv.url, { bearer: t1.token }).get('/api/v1/me'), 200);
    const res = await c.get('/api/v1/api-tokens');
    const data = expectList(res);
    assert.equal(data.length, 2, res.text);
    assert.deepEqual(new Set(data.map((t) => t.id)), new Set([t1.id, t2.id]));
    for (const t of data) {
      assert.equal(typeof t.name, 'string');
      expectRfc3339(t.created_at, 'created_at');
      assert.ok('last_used_at' in t, 'last_used_at present (null if never used)');
      if (t.last_used_at !== null) expectRfc3339(t.last_used_at, 'last_used_at');
      assert.ok(!('token' in t), 'list item has a token field');
    }
    for (const secret of [t1.token, t2.token]) {
      assert.ok(!res.text.includes(secret), 'a token secret appears in the list');
      assert.ok(!res.text.includes(secret.slice(4)), 'a token secret (without prefix) appears in the list');
    }
    assert.equal(res.json.has_more, false);
    assert.equal(res.json.next_cursor, null);
  });

  test('Bearer token authenticates GET /me (csrf_token null)', async () => {
    const c = new Client(srv.url);
    const s = await signupSeller(c);
    const tok = await createToken(c);
    const b = new Client(srv.url, { bearer: tok.token });
    const res = await b.get('/api/v1/me');
    expectStatus(res, 200);
    assert.equal(res.json.user.id, s.user.id);
    assert.equal(res.json.store?.id, s.store.id);
    assert.ok('csrf_token' in res.json, 'csrf_token key present');
    assert.equal(res.json.csrf_token, null);
  });

  test('Bearer token needs no CSRF: PATCH /store and POST /api-tokens', async () => {
    const c = new Client(srv.url);
    await signupSeller(c);
    const tok = await createToken(c);
    const b = new Client(srv.url, { bearer: tok.token });
    const res = await b.patch('/api/v1/store', { name: 'Renamed by bearer' });
    expectStatus(res, 200);
    assert.equal(res.json.name, 'Renamed by bearer');
    expectStatus(await b.post('/api/v1/api-tokens', { name: 'made by bearer' }), 201);
    const store = await c.get('/api/v1/store');
    assert.equal(store.json.name, 'Renamed by bearer');
  });

  test('a buyer can authenticate with a token too', async () => {
    const c = new Client(srv.url);
    const s = await signupBuyer(c);
    const tok = await createToken(c);
    const res = await new Client(srv.url, { bearer: tok.token }).get('/api/v1/me');
    expectStatus(res, 200);
    assert.equal(res.json.user.id, s.user.id);
    assert.equal(res.json.store, null);
  });

  test('garbage bearer token → 401 invalid_token', async () => {
    for (const garbage of ['sdk_garbage', 'sdk_' + 'A'.repeat(40), 'nonsense', '']) {
      const res = await new Client(srv.url).get('/api/v1/me', { headers: { authorization: `Bearer ${garbage}` } });
      if (garbage === '') {
        assert.equal(res.status, 401, `empty bearer: ${res.text}`);
        continue;
      }
      expectError(res, 401, 'invalid_token');
    }
  });

  test('DELETE /api-tokens/{id} → 200 {id, deleted:true}; the token stops working and leaves the list', async () => {
    const c = new Client(srv.url);
    await signupSeller(c);
    const tok = await createToken(c, 'doomed');
    const keep = await createToken(c, 'kept');
    const b = new Client(srv.url, { bearer: tok.token });
    expectStatus(await b.get('/api/v1/me'), 200);
    const del = await c.delete(`/api/v1/api-tokens/${tok.id}`);
    expectStatus(del, 200);
    assert.deepEqual({ id: del.json.id, deleted: del.json.deleted }, { id: tok.id, deleted: true });
    expectError(await b.get('/api/v1/me'), 401, 'invalid_token');
    expectError(await b.patch('/api/v1/store', { name: 'x' }), 401, 'invalid_token');
    const list = expectList(await c.get('/api/v1/api-tokens'));
    assert.deepEqual(list.map((t) => t.id), [keep.id]);
    // Deleting again: gone.
    expectError(await c.delete(`/api/v1/api-tokens/${tok.id}`), 404, 'not_found', ID_PARAM);
    // The other token still works.
    expectStatus(await new Client(srv.url, { bearer: keep.token }).get('/api/v1/me'), 200);
  });

  test('DELETE a token id that does not exist → 404 not_found', async () => {
    const c = new Client(srv.url);
    await signupSeller(c);
    expectError(await c.delete('/api/v1/api-tokens/tok_doesnotexist000000'), 404, 'not_found', ID_PARAM);
  });

  test("DELETE another user's token id → 404 not_found, and it keeps working", async () => {
    const a = new Client(srv.url);
    await signupSeller(a);
    const tok = await createToken(a, 'owned by A');
    const b = new Client(srv.url);
    await signupSeller(b);
    expectError(await b.delete(`/api/v1/api-tokens/${tok.id}`), 404, 'not_found', ID_PARAM);
    expectStatus(await new Client(srv.url, { bearer: tok.token }).get('/api/v1/me'), 200);
  });

  test('api-tokens without credentials → 401 unauthenticated', async () => {
    const c = new Client(srv.url);
    expectError(await c.get('/api/v1/api-tokens'), 401, 'unauthenticated');
    expectError(await c.post('/api/v1/api-tokens', { name: 'x' }), 401, 'unauthenticated');
  });
});
