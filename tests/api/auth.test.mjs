// Accounts: signup, login, sessions, logout, CSRF, login throttling (API.md "Accounts").
import assert from 'node:assert/strict';
import { describe, test, before, after } from './support/test.mjs';
import { serverHooks } from './support/server.mjs';
import {
  Client, PASSWORD, uniqueEmail, expectStatus, signupSeller, signupBuyer, login, createToken, parseSetCookie,
} from './support/client.mjs';
import { expectError, expectRfc3339, expectList } from './support/assert.mjs';

function sessionCookie(res) {
  const lines = res.setCookies.filter((l) => /^\s*sd_session=/.test(l));
  assert.equal(lines.length, 1, `expected one sd_session Set-Cookie, got ${JSON.stringify(res.setCookies)}`);
  return parseSetCookie(lines[0]);
}

function expectSessionCookie(res) {
  const c = sessionCookie(res);
  assert.ok(c.value.length >= 16, `session id too short: ${c.raw}`);
  assert.equal(c.attributes.httponly, true, `HttpOnly missing: ${c.raw}`);
  assert.equal(String(c.attributes.samesite).toLowerCase(), 'lax', `SameSite=Lax missing: ${c.raw}`);
  assert.equal(c.attributes.path, '/', `Path=/ missing: ${c.raw}`);
  return c.value;
}

function expectUser(user, { email, name }) {
  assert.ok(user && typeof user === 'object', 'user object');
  assert.match(user.id, /^usr_/, `user.id: ${user.id}`);
  assert.equal(user.email, email);
  assert.equal(user.name, name);
  expectRfc3339(user.created_at, 'user.created_at');
}

function expectAccountAnswer(res, { email, name, store }) {
  expectUser(res.json.user, { email, name });
  if (store === null) assert.equal(res.json.store, null, 'buyer has store null');
  else {
    assert.ok(res.json.store && typeof res.json.store === 'object', 'seller has a store');
    assert.match(res.json.store.id, /^st_/);
    if (store.name) assert.equal(res.json.store.name, store.name);
    if (store.id) assert.equal(res.json.store.id, store.id);
  }
  assert.equal(typeof res.json.csrf_token, 'string', 'csrf_token');
  assert.ok(res.json.csrf_token.length >= 16, 'csrf_token too short');
  assert.ok(!res.text.includes(PASSWORD), 'answer contains the password');
  assert.ok(!/password|hash/i.test(Object.keys(res.json.user).join(',')), 'user exposes password fields');
}

