// The Sales view's summary and chart read per-day and per-month rollups (plus the rows of the
// partial days at a range's edges) when there is no search text or amount range. This test sells
// across several months on the test clock, then checks the summary and the timeseries of many
// ranges — dates, mid-day timestamps, month edges, open ends, with and without other filters —
// against sums it computes itself from the full list (which the rollup does not touch).
import assert from 'node:assert/strict';
import { describe, test, before, after } from './support/test.mjs';
import { serverHooks } from './support/server.mjs';
import { Client, expectStatus } from './support/client.mjs';
import { createShop, buy, advanceClock, DAY } from './support/selling.mjs';

describe('sales rollup', () => {
  const srv = serverHooks({ before, after });
  let shop;
  let seller; // a bearer token's client: the session would expire over the months on the clock
  const lines = []; // {created_at (ms), total_minor, country, product_id, tier}
  const orderIds = [];

  before(async () => {
    shop = await createShop(srv.server, {
      products: {
        a: { title: 'Alpha Pack', tiers: [{ name: 'Personal', price_minor: 1000, terms: 'Personal use.' }, { name: 'Commercial', price_minor: 2500, terms: 'Commercial use.' }] },
        b: { title: 'Beta Font', prices: [700] },
      },
    });
    const token = await shop.client.post('/api/v1/api-tokens', { name: 'rollup test' });
    expectStatus(token, 201);
    seller = new Client(srv.server, { bearer: token.json.token });
    // 16 orders, 5 days and some hours apart: about 80 days, so at least two month edges.
    for (let i = 0; i < 16; i++) {
      const de = i % 3 === 0;
      const { order } = await buy(srv.server, shop, [{ product: i % 2 ? 'b' : 'a', tier: i % 4 === 0 ? 1 : 0 }], {
        name: `Buyer ${i}`,
        email: `buyer${i}.${Date.now().toString(36)}@example.com`,
        ...(de ? { country: 'DE', consent_immediate_delivery: true } : { country: 'GB' }),
      });
      orderIds.push(order.id);
      for (const l of order.lines) {
        lines.push({ created_at: Date.parse(order.created_at), total_minor: l.total_minor, country: order.tax.country, product_id: l.product.id, tier: l.tier.name });
      }
      await advanceClock(srv.server, 5 * DAY + 7 * 3600 + 13 * 60);
    }
  });

  const iso = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const get = async (path, params) => {
    const res = await seller.get(`${path}?${new URLSearchParams(params)}`);
    expectStatus(res, 200);
    return res.json;
  };

  test('summary of every kind of range equals the sum of the matching sales', async () => {
    const t0 = lines[0].created_at;
    const tN = lines[lines.length - 1].created_at;
    const monthStart = (ms, k = 0) => { const d = new Date(ms); return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + k, 1); };
    const dayStart = (ms) => ms - (ms % 86400000);
    const ranges = [
      [null, null],
      [t0 + 3 * 3600e3, null],
      [null, tN - 5 * 3600e3],
      [t0 + 11 * 3600e3, tN - 13 * 3600e3], // partial days at both ends, whole months inside
      [monthStart(t0, 1), monthStart(t0, 2)], // exactly one month
      [monthStart(t0, 1) - 3600e3, monthStart(t0, 2) + 3600e3], // one month and an hour each side
      [dayStart(t0) + 86400000, dayStart(t0) + 20 * 86400000], // whole days, no whole month
      [t0 + 1000, t0 + 2 * 3600e3], // inside one day
      [monthStart(t0, 1) + 5 * 3600e3, monthStart(t0, 1) + 30 * 86400000 + 2 * 3600e3],
    ];
    const filters = [{}, { country: 'DE' }, { product_id: shop.products.a.id, tier: 'Commercial' }, { status: 'complete' }, { status: 'refunded' }];
    let nonEmpty = 0;
    for (const [from, to] of ranges) {
      for (const extra of filters) {
        const params = { ...extra, limit: '1' };
        if (from !== null) params.from = iso(from);
        if (to !== null) params.to = iso(to);
        const expected = lines.filter((l) =>
          (from === null || l.created_at >= from) && (to === null || l.created_at < to) &&
          (!extra.country || l.country === extra.country) &&
          (!extra.product_id || l.product_id === extra.product_id) && (!extra.tier || l.tier === extra.tier) &&
          extra.status !== 'refunded');
        const { summary } = await get('/api/v1/sales', params);
        const what = JSON.stringify(params);
        assert.equal(summary.count, expected.length, `${what}: count`);
        assert.equal(summary.total_minor, expected.reduce((s, l) => s + l.total_minor, 0), `${what}: total`);
        if (expected.length) nonEmpty += 1;
      }
    }
    assert.ok(nonEmpty >= 20, `the ranges select sales (${nonEmpty} non-empty cases)`);
  });

  test('timeseries by day, week and month: each bucket equals its sales', async () => {
    const from = lines[0].created_at - 3 * 3600e3;
    const to = lines[lines.length - 1].created_at + 3600e3;
    for (const interval of ['day', 'week', 'month']) {
      for (const extra of [{}, { country: 'GB' }]) {
        const ts = await get('/api/v1/sales/timeseries', { ...extra, interval, from: iso(from), to: iso(to) });
        const starts = ts.data.map((b) => Date.parse(b.period_start));
        let count = 0;
        for (let i = 0; i < ts.data.length; i++) {
          const lo = Math.max(starts[i], from);
          const hi = Math.min(i + 1 < starts.length ? starts[i + 1] : Infinity, to);
          const inBucket = lines.filter((l) => l.created_at >= lo && l.created_at < hi && (!extra.country || l.country === extra.country));
          assert.equal(ts.data[i].count, inBucket.length, `${interval} ${JSON.stringify(extra)} ${ts.data[i].period_start}: count`);
          assert.equal(ts.data[i].total_minor, inBucket.reduce((s, l) => s + l.total_minor, 0), `${interval} ${ts.data[i].period_start}: total`);
          count += ts.data[i].count;
        }
        assert.equal(count, lines.filter((l) => !extra.country || l.country === extra.country).length, `${interval}: every sale in a bucket`);
      }
    }
  });

  test('refunds move sales between statuses: the summary per status still equals the rows', async () => {
    const refund = async (orderId, body) => {
      const res = await seller.post(`/api/v1/orders/${orderId}/refunds`, { reason: 'rollup test', ...body });
      expectStatus(res, 201);
    };
    await refund(orderIds[0], {}); // full
    await refund(orderIds[1], { amount_minor: 100 }); // partial
    const statuses = ['complete', 'refund_processing', 'partially_refunded', 'refunded'];
    const counted = {};
    for (const status of statuses) {
      const rows = [];
      let cursor = null;
      let summary = null;
      do {
        const page = await get('/api/v1/sales', { status, limit: '100', ...(cursor ? { cursor } : {}) });
        summary ??= page.summary;
        rows.push(...page.data);
        cursor = page.next_cursor;
      } while (cursor);
      assert.equal(summary.count, rows.length, `${status}: count`);
      assert.equal(summary.total_minor, rows.reduce((t, r) => t + r.total_minor, 0), `${status}: total`);
      counted[status] = rows.length;
    }
    assert.equal(counted.refund_processing, 2, 'both refunded lines are processing');
    assert.equal(Object.values(counted).reduce((a, b) => a + b, 0), lines.length, 'every line has one status');
    const all = await get('/api/v1/sales', { limit: '1', from: iso(lines[0].created_at - 1000) });
    assert.equal(all.summary.count, lines.length, 'a dated summary (day and month rollups) keeps every line');
  });
});
