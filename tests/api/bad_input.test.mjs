// Bad input: malformed JSON, wrong shapes, oversized bodies, wrong media types, unknown routes,
// wrong methods and malformed HTTP. Each case is its own test.
import assert from 'node:assert/strict';
import { describe, test, before, after } from './support/test.mjs';
import { serverHooks } from './support/server.mjs';
import { Client, expectStatus, signupSeller, rawRequest, randomKey } from './support/client.mjs';
import { expectError } from './support/assert.mjs';

const BODY_MAX = 1024 * 1024; // 1 MiB

/** A JSON object body of exactly `size` bytes. */
function jsonBodyOfSize(size) {
  const head = '{"email":"big@example.com","password":"long-enough-pw","name":"';
  const tail = '"}';
  const fill = size - Buffer.byteLength(head) - Buffer.byteLength(tail);
  const body = head + 'a'.repeat(fill) + tail;
  assert.equal(Buffer.byteLength(body), size);
  return body;
}

function rawPost(path, port, body, headers = {}) {
  const lines = [
    `POST ${path} HTTP/1.1`,
    `Host: 127.0.0.1:${port}`,
    'Content-Type: application/json',
    `Idempotency-Key: ${randomKey()}`,
    'Connection: close',
  ];
  for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
  return [Buffer.from(lines.join('\r\n') + '\r\n\r\n'), Buffer.from(body)];
}

function expectRawError(r, status, code) {
  assert.ok(r.status !== null, `no HTTP response (socket error: ${r.error?.code ?? 'none'}, closed: ${r.closed}); got ${JSON.stringify(r.raw.slice(0, 200))}`);
  assert.equal(r.status, status, `status; got ${r.raw.slice(0, 400)}`);
  if (code) {
    assert.ok(r.json?.error, `error body; got ${r.body.slice(0, 300)}`);
    assert.equal(r.json.error.code, code);
    assert.equal(r.json.error.type, 'invalid_request');
  }
}

describe('bad input', () => {
  const srv = serverHooks({ before, after });
  const signup = (c, body, headers = { 'content-type': 'application/json' }) =>
    c.post('/api/v1/auth/signup', undefined, { body, headers });

  test('malformed JSON → 400 malformed_json', async () => {
    const res = await signup(new Client(srv.url), '{"email": "a@example.com", "password": ');
    expectError(res, 400, 'malformed_json');
  });

  test('malformed JSON on an authenticated PATCH → 400 malformed_json', async () => {
    const c = new Client(srv.url);
    await signupSeller(c);
    const res = await c.patch('/api/v1/store', undefined, { body: '{name: unquoted}', headers: { 'content-type': 'application/json' } });
    expectError(res, 400, 'malformed_json');
  });

  test('JSON that is not an object → 400 object_expected', async () => {
    for (const body of ['[1,2,3]', '"a string"', '42', 'null', 'true']) {
      const res = await signup(new Client(srv.url), body);
      expectError(res, 400, 'object_expected');
    }
  });

  test('body of 1 MiB + 1 byte → 413 body_too_large', async () => {
    const body = jsonBodyOfSize(BODY_MAX + 1);
    const r = await rawRequest(srv.server.port, rawPost('/api/v1/auth/signup', srv.server.port, body, { 'Content-Length': String(BODY_MAX + 1) }));
    expectRawError(r, 413, 'body_too_large');
  });

  test('chunked body over 1 MiB (no Content-Length) → 413 body_too_large', async () => {
    const body = jsonBodyOfSize(BODY_MAX + 4096);
    const chunks = [];
    const step = 64 * 1024;
    for (let i = 0; i < body.length; i += step) {
      const part = body.slice(i, i + step);
      chunks.push(`${Buffer.byteLength(part).toString(16)}\r\n${part}\r\n`);
    }
    chunks.push('0\r\n\r\n');
    const r = await rawRequest(srv.server.port, rawPost('/api/v1/auth/signup', srv.server.port, chunks.join(''), { 'Transfer-Encoding': 'chunked' }));
    expectRawError(r, 413, 'body_too_large');
  });

  test('body of exactly 1 MiB is read (not 413)', async () => {
    const body = jsonBodyOfSize(BODY_MAX);
    const r = await rawRequest(srv.server.port, rawPost('/api/v1/auth/signup', srv.server.port, body, { 'Content-Length': String(BODY_MAX) }));
    assert.ok(r.status !== null, `no HTTP response (${r.error?.code})`);
    assert.notEqual(r.status, 413, r.body.slice(0, 300));
    // Read and parsed: answered by the handler (validation of the 1 MiB name, or success).
    assert.ok(r.status === 400 || r.status === 201, `status ${r.status}: ${r.body.slice(0, 300)}`);
    assert.ok(r.json && typeof r.json === 'object', `JSON answer: ${r.body.slice(0, 300)}`);
    if (r.status === 400) assert.notEqual(r.json.error?.code, 'body_too_large');
  });

  test('Content-Type: text/plain on a JSON POST → 415 unsupported_media_type', async () => {
    const body = JSON.stringify({ email: 'tp@example.com', password: 'long-enough-pw', name: 'TP' });
    const res = await signup(new Client(srv.url), body, { 'content-type': 'text/plain' });
    // param: nothing, or the header at fault.
    expectError(res, 415, 'unsupported_media_type', { param: [null, 'Content-Type', 'content-type'] });
  });

  test('unknown route /api/v1/nope → 404 route_not_found (GET and POST)', async () => {
    const c = new Client(srv.url);
    expectError(await c.get('/api/v1/nope'), 404, 'route_not_found');
    expectError(await c.post('/api/v1/nope', {}), 404, 'route_not_found');
  });

  test('DELETE /api/v1/store → 405 method_not_allowed with an Allow header', async () => {
    const c = new Client(srv.url);
    await signupSeller(c);
    const res = await c.delete('/api/v1/store');
    expectError(res, 405, 'method_not_allowed');
    const allow = (res.headers.get('allow') || '').toUpperCase().split(',').map((s) => s.trim());
    assert.ok(allow.includes('GET') && allow.includes('PATCH'), `Allow: ${res.headers.get('allow')}`);
  });

  const malformed = [
    ['not HTTP at all', 'THIS IS NOT HTTP\r\n\r\n'],
    ['header line without a colon', 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nThis header has no colon\r\n\r\n'],
    ['invalid Content-Length', 'POST /api/v1/auth/signup HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: abc\r\n\r\n{}'],
    ['bad HTTP version', 'GET /healthz HTTP/9.Z\r\nHost: 127.0.0.1\r\n\r\n'],
  ];
  for (const [what, data] of malformed) {
    test(`malformed HTTP on a raw socket (${what}) → 400`, async () => {
      const r = await rawRequest(srv.server.port, data);
      assert.ok(r.status !== null, `no HTTP response (socket error: ${r.error?.code ?? 'none'}, closed: ${r.closed}): ${JSON.stringify(r.raw.slice(0, 200))}`);
      assert.equal(r.status, 400, r.raw.slice(0, 400));
      // The server is still serving.
      expectStatus(await new Client(srv.url).get('/healthz'), 200);
    });
  }
});