describe('accounts', () => {
  const srv = serverHooks({ before, after });

  describe('signup', () => {
    test('with store_name → 201 seller with a store, session cookie, csrf token', async () => {
      const c = new Client(srv.url);
      const email = uniqueEmail('seller');
      const res = await c.post('/api/v1/auth/signup', { email, password: PASSWORD, name: 'Sally Seller', store_name: 'Sally Sells' });
      expectStatus(res, 201);
      expectAccountAnswer(res, { email, name: 'Sally Seller', store: { name: 'Sally Sells' } });
      expectSessionCookie(res);
    });

    test('without store_name → 201 buyer, store null', async () => {
      const c = new Client(srv.url);
      const email = uniqueEmail('buyer');
      const res = await c.post('/api/v1/auth/signup', { email, password: PASSWORD, name: 'Bob Buyer' });
      expectStatus(res, 201);
      expectAccountAnswer(res, { email, name: 'Bob Buyer', store: null });
      expectSessionCookie(res);
    });

    test('a password of exactly 8 characters is accepted', async () => {
      const c = new Client(srv.url);
      const res = await c.post('/api/v1/auth/signup', { email: uniqueEmail('b8'), password: '12345678', name: 'Eight' });
      expectStatus(res, 201);
    });

    const invalid = [
      { what: 'invalid email', body: { email: 'not-an-email', password: PASSWORD, name: 'X' }, code: 'invalid_email', param: 'email' },
      { what: 'email without domain', body: { email: 'someone@', password: PASSWORD, name: 'X' }, code: 'invalid_email', param: 'email' },
      { what: 'password of 7 characters', body: { email: 'EMAIL', password: '1234567', name: 'X' }, code: 'too_short', param: 'password' },
      { what: 'missing name', body: { email: 'EMAIL', password: PASSWORD }, code: 'required', param: 'name' },
      { what: 'unknown field', body: { email: 'EMAIL', password: PASSWORD, name: 'X', nickname: 'x' }, code: 'unknown_field', param: 'nickname' },
    ];
    for (const tc of invalid) {
      test(`${tc.what} → 400 ${tc.code} (param ${tc.param}), no account created`, async () => {
        const c = new Client(srv.url);
        const email = uniqueEmail('inv');
        const body = { ...tc.body };
        if (body.email === 'EMAIL') body.email = email;
        const res = await c.post('/api/v1/auth/signup', body);
        expectError(res, 400, tc.code, { param: tc.param });
        assert.equal(res.setCookies.filter((l) => /^sd_session=/.test(l) && !/max-age=0/i.test(l)).length, 0, 'no session on failure');
        if (tc.body.email === 'EMAIL') {
          // The refused signup must not have claimed the email.
          await signupBuyer(new Client(srv.url), { email });
        }
      });
    }

    test('existing email, differing only in case → 409 email_taken', async () => {
      const tag = Math.random().toString(36).slice(2, 10);
      await signupBuyer(new Client(srv.url), { email: `Case-${tag}@Example.COM` });
      const res = await new Client(srv.url).post('/api/v1/auth/signup', { email: `case-${tag}@example.com`, password: PASSWORD, name: 'Dup' });
      expectError(res, 409, 'email_taken', { param: 'email' });
      const again = await new Client(srv.url).post('/api/v1/auth/signup', { email: `CASE-${tag}@EXAMPLE.COM`, password: PASSWORD, name: 'Dup', store_name: 'Dup store' });
      expectError(again, 409, 'email_taken', { param: 'email' });
    });
  });

  describe('login and sessions', () => {
    test('login → 200 same shape as signup, a new session each time', async () => {
      const c1 = new Client(srv.url);
      const s = await signupSeller(c1, { name: 'Lou Login', store_name: 'Lou Store' });
      const sessions = [expectSessionCookie(s.res)];
      for (let i = 0; i < 2; i++) {
        const c = new Client(srv.url);
        const res = await login(c, s.email);
        expectAccountAnswer(res, { email: s.email, name: 'Lou Login', store: { id: s.store.id, name: 'Lou Store' } });
        assert.equal(res.json.user.id, s.user.id);
        sessions.push(expectSessionCookie(res));
      }
      // Logging in while already holding a session also issues a fresh session id.
      const res = await login(c1, s.email);
      sessions.push(expectSessionCookie(res));
      assert.equal(new Set(sessions).size, sessions.length, `session ids repeat: ${sessions}`);
    });

    test('login as a buyer → store null', async () => {
      const b = await signupBuyer(new Client(srv.url), { name: 'Bo Buyer' });
      const res = await login(new Client(srv.url), b.email);
      expectAccountAnswer(res, { email: b.email, name: 'Bo Buyer', store: null });
    });

    test('wrong password and unknown email → identical 401 invalid_credentials', async () => {
      const s = await signupBuyer(new Client(srv.url));
      const wrong = await new Client(srv.url).post('/api/v1/auth/login', { email: s.email, password: 'wrong-password-1' });
      const unknown = await new Client(srv.url).post('/api/v1/auth/login', { email: uniqueEmail('nobody'), password: 'wrong-password-1' });
      expectError(wrong, 401, 'invalid_credentials');
      expectError(unknown, 401, 'invalid_credentials');
      assert.deepEqual(wrong.json.error, unknown.json.error, 'the two answers differ');
      assert.equal(wrong.setCookies.filter((l) => /^sd_session=[^;]/.test(l) && !/max-age=0/i.test(l)).length, 0);
    });

    test('GET /me with the session → 200 {user, store, csrf_token}', async () => {
      const c = new Client(srv.url);
      const s = await signupSeller(c, { name: 'Meg Me', store_name: 'Meg Store' });
      const res = await c.get('/api/v1/me');
      expectStatus(res, 200);
      expectAccountAnswer(res, { email: s.email, name: 'Meg Me', store: { id: s.store.id, name: 'Meg Store' } });
      assert.equal(res.json.csrf_token, s.csrf, 'csrf_token of /me is the session token');
    });

    test('GET /me without credentials → 401 unauthenticated', async () => {
      expectError(await new Client(srv.url).get('/api/v1/me'), 401, 'unauthenticated');
    });

    test('GET /me with an unknown session cookie → 401', async () => {
      const c = new Client(srv.url);
      c.cookies.set('sd_session', 'bogus-session-id-0123456789abcdef');
      const res = await c.get('/api/v1/me');
      assert.equal(res.status, 401);
      assert.equal(res.json?.error?.type, 'authentication');
    });

    test('logout (with CSRF) → 200; the old cookie no longer authenticates', async () => {
      const c = new Client(srv.url);
      await signupBuyer(c);
      const old = c.session;
      assert.ok(old, 'have a session');
      const res = await c.post('/api/v1/auth/logout', undefined);
      expectStatus(res, 200);
      const replay = new Client(srv.url);
      replay.cookies.set('sd_session', old);
      expectError(await replay.get('/api/v1/me'), 401, null, { anyParam: true });
    });
  });

  describe('CSRF', () => {
    test('cookie POST without X-CSRF-Token → 403 csrf_token_invalid, no effect', async () => {
      const c = new Client(srv.url);
      await signupSeller(c);
      const res = await c.post('/api/v1/api-tokens', { name: 'no-csrf' }, { csrf: false });
      expectError(res, 403, 'csrf_token_invalid');
      const list = expectList(await c.get('/api/v1/api-tokens'));
      assert.equal(list.filter((t) => t.name === 'no-csrf').length, 0, 'token was created anyway');
    });

    test('cookie POST with a wrong X-CSRF-Token → 403 csrf_token_invalid', async () => {
      const c = new Client(srv.url);
      await signupSeller(c);
      const res = await c.post('/api/v1/api-tokens', { name: 'bad-csrf' }, { csrf: 'not-the-token' });
      expectError(res, 403, 'csrf_token_invalid');
    });

    test("another session's CSRF token is refused", async () => {
      const a = new Client(srv.url);
      await signupSeller(a);
      const b = new Client(srv.url);
      await signupSeller(b);
      const res = await a.post('/api/v1/api-tokens', { name: 'foreign-csrf' }, { csrf: b.csrf });
      expectError(res, 403, 'csrf_token_invalid');
    });

    test('cookie PATCH /store and DELETE /api-tokens/{id} without CSRF → 403, nothing changes', async () => {
      const c = new Client(srv.url);
      const s = await signupSeller(c, { store_name: 'Before CSRF' });
      const tok = await createToken(c, 'keep-me');
      expectError(await c.patch('/api/v1/store', { name: 'After CSRF' }, { csrf: false }), 403, 'csrf_token_invalid');
      expectError(await c.delete(`/api/v1/api-tokens/${tok.id}`, { csrf: false }), 403, 'csrf_token_invalid');
      const store = await c.get('/api/v1/store');
      expectStatus(store, 200);
      assert.equal(store.json.name, 'Before CSRF');
      const list = expectList(await c.get('/api/v1/api-tokens'));
      assert.ok(list.some((t) => t.id === tok.id), 'token was deleted without CSRF');
      assert.equal(s.store.name, 'Before CSRF');
    });

    test('logout without CSRF → 403 and the session stays valid', async () => {
      const c = new Client(srv.url);
      await signupBuyer(c);
      expectError(await c.post('/api/v1/auth/logout', undefined, { csrf: false }), 403, 'csrf_token_invalid');
      expectStatus(await c.get('/api/v1/me'), 200);
    });

    test('signup and login need no CSRF token, even with a session cookie present', async () => {
      const c = new Client(srv.url);
      const s = await signupBuyer(c);
      const res = await c.post('/api/v1/auth/login', { email: s.email, password: PASSWORD }, { csrf: false });
      expectStatus(res, 200);
      const res2 = await c.post('/api/v1/auth/signup', { email: uniqueEmail('b2'), password: PASSWORD, name: 'Two' }, { csrf: false });
      expectStatus(res2, 201);
    });

    test('GET needs no CSRF token', async () => {
      const c = new Client(srv.url);
      await signupSeller(c);
      expectStatus(await c.get('/api/v1/store', { csrf: false }), 200);
    });
  });

  // Last in this file: it moves the server's clock.
  describe('login throttling', () => {
    test('5 failures → 429 too_many_attempts with Retry-After, even with the right password; lifted after 15 minutes', async () => {
      const s = await signupBuyer(new Client(srv.url));
      for (let i = 1; i <= 5; i++) {
        const res = await new Client(srv.url).post('/api/v1/auth/login', { email: s.email, password: `wrong-password-${i}` });
        expectError(res, 401, 'invalid_credentials');
      }
      const blocked = await new Client(srv.url).post('/api/v1/auth/login', { email: s.email, password: PASSWORD });
      expectError(blocked, 429, 'too_many_attempts');
      const retryAfter = blocked.headers.get('retry-after');
      assert.match(retryAfter || '', /^\d+$/, `Retry-After must be integer seconds, got ${retryAfter}`);
      assert.ok(Number(retryAfter) > 0 && Number(retryAfter) <= 900, `Retry-After ${retryAfter}`);
      assert.equal(blocked.setCookies.filter((l) => /^sd_session=[^;]/.test(l) && !/max-age=0/i.test(l)).length, 0, 'no session while blocked');

      // The email's case does not get around the throttle.
      const upper = await new Client(srv.url).post('/api/v1/auth/login', { email: s.email.toUpperCase(), password: PASSWORD });
      expectError(upper, 429, 'too_many_attempts');

      const clock = await new Client(srv.url).post('/api/v1/test/clock', { advance_seconds: 901 });
      expectStatus(clock, 200);
      const ok = await new Client(srv.url).post('/api/v1/auth/login', { email: s.email, password: PASSWORD });
      expectStatus(ok, 200);
      assert.equal(ok.json.user.id, s.user.id);
    });
  });
});
