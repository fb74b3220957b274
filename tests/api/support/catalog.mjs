// Catalog helpers for the API tests: valid bodies, and create/publish/upload shortcuts that
// assert success so a test reads as its scenario.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { expectStatus } from './client.mjs';

export const sha256Hex = (bytes) => createHash('sha256').update(bytes).digest('hex');

/** A valid POST /products body; `over` replaces top-level fields. */
export function productBody(over = {}) {
  return {
    title: `Brush pack ${randomBytes(3).toString('hex')}`,
    description: '120 hand-made brushes.',
    tiers: [
      { name: 'Personal', price_minor: 1500, terms: 'Personal projects only.' },
      { name: 'Commercial', price_minor: 4900, terms: 'Client and commercial work allowed.' },
    ],
    ...over,
  };
}

/** POST /products → the created product (asserts 201). */
export async function createProduct(client, over = {}, opts = {}) {
  const res = await client.post('/api/v1/products', productBody(over), opts);
  expectStatus(res, 201);
  return res.json;
}

export async function publishProduct(client, id) {
  const res = await client.post(`/api/v1/products/${id}/publish`);
  expectStatus(res, 200);
  assert.equal(res.json.status, 'published');
  return res.json;
}

/** POST /products/{id}/files with a raw body; returns the response. */
export function uploadFile(client, productId, bytes, { filename = 'file.bin', contentType, query } = {}) {
  const headers = {};
  if (contentType) headers['content-type'] = contentType;
  const q = query ?? `filename=${encodeURIComponent(filename)}`;
  return client.request('POST', `/api/v1/products/${productId}/files?${q}`, { body: bytes, headers });
}

/** POST /support-materials → the created material (asserts 201). */
export async function createMaterial(client, over = {}) {
  const res = await client.post('/api/v1/support-materials', {
    kind: 'guide',
    title: 'Getting started',
    body: 'Unzip, then open the .abr file in your editor.',
    ...over,
  });
  expectStatus(res, 201);
  return res.json;
}
