// Cross-store isolation (API.md: "Another store's object is always 404 not_found, never 403").
//
// Two sellers, A and B. `setupA` creates objects owned by A and returns them as a fixture;
// every row of CASES is a request B sends for one of A's objects, once with B's cookie session
// (with B's CSRF token) and once with B's bearer token. Each must answer 404 not_found, with the
// same error (type, code, param) as for an id that does not exist at all, and must have no
// effect (`check` runs as A afterwards).
//
// HOW TO EXTEND (products, orders, customers, …):
//   1. In setupA, create the object as A (use `a`, A's cookie client) and put its id in the
//      returned fixture, e.g. `fx.productId = (await a.post('/api/v1/products', {...})).json.id`.
//   2. Add rows to CASES: { name, method, path: (fx) => `/api/v1/products/${fx.productId}`,
//      body?: (fx) => ({...}), missing?: '/api/v1/products/prd_doesnotexist', check?: async (fx, a) => {...} }.
//      `missing` is the same request for an id that does not exist (defaults to `path` with the
//      last segment replaced by a bogus id); `check` asserts A's object is unchanged.
//   3. Reads (GET) belong in the table too: B must not see A's object.
import assert from 'node:assert/strict';
import { describe, test, before, after } from './support/test.mjs';
import { serverHooks } from './support/server.mjs';
import { Client, expectStatus, signupSeller, createToken } from './support/client.mjs';
import { expectError, expectList } from './support/assert.mjs';
import { createSellingProduct, buy, withCsrf } from './support/selling.mjs';

async function setupA(a) {
  const fx = {};
  const tok = await createToken(a, 'A token');
  fx.tokenId = tok.id;
  fx.tokenSecret = tok.token;
  // Catalog: a product with a file and a support material attached.
  const material = await a.post('/api/v1/support-materials', { kind: 'guide', title: 'A guide', body: 'A body' });
  fx.materialId = material.json.id;
  const product = await a.post('/api/v1/products', {
    title: 'A product',
    tiers: [{ name: 'Personal', price_minor: 100, terms: 'A terms' }],
    support_material_ids: [fx.materialId],
  });
  fx.productId = product.json.id;
  const file = await a.request('POST', `/api/v1/products/${fx.productId}/files?filename=a.txt`, { body: 'A bytes' });
  fx.fileId = file.json.id;
  // Selling: A's published product bought twice by one buyer (entitlements A can act on);
  // the buyer downloaded the file once; A revoked the second entitlement.
  const slug = (await a.get('/api/v1/store')).json.slug;
  const sold = await createSellingProduct(a, { title: 'A sold product', prices: [500], files: [{ filename: 's.txt', bytes: Buffer.from('sold bytes') }] });
  fx.soldFileId = sold.uploaded[0].id;
  const shopA = { slug, products: { sold } };
  const first = await buy(a.baseUrl, shopA, [{ product: 'sold' }]);
  fx.orderId = first.order.id;
  fx.soldProductId = sold.id;
  fx.buyerEmail = first.order.email;
  fx.buyer = await withCsrf(first.client);
  await buy(a.baseUrl, shopA, [{ product: 'sold' }], { email: first.order.email });
  const lib = expectList(await fx.buyer.get('/api/v1/library'));
  fx.entId = lib.find((e) => e.order_id === first.order.id).id;
  fx.revokedEntId = lib.find((e) => e.order_id !== first.order.id).id;
  const link = await fx.buyer.post(`/api/v1/library/${fx.entId}/files/${fx.soldFileId}/link`);
  expectStatus(await fetch(a.baseUrl + link.json.url).then(async (r) => ({ status: r.status, text: await r.text() })), 200);
  expectStatus(await a.post(`/api/v1/entitlements/${fx.revokedEntId}/revoke`), 200);
  // Sales: the first order's details and its customer.
  fx.orderId = first.order.id;
  const details = await a.get(`/api/v1/orders/${fx.orderId}`);
  expectStatus(details, 200);
  fx.customerId = details.json.customer.id;
  // Blocking: another customer of A, blocked by A (A's block list has one row).
  const blockedBuyer = await buy(a.baseUrl, shopA, [{ product: 'sold' }]);
  fx.blockedCustomerId = (await a.get(`/api/v1/orders/${blockedBuyer.order.id}`)).json.customer.id;
  fx.blockReason = 'A private reason of A';
  expectStatus(await a.post(`/api/v1/customers/${fx.blockedCustomerId}/block`, { reason: fx.blockReason }), 201);
  // Refunds: the buyer's open refund request on that order.
  const asked = await fx.buyer.post(`/api/v1/orders/${fx.orderId}/refund-requests`, { reason: 'please' });
  expectStatus(asked, 201);
  fx.requestId = asked.json.id;
  // Disputes (test mode): an open dispute on the blocked customer's order.
  fx.disputedOrderId = blockedBuyer.order.id;
  const disputed = await a.post('/api/v1/test/disputes', { order_id: fx.disputedOrderId });
  expectStatus(disputed, 201);
  fx.disputeId = disputed.json.id;
  // Messaging: A's thread with the customer, a saved reply and a broadcast.
  const msg = await a.post(`/api/v1/customers/${fx.customerId}/messages`, { body: 'A private note' });
  expectStatus(msg, 201);
  fx.threadId = msg.json.thread_id;
  const reply = await a.post('/api/v1/saved-replies', { title: 'A reply', body: 'A saved body' });
  expectStatus(reply, 201);
  fx.savedReplyId = reply.json.id;
  const bc = await a.post('/api/v1/broadcasts', { audience: { kind: 'all' }, body: 'A broadcast' });
  expectStatus(bc, 201);
  fx.broadcastId = bc.json.id;
  // Attachments: A's file sent in the thread, and A's buyer's file sent back in it.
  const att = await a.request('POST', '/api/v1/attachments?filename=a-private.png', { body: Buffer.from('A private bytes') });
  expectStatus(att, 201);
  fx.attachmentId = att.json.id;
  expectStatus(await a.post(`/api/v1/threads/${fx.threadId}/messages`, { body: 'A file', attachment_ids: [fx.attachmentId] }), 201);
  const batt = await fx.buyer.request('POST', `/api/v1/my/attachments?store=${slug}&filename=buyer-private.txt`, { body: Buffer.from('buyer bytes') });
  expectStatus(batt, 201);
  fx.buyerAttachmentId = batt.json.id;
  expectStatus(await fx.buyer.post(`/api/v1/my/threads/${fx.threadId}/messages`, { attachment_ids: [fx.buyerAttachmentId] }), 201);
  return fx;
}

