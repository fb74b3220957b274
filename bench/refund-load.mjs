// W-REFUND load generator (shared/BENCH.md): CLIENTS concurrent sellers' clients refund random
// eligible orders (bought within the last 85 days, so inside the 90-day window) in full, each
// with a fresh Idempotency-Key; 10% of the requests are repeated at once — half with the same
// key (a retry: one refund, the same answer), half with another key (a double click: exactly
// one refund, the other 409). Waits for every answer in flight. Prints one JSON line:
// refunds/s (201 answers that created a refund), p50/p99 latency (ms) and counts by status.
//   node bench/refund-load.mjs URL BEARER_TOKEN [CLIENTS=16] [DURATION_S=10]
import http from 'node:http';
import { randomUUID } from 'node:crypto';

const [url, token, clientsArg = '16', durationArg = '10'] = process.argv.slice(2);
const clients = Number(clientsArg);
const durationMs = Number(durationArg) * 1000;
const base = new URL(url);
const agent = new http.Agent({ keepAlive: true, maxSockets: clients * 2 });

function request(method, path, body, headers = {}) {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request(
      { host: base.hostname, port: base.port, method, path, agent,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...headers,
                   ...(data ? { 'content-length': Buffer.byteLength(data) } : {}) } },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString() }));
      });
    req.on('error', reject);
    if (data) req.write(data);
    req.end();
  });
}

// Eligible orders: complete sales of the last 85 days, newest first (one id per order).
const from = new Date(Date.now() - 85 * 86400e3).toISOString();
const orders = [];
const seen = new Set();
for (let cursor = null; ;) {
  const q = new URLSearchParams({ status: 'complete', from, limit: '100', ...(cursor ? { cursor } : {}) });
  const page = JSON.parse((await request('GET', `/api/v1/sales?${q}`)).body);
  for (const r of page.data) if (!seen.has(r.order_id)) { seen.add(r.order_id); orders.push(r.order_id); }
  if (!page.next_cursor || orders.length >= 20000) break;
  cursor = page.next_cursor;
}
for (let i = orders.length - 1; i > 0; i--) { const j = Math.floor(Math.random() * (i + 1)); [orders[i], orders[j]] = [orders[j], orders[i]]; }

const latencies = [];
const counts = {};
let refunds = 0, replays = 0, next = 0;
const deadline = Date.now() + durationMs;
const started = Date.now();
async function refund(orderId, key) {
  const t0 = process.hrtime.bigint();
  const res = await request('POST', `/api/v1/orders/${orderId}/refunds`, { reason: 'bench' }, { 'idempotency-key': key });
  latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
  counts[res.status] = (counts[res.status] ?? 0) + 1;
  if (res.status === 201 && res.headers['idempotent-replayed'] !== 'true') refunds++;
  if (res.headers['idempotent-replayed'] === 'true') replays++;
  return res;
}
async function worker() {
  while (Date.now() < deadline && next < orders.length) {
    const orderId = orders[next++];
    const key = randomUUID();
    const r = Math.random();
    if (r < 0.05) await Promise.all([refund(orderId, key), refund(orderId, key)]);
    else if (r < 0.1) await Promise.all([refund(orderId, key), refund(orderId, randomUUID())]);
    else await refund(orderId, key);
  }
}
await Promise.all(Array.from({ length: clients }, worker));
const elapsed = (Date.now() - started) / 1000;
latencies.sort((a, b) => a - b);
const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))];
console.log(JSON.stringify({ refunds_per_s: Math.round(refunds / elapsed), p50_ms: +pct(0.5).toFixed(2),
                             p99_ms: +pct(0.99).toFixed(2), refunds, replays, by_status: counts,
                             eligible_orders: orders.length, seconds: +elapsed.toFixed(2) }));
agent.destroy();
