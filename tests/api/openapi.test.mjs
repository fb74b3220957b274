// GET /api/v1/openapi.json: an OpenAPI 3.x document naming every endpoint of the contract.
import assert from 'node:assert/strict';
import { describe, test, before, after } from './support/test.mjs';
import { serverHooks } from './support/server.mjs';
import { Client, expectStatus } from './support/client.mjs';

// [full path, methods that must be documented]
const REQUIRED = [
  ['/api/v1/auth/signup', ['post']],
  ['/api/v1/auth/login', ['post']],
  ['/api/v1/auth/logout', ['post']],
  ['/api/v1/me', ['get']],
  ['/api/v1/api-tokens', ['get', 'post']],
  ['/api/v1/api-tokens/{id}', ['delete']],
  ['/api/v1/store', ['get', 'patch']],
  ['/api/v1/test/clock', ['get', 'post']],
  ['/healthz', ['get']],
  ['/readyz', ['get']],
  ['/metrics', ['get']],
];

const norm = (p) => p.replace(/\{[^}]+\}/g, '{}').replace(/\/+$/, '');

/** Map of normalized full path → path item, resolving a relative `servers[0].url` prefix. */
function indexPaths(doc) {
  const out = new Map();
  let prefix = '';
  const server = doc.servers?.[0]?.url;
  if (typeof server === 'string') {
    try {
      prefix = new URL(server, 'http://x').pathname.replace(/\/+$/, '');
    } catch {}
  }
  for (const [key, item] of Object.entries(doc.paths || {})) {
    out.set(norm(key), item);
    if (prefix) out.set(norm(prefix + key), item);
  }
  return out;
}

describe('openapi', () => {
  const srv = serverHooks({ before, after });
  let doc;

  test('GET /api/v1/openapi.json → an OpenAPI 3.x JSON document', async () => {
    const res = await new Client(srv.url).get('/api/v1/openapi.json');
    expectStatus(res, 200);
    assert.match(res.headers.get('content-type') || '', /json/);
    assert.ok(res.json && typeof res.json === 'object', 'body is JSON');
    assert.match(String(res.json.openapi), /^3\.\d+(\.\d+)?$/);
    assert.ok(res.json.info && typeof res.json.info.title === 'string', 'info.title');
    assert.ok(res.json.paths && typeof res.json.paths === 'object', 'paths');
    doc = res.json;
  });

  for (const [path, methods] of REQUIRED) {
    test(`documents ${methods.join('/').toUpperCase()} ${path}`, async () => {
      if (!doc) doc = (await new Client(srv.url).get('/api/v1/openapi.json')).json;
      const paths = indexPaths(doc);
      const item = paths.get(norm(path));
      assert.ok(item, `no entry for ${path}; have: ${Object.keys(doc.paths || {}).join(', ')}`);
      for (const m of methods) assert.ok(item[m], `${path} has no ${m} operation`);
    });
  }
});