// The buyer's view of A's entitlements (for the selling rows' checks).
async function buyerEntitlement(fx, id) {
  return expectList(await fx.buyer.get('/api/v1/library')).find((e) => e.id === id);
}

const CASES = [
  {
    name: "A's API token",
    method: 'DELETE',
    path: (fx) => `/api/v1/api-tokens/${fx.tokenId}`,
    missing: '/api/v1/api-tokens/tok_doesnotexist0000000000',
    check: async (fx, a) => {
      const list = expectList(await a.get('/api/v1/api-tokens'));
      assert.ok(list.some((t) => t.id === fx.tokenId), "A's token is gone");
      expectStatus(await new Client(a.baseUrl, { bearer: fx.tokenSecret }).get('/api/v1/me'), 200);
    },
  },
  // Catalog (products, files, support materials).
  {
    name: "A's product",
    method: 'GET',
    path: (fx) => `/api/v1/products/${fx.productId}`,
  },
  {
    name: "A's product",
    method: 'PATCH',
    path: (fx) => `/api/v1/products/${fx.productId}`,
    body: () => ({ title: 'hijacked' }),
    check: async (fx, a) => assert.equal((await a.get(`/api/v1/products/${fx.productId}`)).json.title, 'A product'),
  },
  {
    name: "A's product (publish)",
    method: 'POST',
    path: (fx) => `/api/v1/products/${fx.productId}/publish`,
    missing: '/api/v1/products/prd_doesnotexist0000000000/publish',
    check: async (fx, a) => assert.equal((await a.get(`/api/v1/products/${fx.productId}`)).json.status, 'draft'),
  },
  {
    name: "A's product (unpublish)",
    method: 'POST',
    path: (fx) => `/api/v1/products/${fx.productId}/unpublish`,
    missing: '/api/v1/products/prd_doesnotexist0000000000/unpublish',
  },
  {
    name: "A's product (file upload)",
    method: 'POST',
    path: (fx) => `/api/v1/products/${fx.productId}/files?filename=b.txt`,
    missing: '/api/v1/products/prd_doesnotexist0000000000/files?filename=b.txt',
    body: () => ({ injected: true }),
    check: async (fx, a) => assert.equal((await a.get(`/api/v1/products/${fx.productId}`)).json.files.length, 1),
  },
  {
    name: "A's product file",
    method: 'DELETE',
    path: (fx) => `/api/v1/products/${fx.productId}/files/${fx.fileId}`,
    check: async (fx, a) => assert.deepEqual((await a.get(`/api/v1/products/${fx.productId}`)).json.files.map((f) => f.id), [fx.fileId]),
  },
  {
    name: "A's support material",
    method: 'GET',
    path: (fx) => `/api/v1/support-materials/${fx.materialId}`,
  },
  {
    name: "A's support material",
    method: 'PATCH',
    path: (fx) => `/api/v1/support-materials/${fx.materialId}`,
    body: () => ({ title: 'hijacked' }),
    check: async (fx, a) => assert.equal((await a.get(`/api/v1/support-materials/${fx.materialId}`)).json.title, 'A guide'),
  },
  {
    name: "A's support material",
    method: 'DELETE',
    path: (fx) => `/api/v1/support-materials/${fx.materialId}`,
    check: async (fx, a) => expectStatus(await a.get(`/api/v1/support-materials/${fx.materialId}`), 200),
  },
  // Selling: A's entitlements (seller actions) and A's buyer's download links.
  {
    name: "A's entitlement (revoke)",
    method: 'POST',
    path: (fx) => `/api/v1/entitlements/${fx.entId}/revoke`,
    missing: '/api/v1/entitlements/ent_doesnotexist0000000000/revoke',
    check: async (fx) => assert.equal((await buyerEntitlement(fx, fx.entId)).revoked, false),
  },
  {
    name: "A's revoked entitlement (restore)",
    method: 'POST',
    path: (fx) => `/api/v1/entitlements/${fx.revokedEntId}/restore`,
    missing: '/api/v1/entitlements/ent_doesnotexist0000000000/restore',
    check: async (fx) => assert.equal((await buyerEntitlement(fx, fx.revokedEntId)).revoked, true),
  },
  {
    name: "A's entitlement (reset-downloads)",
    method: 'POST',
    path: (fx) => `/api/v1/entitlements/${fx.entId}/reset-downloads`,
    missing: '/api/v1/entitlements/ent_doesnotexist0000000000/reset-downloads',
    check: async (fx) => assert.equal((await buyerEntitlement(fx, fx.entId)).files[0].downloads, 1),
  },
  {
    name: "A's buyer's entitlement (download link)",
    method: 'POST',
    path: (fx) => `/api/v1/library/${fx.entId}/files/${fx.soldFileId}/link`,
    missing: '/api/v1/library/ent_doesnotexist0000000000/files/file_doesnotexist0000000000/link',
  },
  // Sales: A's order details and A's customer (summary and transactions).
  {
    name: "A's order",
    method: 'GET',
    path: (fx) => `/api/v1/orders/${fx.orderId}`,
    missing: '/api/v1/orders/SD-0000-0000',
  },
  {
    name: "A's customer",
    method: 'GET',
    path: (fx) => `/api/v1/customers/${fx.customerId}`,
  },
  {
    name: "A's customer (transactions)",
    method: 'GET',
    path: (fx) => `/api/v1/customers/${fx.customerId}/transactions`,
    missing: '/api/v1/customers/cus_doesnotexist0000000000/transactions',
  },
  // Blocking: B can neither block, preview, nor unblock A's customers.
  {
    name: "A's customer (block)",
    method: 'POST',
    path: (fx) => `/api/v1/customers/${fx.customerId}/block`,
    body: () => ({ reason: 'B tries' }),
    missing: '/api/v1/customers/cus_doesnotexist0000000000/block',
    check: async (fx, a) => assert.equal((await a.get(`/api/v1/customers/${fx.customerId}`)).json.blocked, false),
  },
  {
    name: "A's customer (block preview)",
    method: 'POST',
    path: (fx) => `/api/v1/customers/${fx.customerId}/block/preview`,
    body: () => ({}),
    missing: '/api/v1/customers/cus_doesnotexist0000000000/block/preview',
  },
  {
    name: "A's blocked customer (unblock)",
    method: 'DELETE',
    path: (fx) => `/api/v1/customers/${fx.blockedCustomerId}/block`,
    missing: '/api/v1/customers/cus_doesnotexist0000000000/block',
    check: async (fx, a) => assert.equal((await a.get(`/api/v1/customers/${fx.blockedCustomerId}`)).json.blocked, true),
  },
  // Refunds: B can neither preview nor refund A's order; A's order keeps no refund.
  {
    name: "A's order (refund preview)",
    method: 'POST',
    path: (fx) => `/api/v1/orders/${fx.orderId}/refunds/preview`,
    body: () => ({ reason: 'hijack' }),
    missing: '/api/v1/orders/SD-0000-0000/refunds/preview',
  },
  {
    name: "A's order (refund)",
    method: 'POST',
    path: (fx) => `/api/v1/orders/${fx.orderId}/refunds`,
    body: () => ({ reason: 'hijack' }),
    missing: '/api/v1/orders/SD-0000-0000/refunds',
    check: async (fx, a) => {
      const d = await a.get(`/api/v1/orders/${fx.orderId}`);
      expectStatus(d, 200);
      assert.deepEqual(d.json.refunds, [], 'no refund was recorded on A\'s order');
      assert.equal(d.json.refunded_minor, 0);
    },
  },
  {
    name: "A's order (buyer refund request, by B who did not buy it)",
    method: 'POST',
    path: (fx) => `/api/v1/orders/${fx.orderId}/refund-requests`,
    body: () => ({ reason: 'hijack' }),
    missing: '/api/v1/orders/SD-0000-0000/refund-requests',
  },
  ...['grant', 'decline'].map((action) => ({
    name: `A's refund request (${action})`,
    method: 'POST',
    path: (fx) => `/api/v1/refund-requests/${fx.requestId}/${action}`,
    body: () => (action === 'grant' ? { reason: 'hijack' } : { message: 'hijack' }),
    missing: `/api/v1/refund-requests/rr_doesnotexist0000000000/${action}`,
    check: async (fx, a) => {
      const open = expectList(await a.get('/api/v1/refund-requests?status=open'));
      assert.ok(open.some((r) => r.id === fx.requestId), "A's request is still open");
    },
  })),
  // Disputes (test mode): B can neither dispute A's order nor resolve or replay A's dispute.
  {
    name: "A's order (test dispute)",
    method: 'POST',
    path: () => '/api/v1/test/disputes',
    body: (fx) => ({ order_id: fx.orderId }),
    check: async (fx, a) => assert.deepEqual((await a.get(`/api/v1/orders/${fx.orderId}`)).json.disputes, []),
    missing: '/api/v1/test/disputes',
  },
  ...['resolve', 'redeliver'].map((action) => ({
    name: `A's dispute (${action})`,
    method: 'POST',
    path: (fx) => `/api/v1/test/disputes/${fx.disputeId}/${action}`,
    body: () => (action === 'resolve' ? { outcome: 'won' } : undefined),
    missing: `/api/v1/test/disputes/dp_doesnotexist0000000000/${action}`,
    check: async (fx, a) => {
      const d = (await a.get(`/api/v1/orders/${fx.disputedOrderId}`)).json.disputes;
      assert.equal(d.length, 1);
      assert.equal(d[0].status, 'open', "A's dispute is still open");
    },
  })),
  // Add threads, … here (see the header comment).
  // Messaging (threads, customer messages, saved replies, broadcasts).
  {
    name: "A's thread",
    method: 'GET',
    path: (fx) => `/api/v1/threads/${fx.threadId}`,
  },
  {
    name: "A's thread (post a message)",
    method: 'POST',
    path: (fx) => `/api/v1/threads/${fx.threadId}/messages`,
    body: () => ({ body: 'hijack' }),
    missing: '/api/v1/threads/thr_doesnotexist0000000000/messages',
    check: async (fx, a) => {
      const t = await a.get(`/api/v1/threads/${fx.threadId}`);
      assert.ok(!t.json.messages.some((m) => m.body === 'hijack'), "B posted in A's thread");
    },
  },
  {
    name: "A's customer (message them)",
    method: 'POST',
    path: (fx) => `/api/v1/customers/${fx.customerId}/messages`,
    body: () => ({ body: 'hijack' }),
    missing: '/api/v1/customers/cus_doesnotexist0000000000/messages',
  },
  {
    name: "A's saved reply",
    method: 'GET',
    path: (fx) => `/api/v1/saved-replies/${fx.savedReplyId}`,
  },
  {
    name: "A's saved reply",
    method: 'PATCH',
    path: (fx) => `/api/v1/saved-replies/${fx.savedReplyId}`,
    body: () => ({ title: 'hijack' }),
    check: async (fx, a) => assert.equal((await a.get(`/api/v1/saved-replies/${fx.savedReplyId}`)).json.title, 'A reply'),
  },
  {
    name: "A's saved reply",
    method: 'DELETE',
    path: (fx) => `/api/v1/saved-replies/${fx.savedReplyId}`,
    check: async (fx, a) => expectStatus(await a.get(`/api/v1/saved-replies/${fx.savedReplyId}`), 200),
  },
  {
    name: "A's broadcast",
    method: 'GET',
    path: (fx) => `/api/v1/broadcasts/${fx.broadcastId}`,
  },
  // Attachments: B (a seller, and a signed-in user) downloads neither A's file nor A's buyer's.
  {
    name: "A's attachment (seller download)",
    method: 'GET',
    path: (fx) => `/api/v1/attachments/${fx.attachmentId}/content`,
    missing: '/api/v1/attachments/att_doesnotexist0000000000/content',
  },
  {
    name: "A's buyer's attachment (seller download)",
    method: 'GET',
    path: (fx) => `/api/v1/attachments/${fx.buyerAttachmentId}/content`,
    missing: '/api/v1/attachments/att_doesnotexist0000000000/content',
  },
  {
    name: "A's attachment (buyer download, B not in the thread)",
    method: 'GET',
    path: (fx) => `/api/v1/my/attachments/${fx.attachmentId}/content`,
    missing: '/api/v1/my/attachments/att_doesnotexist0000000000/content',
  },
  {
    name: "A's buyer's attachment (buyer download, B not that buyer)",
    method: 'GET',
    path: (fx) => `/api/v1/my/attachments/${fx.buyerAttachmentId}/content`,
    missing: '/api/v1/my/attachments/att_doesnotexist0000000000/content',
  },
];

