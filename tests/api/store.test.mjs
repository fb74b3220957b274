// Store settings: GET/PATCH /api/v1/store (seller only), defaults, validation, atomicity.
import assert from 'node:assert/strict';
import { describe, test, before, after } from './support/test.mjs';
import { serverHooks } from './support/server.mjs';
import { Client, expectStatus, signupSeller, signupBuyer, createToken } from './support/client.mjs';
import { expectError, expectRfc3339 } from './support/assert.mjs';

const STORE_FIELDS = [
  'id', 'slug', 'name', 'currency', 'support_email', 'locale', 'refund_policy', 'hold_period_days',
  'refund_window_days', 'fee_percent_bp', 'fee_fixed_minor', 'created_at',
];

describe('store', () => {
  const srv = serverHooks({ before, after });

  test('GET /store after signup → the defaults', async () => {
    const c = new Client(srv.url);
    const s = await signupSeller(c, { store_name: 'Default Goods' });
    const res = await c.get('/api/v1/store');
    expectStatus(res, 200);
    for (const f of STORE_FIELDS) assert.ok(f in res.json, `store.${f} missing: ${res.text}`);
    assert.match(res.json.id, /^st_/);
    assert.equal(res.json.id, s.store.id);
    assert.equal(typeof res.json.slug, 'string');
    assert.ok(res.json.slug.length > 0);
    assert.equal(res.json.name, 'Default Goods');
    assert.equal(res.json.currency, 'USD');
    assert.equal(res.json.support_email, s.email);
    assert.equal(res.json.locale, 'en');
    assert.equal(res.json.refund_policy, 'within_days:30');
    assert.equal(res.json.hold_period_days, 7);
    assert.equal(res.json.refund_window_days, 90);
    assert.equal(res.json.fee_percent_bp, 500);
    assert.equal(res.json.fee_fixed_minor, 30);
    expectRfc3339(res.json.created_at, 'created_at');
    // The signup answer's store is the same object.
    for (const f of STORE_FIELDS) {
      if (f in s.store) assert.deepEqual(s.store[f], res.json[f], `signup store.${f} differs from GET /store`);
    }
  });

  test('two sellers get different store ids and slugs', async () => {
    const a = new Client(srv.url);
    const b = new Client(srv.url);
    await signupSeller(a, { store_name: 'Same Name' });
    await signupSeller(b, { store_name: 'Same Name' });
    const sa = (await a.get('/api/v1/store')).json;
    const sb = (await b.get('/api/v1/store')).json;
    assert.notEqual(sa.id, sb.id);
    assert.notEqual(sa.slug, sb.slug);
  });

  test('buyer → 403 seller_account_required (GET and PATCH)', async () => {
    const c = new Client(srv.url);
    await signupBuyer(c);
    expectError(await c.get('/api/v1/store'), 403, 'seller_account_required');
    expectError(await c.patch('/api/v1/store', { name: 'Nope' }), 403, 'seller_account_required');
  });

  test('buyer with a bearer token → 403 seller_account_required', async () => {
    const c = new Client(srv.url);
    await signupBuyer(c);
    const tok = await createToken(c);
    expectError(await new Client(srv.url, { bearer: tok.token }).get('/api/v1/store'), 403, 'seller_account_required');
  });

  test('no credentials → 401 unauthenticated (GET and PATCH)', async () => {
    const c = new Client(srv.url);
    expectError(await c.get('/api/v1/store'), 401, 'unauthenticated');
    expectError(await c.patch('/api/v1/store', { name: 'Nope' }), 401, 'unauthenticated');
  });

  test('PATCH a subset → 200 the updated store, persisted', async () => {
    const c = new Client(srv.url);
    const s = await signupSeller(c, { store_name: 'Old Name' });
    const res = await c.patch('/api/v1/store', { name: 'New Name', locale: 'es', hold_period_days: 14 });
    expectStatus(res, 200);
    assert.equal(res.json.name, 'New Name');
    assert.equal(res.json.locale, 'es');
    assert.equal(res.json.hold_period_days, 14);
    // Untouched fields keep their values.
    assert.equal(res.json.currency, 'USD');
    assert.equal(res.json.support_email, s.email);
    assert.equal(res.json.id, s.store.id);
    const got = await c.get('/api/v1/store');
    expectStatus(got, 200);
    assert.deepEqual(got.json, res.json, 'GET after PATCH differs from the PATCH answer');
  });

  test('PATCH every setting at once → all persisted', async () => {
    const c = new Client(srv.url);
    await signupSeller(c);
    const patch = {
      name: 'Everything Store',
      currency: 'EUR',
      support_email: 'help@everything.example.com',
      locale: 'es',
      refund_policy: 'discretionary',
      hold_period_days: 0,
      refund_window_days: 365,
      fee_percent_bp: 5000,
      fee_fixed_minor: 100000,
    };
    const res = await c.patch('/api/v1/store', patch);
    expectStatus(res, 200);
    const got = (await c.get('/api/v1/store')).json;
    for (const [k, v] of Object.entries(patch)) assert.deepEqual(got[k], v, `store.${k}`);
  });

  test('PATCH with an empty object → 200, no setting changes', async () => {
    const c = new Client(srv.url);
    await signupSeller(c);
    // An added bookkeeping field such as updated_at may move; the settings may not.
    const settings = ({ updated_at, ...rest }) => rest;
    const before = (await c.get('/api/v1/store')).json;
    const res = await c.patch('/api/v1/store', {});
    expectStatus(res, 200);
    assert.deepEqual(settings((await c.get('/api/v1/store')).json), settings(before));
  });

  describe('PATCH boundaries that are accepted', () => {
    let c;
    before(async () => {
      c = new Client(srv.url);
      await signupSeller(c);
    });
    const ok = [
      { name: 'x' },
      { name: 'n'.repeat(100) },
      { refund_policy: 'no_refunds' },
      { refund_policy: 'discretionary' },
      { refund_policy: 'within_days:1' },
      { refund_policy: 'within_days:365' },
      { hold_period_days: 0 },
      { hold_period_days: 90 },
      { refund_window_days: 1 },
      { refund_window_days: 365 },
      { fee_percent_bp: 0 },
      { fee_percent_bp: 5000 },
      { fee_fixed_minor: 0 },
      { fee_fixed_minor: 100000 },
      { locale: 'en' },
      { locale: 'es' },
      { currency: 'USD' },
      { currency: 'EUR' },
    ];
    for (const body of ok) {
      test(`PATCH ${JSON.stringify(body).slice(0, 60)} → 200`, async () => {
        const res = await c.patch('/api/v1/store', body);
        expectStatus(res, 200);
        for (const [k, v] of Object.entries(body)) assert.deepEqual(res.json[k], v);
        const got = (await c.get('/api/v1/store')).json;
        for (const [k, v] of Object.entries(body)) assert.deepEqual(got[k], v);
      });
    }
  });

  describe('PATCH validation → 400 with param, nothing changes', () => {
    let c;
    let original;
    before(async () => {
      c = new Client(srv.url);
      await signupSeller(c, { store_name: 'Validation Store' });
      original = (await c.get('/api/v1/store')).json;
    });
    const cases = [
      { body: { name: '' }, code: 'required', param: 'name' },
      { body: { name: 'n'.repeat(101) }, code: 'too_long', param: 'name' },
      { body: { support_email: 'not-an-email' }, code: 'invalid_email', param: 'support_email' },
      { body: { currency: 'XYZ' }, code: 'unsupported_currency', param: 'currency' },
      { body: { locale: 'fr' }, code: 'unsupported_locale', param: 'locale' },
      { body: { refund_policy: 'sometimes' }, code: 'invalid_refund_policy', param: 'refund_policy' },
      { body: { refund_policy: 'within_days:0' }, code: 'invalid_refund_policy', param: 'refund_policy' },
      { body: { refund_policy: 'within_days:366' }, code: 'invalid_refund_policy', param: 'refund_policy' },
      { body: { refund_policy: 'within_days:' }, code: 'invalid_refund_policy', param: 'refund_policy' },
      { body: { refund_policy: 'within_days:abc' }, code: 'invalid_refund_policy', param: 'refund_policy' },
      { body: { hold_period_days: -1 }, code: 'out_of_range', param: 'hold_period_days' },
      { body: { hold_period_days: 91 }, code: 'out_of_range', param: 'hold_period_days' },
      { body: { refund_window_days: 0 }, code: 'out_of_range', param: 'refund_window_days' },
      { body: { refund_window_days: 366 }, code: 'out_of_range', param: 'refund_window_days' },
      { body: { fee_percent_bp: -1 }, code: 'out_of_range', param: 'fee_percent_bp' },
      { body: { fee_percent_bp: 5001 }, code: 'out_of_range', param: 'fee_percent_bp' },
      { body: { fee_fixed_minor: -1 }, code: 'out_of_range', param: 'fee_fixed_minor' },
      { body: { fee_fixed_minor: 100001 }, code: 'out_of_range', param: 'fee_fixed_minor' },
      { body: { hold_period_days: '7' }, code: 'invalid_type', param: 'hold_period_days' },
      { body: { fee_fixed_minor: '30' }, code: 'invalid_type', param: 'fee_fixed_minor' },
      { body: { colour: 'red' }, code: 'unknown_field', param: 'colour' },
      // A failed PATCH changes nothing, not even the valid fields of the same body.
      { body: { name: 'Should Not Stick', locale: 'es', hold_period_days: 91 }, code: 'out_of_range', param: 'hold_period_days' },
      { body: { name: 'Should Not Stick', fee_percent_bp: 100, currency: 'XYZ' }, code: 'unsupported_currency', param: 'currency' },
      { body: { support_email: 'new@example.com', colour: 'red' }, code: 'unknown_field', param: 'colour' },
    ];
    for (const tc of cases) {
      test(`PATCH ${JSON.stringify(tc.body).slice(0, 70)} → 400 ${tc.code}`, async () => {
        const res = await c.patch('/api/v1/store', tc.body);
        expectError(res, 400, tc.code, { param: tc.param });
        const got = await c.get('/api/v1/store');
        expectStatus(got, 200);
        assert.deepEqual(got.json, original, 'the store changed after a refused PATCH');
      });
    }
  });
});
