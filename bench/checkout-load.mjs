// W-CHECKOUT load generator (shared/BENCH.md): CLIENTS concurrent buyers, each posting
// checkouts of random published tiers as new guests with a fresh Idempotency-Key, for DURATION
// seconds; then it waits for every answer in flight, so "orders in the database = 201 answers"
// can be checked exactly. Prints one JSON line: orders/s, p50/p99 latency (ms), counts.
//   node bench/checkout-load.mjs URL STORE_SLUG [CLIENTS=16] [DURATION_S=10]
import http from 'node:http';
import { randomUUID } from 'node:crypto';

const [url, store, clientsArg = '16', durationArg = '10'] = process.argv.slice(2);
const clients = Number(clientsArg);
const durationMs = Number(durationArg) * 1000;
const base = new URL(url);
const agent = new http.Agent({ keepAlive: true, maxSockets: clients });

function request(method, path, body, headers = {}) {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request(
      { host: base.hostname, port: base.port, method, path, agent,
        headers: { 'content-type': 'application/json', ...headers,
                   ...(data ? { 'content-length': Buffer.byteLength(data) } : {}) } },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString() }));
      });
    req.on('error', reject);
    if (data) req.write(data);
    req.end();
  });
}

const list = JSON.parse((await request('GET', `/api/v1/stores/${store}/products?limit=100`)).body);
const items = list.data.flatMap((p) => p.tiers.map((t) => ({ product_id: p.id, tier_id: t.id })));
const places = [{ country: 'US', region: 'OR' }, { country: 'US', region: 'WA' },
  { country: 'DE', consent_immediate_delivery: true }, { country: 'GB' }, { country: 'JP' }];
const pick = (a) => a[Math.floor(Math.random() * a.length)];

const latencies = [];
let created = 0, other = 0;
const deadline = Date.now() + durationMs;
const started = Date.now();
async function worker() {
  while (Date.now() < deadline) {
    const key = randomUUID();
    const body = { store, items: [{ ...pick(items), quantity: 1 }], email: `${key}@bench.example`,
                   name: 'Bench Buyer', ...pick(places), payment_token: 'test_card_4242424242424242' };
    const t0 = process.hrtime.bigint();
    const res = await request('POST', '/api/v1/checkout', body, { 'idempotency-key': key });
    latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
    if (res.status === 201) created++; else other++;
  }
}
await Promise.all(Array.from({ length: clients }, worker));
const elapsed = (Date.now() - started) / 1000;
latencies.sort((a, b) => a - b);
const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))];
console.log(JSON.stringify({ orders_per_s: Math.round(created / elapsed), p50_ms: +pct(0.5).toFixed(2),
                             p99_ms: +pct(0.99).toFixed(2), created, other, seconds: +elapsed.toFixed(2) }));
agent.destroy();