function bogusPath(path) {
  const i = path.lastIndexOf('/');
  const last = path.slice(i + 1);
  const prefix = /^[a-z]+_/.exec(last)?.[0] ?? '';
  return `${path.slice(0, i + 1)}${prefix}doesnotexist0000000000`;
}

describe('cross-store isolation', () => {
  const srv = serverHooks({ before, after });
  let a; // A's cookie client
  let b; // B's cookie client
  let bBearer; // B's bearer client
  let A;
  let B;
  let fx;

  before(async () => {
    a = new Client(srv.url);
    b = new Client(srv.url);
    A = await signupSeller(a, { store_name: 'Alpha Store A' });
    B = await signupSeller(b, { store_name: 'Bravo Store B' });
    fx = await setupA(a);
    const bTok = await createToken(b, 'B token');
    B.tokenId = bTok.id;
    bBearer = new Client(srv.url, { bearer: bTok.token });
  });

  for (const tc of CASES) {
    for (const via of ['cookie', 'bearer']) {
      test(`B (${via}): ${tc.method} ${tc.name} → 404 not_found`, async () => {
        const client = via === 'cookie' ? b : bBearer;
        const path = tc.path(fx);
        const body = tc.body ? tc.body(fx) : undefined;
        const res = await client.request(tc.method, path, body === undefined ? {} : { json: body });
        const err = expectError(res, 404, 'not_found', { anyParam: true });
        const missingPath = tc.missing ?? bogusPath(path);
        const ref = await client.request(tc.method, missingPath, body === undefined ? {} : { json: body });
        const refErr = expectError(ref, 404, 'not_found', { anyParam: true });
        assert.deepEqual(
          { type: err.type, code: err.code, param: err.param },
          { type: refErr.type, code: refErr.code, param: refErr.param },
          "A's object answers differently from a missing one",
        );
        if (tc.check) await tc.check(fx, a);
      });
    }
  }

  for (const via of ['cookie', 'bearer']) {
    test(`GET /store as B (${via}) → B's store, never A's`, async () => {
      const client = via === 'cookie' ? b : bBearer;
      const res = await client.get('/api/v1/store');
      expectStatus(res, 200);
      assert.equal(res.json.id, B.store.id);
      assert.equal(res.json.name, 'Bravo Store B');
      assert.ok(!res.text.includes(A.store.id), "A's store id in B's answer");
      assert.ok(!res.text.includes('Alpha Store A'), "A's store name in B's answer");
      assert.ok(!res.text.includes(A.email), "A's email in B's answer");
    });

    test(`GET /blocks as B (${via}) never lists A's blocks`, async () => {
      const client = via === 'cookie' ? b : bBearer;
      const res = await client.get('/api/v1/blocks');
      assert.deepEqual(expectList(res), []);
      assert.ok(!res.text.includes(fx.blockReason), "A's block reason listed for B");
      assert.ok(!res.text.includes(fx.blockedCustomerId), "A's blocked customer listed for B");
    });

    test(`GET /threads and /saved-replies as B (${via}) never list A's`, async () => {
      const client = via === 'cookie' ? b : bBearer;
      for (const p of ['/api/v1/threads', '/api/v1/saved-replies', `/api/v1/threads?q=${encodeURIComponent(fx.buyerEmail)}`]) {
        const res = await client.get(p);
        assert.deepEqual(expectList(res), [], p);
        assert.ok(!res.text.includes(fx.threadId) && !res.text.includes(fx.savedReplyId), p);
      }
    });

    test(`B (${via}) cannot attach A's uploads: the same 400 as a missing id, nothing written`, async () => {
      const client = via === 'cookie' ? b : bBearer;
      const answer = async (ids) => {
        const res = await client.post('/api/v1/saved-replies', { title: 'B reply', body: 'B body', attachment_ids: ids });
        const e = expectError(res, 400, 'attachment_not_found', { param: 'attachment_ids' });
        return { type: e.type, code: e.code, param: e.param };
      };
      const ref = await answer(['att_doesnotexist0000000000']);
      assert.deepEqual(await answer([fx.attachmentId]), ref);
      assert.deepEqual(await answer([fx.buyerAttachmentId]), ref);
      assert.deepEqual(expectList(await client.get('/api/v1/saved-replies')), []);
    });

    test(`GET /broadcasts and POST /broadcasts/preview as B (${via}) never show A's`, async () => {
      const client = via === 'cookie' ? b : bBearer;
      const list = await client.get('/api/v1/broadcasts');
      assert.deepEqual(expectList(list), []);
      assert.ok(!list.text.includes(fx.broadcastId), "A's broadcast listed for B");
      // B's audience is B's customers: none, whatever A has.
      const all = await client.post('/api/v1/broadcasts/preview', { audience: { kind: 'all' }, body: 'Hi {customer_name|there}' });
      expectStatus(all, 200);
      assert.equal(all.json.audience_size, 0);
      assert.deepEqual(all.json.sample, []);
      assert.equal(all.json.first_message, null);
      assert.ok(!all.text.includes(fx.buyerEmail), "A's customer in B's preview");
      // A's product answers as a product that does not exist, for the preview and the send.
      for (const url of ['/api/v1/broadcasts/preview', '/api/v1/broadcasts']) {
        const theirs = await client.post(url, { audience: { kind: 'products', product_ids: [fx.soldProductId] }, body: 'hijack' });
        const missing = await client.post(url, { audience: { kind: 'products', product_ids: ['prd_doesnotexist0000000000'] }, body: 'hijack' });
        const e1 = expectError(theirs, 400, 'product_not_found', { param: 'audience.product_ids[0]' });
        const e2 = expectError(missing, 400, 'product_not_found', { param: 'audience.product_ids[0]' });
        assert.equal(e1.message, e2.message);
        assert.ok(!theirs.text.includes(fx.buyerEmail));
      }
      assert.deepEqual(expectList(await client.get('/api/v1/broadcasts')), [], 'B broadcast to A\'s buyers');
    });

    test(`GET /api-tokens as B (${via}) never lists A's tokens`, async () => {
      const client = via === 'cookie' ? b : bBearer;
      const res = await client.get('/api/v1/api-tokens');
      const list = expectList(res);
      assert.ok(list.some((t) => t.id === B.tokenId), "B's own token is listed");
      assert.ok(!res.text.includes(fx.tokenId), "A's token id listed for B");
      assert.ok(!res.text.includes('A token'), "A's token name listed for B");
    });

    // The Sales view (a query over the caller's store, so no 404 to check): B's searches, filters,
    // timeseries and CSV never show A's sales, even when they name A's order, product or buyer.
    test(`GET /sales, /sales/timeseries, /sales/export.csv as B (${via}) never show A's sales`, async () => {
      const client = via === 'cookie' ? b : bBearer;
      const queries = ['', `q=${encodeURIComponent(fx.orderId)}`, `product_id=${fx.soldProductId}`,
        `q=${encodeURIComponent(fx.buyerEmail)}`, 'q=sold', 'q=a', `q=${encodeURIComponent(fx.orderId)}&status=complete&sort=total`];
      for (const qs of queries) {
        const res = await client.get(`/api/v1/sales?${qs}`);
        assert.deepEqual(expectList(res), [], `B's sales for ${qs}`);
        assert.deepEqual(res.json.summary, { count: 0, total_minor: 0, currency: 'USD', exact: true }, qs);
        assert.ok(!res.text.includes(fx.orderId));
        const ts = await client.get(`/api/v1/sales/timeseries?${qs.replace(/&?sort=total/, '')}`);
        expectStatus(ts, 200);
        assert.equal(ts.json.data.reduce((n, bucket) => n + bucket.count, 0), 0, `B's timeseries for ${qs}`);
        const csv = await client.get(`/api/v1/sales/export.csv?${qs}`);
        expectStatus(csv, 200);
        assert.equal(csv.text.trim().split('\r\n').length, 1, `B's CSV for ${qs} has rows: ${csv.text}`);
        assert.ok(!csv.text.includes(fx.orderId) && !csv.text.includes(fx.buyerEmail));
      }
      // A sees its own, so the checks above are not vacuous.
      const own = await a.get(`/api/v1/sales?q=${encodeURIComponent(fx.orderId)}`);
      assert.equal(expectList(own).length, 1);
      assert.equal(own.json.data[0].order_id, fx.orderId);
    });

    test(`GET /products and /support-materials as B (${via}) never list A's`, async () => {
      const client = via === 'cookie' ? b : bBearer;
      const products = await client.get('/api/v1/products');
      expectList(products);
      assert.ok(!products.text.includes(fx.productId), "A's product listed for B");
      const materials = await client.get('/api/v1/support-materials');
      expectList(materials);
      assert.ok(!materials.text.includes(fx.materialId), "A's support material listed for B");
    });
  }

  test("PATCH /store as B changes B's store only", async () => {
    expectStatus(await b.patch('/api/v1/store', { name: 'Bravo Renamed', hold_period_days: 3 }), 200);
    const sa = await a.get('/api/v1/store');
    expectStatus(sa, 200);
    assert.equal(sa.json.id, A.store.id);
    assert.equal(sa.json.name, 'Alpha Store A');
    assert.equal(sa.json.hold_period_days, 7);
    expectStatus(await b.patch('/api/v1/store', { name: 'Bravo Store B', hold_period_days: 7 }), 200);
  });

  test("GET /me as B shows B's user and store", async () => {
    for (const client of [b, bBearer]) {
      const res = await client.get('/api/v1/me');
      expectStatus(res, 200);
      assert.equal(res.json.user.id, B.user.id);
      assert.equal(res.json.store.id, B.store.id);
      assert.ok(!res.text.includes(A.user.id));
    }
  });
});
