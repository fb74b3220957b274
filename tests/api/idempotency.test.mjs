// Idempotency-Key on POST: replays, key reuse with a different body, per-user scope, concurrency.
import assert from 'node:assert/strict';
import { describe, test, before, after } from './support/test.mjs';
import { serverHooks } from './support/server.mjs';
import { Client, expectStatus, signupSeller, randomKey, createToken } from './support/client.mjs';
import { expectError, expectList } from './support/assert.mjs';

describe('idempotency', () => {
  const srv = serverHooks({ before, after });

  test('same key + same body twice → identical answer, Idempotent-Replayed: true, one effect', async () => {
    const c = new Client(srv.url);
    await signupSeller(c);
    const key = randomKey();
    const first = await c.post('/api/v1/api-tokens', { name: 'once' }, { idempotencyKey: key });
    expectStatus(first, 201);
    assert.notEqual((first.headers.get('idempotent-replayed') || '').toLowerCase(), 'true', 'first answer marked as replayed');
    const second = await c.post('/api/v1/api-tokens', { name: 'once' }, { idempotencyKey: key });
    assert.equal(second.status, first.status);
    assert.deepEqual(second.json, first.json, 'replayed body differs');
    assert.equal(second.headers.get('idempotent-replayed'), 'true');
    assert.equal(second.json.token, first.json.token, 'replay returns the same token secret');
    const list = expectList(await c.get('/api/v1/api-tokens'));
    assert.equal(list.filter((t) => t.name === 'once').length, 1, `tokens: ${JSON.stringify(list)}`);
    assert.equal(list.length, 1);
    // And the replayed secret works.
    expectStatus(await new Client(srv.url, { bearer: second.json.token }).get('/api/v1/me'), 200);
  });

  test('keys belong to the user, not the credential: cookie then bearer with one key → replay', async () => {
    // Same key, byte-identical body sent with the user's bearer token instead of the cookie:
    // the same user, so it is the same request and replays.
    const c = new Client(srv.url);
    await signupSeller(c);
    const tok = await createToken(c, 'auth');
    const key = randomKey();
    const body = JSON.stringify({ name: 'via-two-auths' });
    const headers = { 'content-type': 'application/json' };
    const first = await c.post('/api/v1/api-tokens', undefined, { body, headers, idempotencyKey: key });
    expectStatus(first, 201);
    const second = await new Client(srv.url, { bearer: tok.token }).post('/api/v1/api-tokens', undefined, { body, headers, idempotencyKey: key });
    assert.equal(second.status, 201, second.text);
    assert.deepEqual(second.json, first.json);
    assert.equal(second.headers.get('idempotent-replayed'), 'true');
  });

  test('same key + different body → 422 idempotency_key_reused, no effect', async () => {
    const c = new Client(srv.url);
    await signupSeller(c);
    const key = randomKey();
    expectStatus(await c.post('/api/v1/api-tokens', { name: 'first-body' }, { idempotencyKey: key }), 201);
    const res = await c.post('/api/v1/api-tokens', { name: 'second-body' }, { idempotencyKey: key });
    expectError(res, 422, 'idempotency_key_reused', { anyParam: true });
    const list = expectList(await c.get('/api/v1/api-tokens'));
    assert.deepEqual(list.map((t) => t.name), ['first-body']);
  });

  test('a key reused on a different endpoint → 422 idempotency_key_reused', async () => {
    const c = new Client(srv.url);
    await signupSeller(c);
    const key = randomKey();
    expectStatus(await c.post('/api/v1/api-tokens', { name: 'endpoint-a' }, { idempotencyKey: key }), 201);
    const res = await c.post('/api/v1/auth/logout', {}, { idempotencyKey: key });
    expectError(res, 422, 'idempotency_key_reused', { anyParam: true });
    expectStatus(await c.get('/api/v1/me'), 200); // not logged out
  });

  test('keys are per user: user B reuses user A\'s key string independently', async () => {
    const a = new Client(srv.url);
    await signupSeller(a);
    const b = new Client(srv.url);
    await signupSeller(b);
    const key = randomKey();
    const ra = await a.post('/api/v1/api-tokens', { name: 'shared-key' }, { idempotencyKey: key });
    expectStatus(ra, 201);
    // Same key, same body, different user: a new token for B, not A's answer.
    const rb = await b.post('/api/v1/api-tokens', { name: 'shared-key' }, { idempotencyKey: key });
    expectStatus(rb, 201);
    assert.notEqual(rb.headers.get('idempotent-replayed'), 'true');
    assert.notEqual(rb.json.id, ra.json.id);
    assert.notEqual(rb.json.token, ra.json.token);
    // Same key, different body for a third user-side request: B's own record decides.
    const rb2 = await b.post('/api/v1/api-tokens', { name: 'other' }, { idempotencyKey: key });
    expectError(rb2, 422, 'idempotency_key_reused', { anyParam: true });
    const la = expectList(await a.get('/api/v1/api-tokens'));
    const lb = expectList(await b.get('/api/v1/api-tokens'));
    assert.deepEqual(la.map((t) => t.id), [ra.json.id]);
    assert.deepEqual(lb.map((t) => t.id), [rb.json.id]);
  });

  test('POST without Idempotency-Key works and is not deduplicated', async () => {
    const c = new Client(srv.url);
    await signupSeller(c);
    expectStatus(await c.post('/api/v1/api-tokens', { name: 'nokey' }, { idempotencyKey: null }), 201);
    expectStatus(await c.post('/api/v1/api-tokens', { name: 'nokey' }, { idempotencyKey: null }), 201);
    const list = expectList(await c.get('/api/v1/api-tokens'));
    assert.equal(list.filter((t) => t.name === 'nokey').length, 2);
  });

  test('20 concurrent POSTs with one key and body → exactly one token; 201s identical, others 409 in progress', async () => {
    const c = new Client(srv.url);
    await signupSeller(c);
    const key = randomKey();
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => c.post('/api/v1/api-tokens', { name: 'concurrent' }, { idempotencyKey: key })),
    );
    const created = answers.filter((r) => r.status === 201);
    const busy = answers.filter((r) => r.status === 409);
    const other = answers.filter((r) => r.status !== 201 && r.status !== 409);
    assert.equal(other.length, 0, `unexpected answers: ${other.map((r) => `${r.status} ${r.text}`).join(' | ')}`);
    assert.ok(created.length >= 1, 'no 201 at all');
    for (const r of created) assert.deepEqual(r.json, created[0].json, 'the 201 bodies differ');
    for (const r of busy) expectError(r, 409, 'idempotency_request_in_progress', { anyParam: true });
    const list = expectList(await c.get('/api/v1/api-tokens'));
    assert.equal(list.filter((t) => t.name === 'concurrent').length, 1, `tokens: ${JSON.stringify(list)}`);
    assert.equal(list[0].id, created[0].json.id);
  });
});
