// The test clock: only with --test-mode.
import assert from 'node:assert/strict';
import { describe, test, before, after } from './support/test.mjs';
import { serverHooks } from './support/server.mjs';
import { Client, expectStatus } from './support/client.mjs';
import { expectError, expectRfc3339 } from './support/assert.mjs';

describe('test clock with --test-mode', () => {
  const srv = serverHooks({ before, after }, { testMode: true });

  test('GET /api/v1/test/clock → {now, offset_seconds}', async () => {
    const res = await new Client(srv.url).get('/api/v1/test/clock');
    expectStatus(res, 200);
    expectRfc3339(res.json.now, 'now');
    assert.ok(Number.isInteger(res.json.offset_seconds), `offset_seconds: ${res.text}`);
    assert.equal(res.json.offset_seconds, 0, 'a fresh server starts at offset 0');
    assert.ok(Math.abs(Date.parse(res.json.now) - Date.now()) < 60_000, `now ${res.json.now} is far from real time`);
  });

  test('POST {"advance_seconds":N} moves the clock by N', async () => {
    const c = new Client(srv.url);
    const before = (await c.get('/api/v1/test/clock')).json;
    const res = await c.post('/api/v1/test/clock', { advance_seconds: 3600 });
    expectStatus(res, 200);
    expectRfc3339(res.json.now, 'now');
    assert.equal(res.json.offset_seconds, before.offset_seconds + 3600);
    const moved = Date.parse(res.json.now) - Date.parse(before.now);
    assert.ok(moved >= 3600_000 - 1000 && moved < 3600_000 + 30_000, `now moved by ${moved} ms`);
    const again = (await c.get('/api/v1/test/clock')).json;
    assert.equal(again.offset_seconds, before.offset_seconds + 3600, 'the offset persists');
    const res2 = await c.post('/api/v1/test/clock', { advance_seconds: 1 });
    expectStatus(res2, 200);
    assert.equal(res2.json.offset_seconds, before.offset_seconds + 3601);
  });

  test('advance_seconds below 1 or not an integer → 400 (param advance_seconds), clock unchanged', async () => {
    const c = new Client(srv.url);
    const before = (await c.get('/api/v1/test/clock')).json;
    for (const body of [{ advance_seconds: 0 }, { advance_seconds: -5 }, { advance_seconds: '60' }, {}]) {
      const res = await c.post('/api/v1/test/clock', body);
      expectError(res, 400, null, { param: 'advance_seconds' });
    }
    assert.equal((await c.get('/api/v1/test/clock')).json.offset_seconds, before.offset_seconds);
  });

  test('the moved clock is the server clock (created_at follows it)', async () => {
    const c = new Client(srv.url);
    const clock = (await c.get('/api/v1/test/clock')).json;
    const res = await c.post('/api/v1/auth/signup', {
      email: `clock-${Date.now()}-${Math.random().toString(36).slice(2)}@example.com`,
      password: 'long-enough-pw',
      name: 'Clock Watcher',
    });
    expectStatus(res, 201);
    const created = Date.parse(res.json.user.created_at);
    assert.ok(Math.abs(created - Date.parse(clock.now)) < 60_000, `created_at ${res.json.user.created_at} vs clock ${clock.now}`);
  });
});

describe('test clock without --test-mode', () => {
  const srv = serverHooks({ before, after }, { testMode: false });

  test('GET and POST /api/v1/test/clock → 404', async () => {
    const c = new Client(srv.url);
    expectError(await c.get('/api/v1/test/clock'), 404, null, { anyParam: true });
    expectError(await c.post('/api/v1/test/clock', { advance_seconds: 60 }), 404, null, { anyParam: true });
  });
});
