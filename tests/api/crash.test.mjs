// Durability under kill -9 (R-CHK-1, R-LED-1): 8 clients check out continuously; the server is
// killed with SIGKILL mid-load and restarted on the same database. Every acknowledged (2xx)
// order must be there for its buyer, the seller's balance must hold exactly the acknowledged
// orders plus at most the ones in flight at the kill, and every journal entry must balance.
import assert from 'node:assert/strict';
import { describe, test, before, after } from './support/test.mjs';
import { serverHooks } from './support/server.mjs';
import { Client, expectStatus, createToken, uniqueEmail, describe as describeRes } from './support/client.mjs';
import { createShop, checkoutBody, netOf, getBalance, dbRows, unbalancedEntries } from './support/selling.mjs';

const WORKERS = 8;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

describe('crash: kill -9 under checkout load', () => {
  const srv = serverHooks({ before, after });
  let shop;
  let api; // the seller's bearer client (survives the restart; follows the new port)

  before(async () => {
    shop = await createShop(srv.server, { products: { p: { prices: [1000, 2500] } } });
    api = new Client(srv.server, { bearer: (await createToken(shop.client)).token });
  });

  test('every acknowledged order survives; the balance holds them (plus at most the in-flight ones); the ledger balances', { timeout: 120_000 }, async () => {
    const acked = []; // {id, client, net, total}
    let inFlightAtKill = 0;
    let unexpected = [];
    let stop = false;
    let killed = false;

    async function worker(w) {
      let n = 0;
      while (!stop) {
        const client = new Client(srv.server); // a new guest each time: the answer carries its session
        const tier = (w + n++) % 2;
        const body = checkoutBody(shop, [{ product: 'p', tier }], { email: uniqueEmail(`crash-w${w}`) });
        let res;
        try {
          res = await client.post('/api/v1/checkout', body, { timeoutMs: 10_000 });
        } catch (e) {
          if (killed) inFlightAtKill++;
          else unexpected.push(`worker ${w}: ${e.message}`);
          return;
        }
        if (res.status === 201) {
          acked.push({ id: res.json.order.id, client, net: netOf(res.json.order.subtotal_minor), total: res.json.order.total_minor });
        } else if (!killed) {
          unexpected.push(`worker ${w}: ${describeRes(res)}`);
          return;
        }
      }
    }

    const workers = Array.from({ length: WORKERS }, (_, w) => worker(w));
    // Let the load build up, then kill while requests are in flight.
    const t0 = Date.now();
    while ((acked.length < 60 || Date.now() - t0 < 1000) && Date.now() - t0 < 20_000 && unexpected.length === 0) await sleep(20);
    assert.deepEqual(unexpected, [], 'checkouts failed before the kill');
    assert.ok(acked.length > 0, 'no checkout succeeded before the kill');
    killed = true;
    const info = await srv.server.kill9();
    assert.equal(info.signal, 'SIGKILL');
    stop = true;
    await Promise.all(workers);
    assert.deepEqual(unexpected, []);
    const ackedAtKill = acked.length;

    await srv.server.restart();

    // Every acknowledged order, read back by its own buyer (the session survived as well).
    for (let i = 0; i < acked.length; i += WORKERS) {
      await Promise.all(acked.slice(i, i + WORKERS).map(async (o) => {
        const res = await o.client.get(`/api/v1/my/orders/${o.id}`);
        assert.equal(res.status, 200, `acknowledged order ${o.id} lost: ${describeRes(res)}`);
        const got = res.json.order ?? res.json;
        assert.equal(got.id, o.id);
        assert.equal(got.total_minor, o.total);
      }));
    }

    const sumAcked = acked.reduce((s, o) => s + o.net, 0);
    const maxNet = Math.max(netOf(1000), netOf(2500));
    const b = await getBalance(api);
    assert.equal(b.available_minor + b.paid_out_minor, 0);
    assert.ok(b.pending_minor >= sumAcked, `balance ${b.pending_minor} < Σ acknowledged ${sumAcked} (${ackedAtKill} orders)`);
    assert.ok(b.pending_minor <= sumAcked + inFlightAtKill * maxNet, `balance ${b.pending_minor} > Σ acknowledged ${sumAcked} + ${inFlightAtKill} in flight`);

    const [count] = dbRows(srv.server, 'SELECT COUNT(*) FROM orders')[0].map(Number);
    assert.ok(count >= acked.length && count <= acked.length + inFlightAtKill, `${count} orders in the database, ${acked.length} acknowledged, ${inFlightAtKill} in flight`);
    // Every order in the database has its sale entry (and nothing else half-written).
    const [withoutEntry] = dbRows(srv.server, "SELECT COUNT(*) FROM orders o WHERE NOT EXISTS (SELECT 1 FROM journal_entries e WHERE e.order_id = o.id AND e.kind = 'sale')")[0].map(Number);
    assert.equal(withoutEntry, 0, 'orders without their ledger entry');
    assert.deepEqual(unbalancedEntries(srv.server), [], 'unbalanced journal entries after the crash');
    // The ledger's pending equals the sum of the orders' nets in the database.
    const [dbNet] = dbRows(srv.server, 'SELECT COALESCE(SUM(net_minor), 0) FROM orders')[0].map(Number);
    assert.equal(b.pending_minor, dbNet);

    // And the restarted server sells again.
    const again = await new Client(srv.server).post('/api/v1/checkout', checkoutBody(shop, [{ product: 'p' }]));
    expectStatus(again, 201);
    assert.equal((await getBalance(api)).pending_minor, dbNet + netOf(1000));
    process.stdout.write(`crash: ${ackedAtKill} orders acknowledged before the kill, ${inFlightAtKill} in flight, ${count} in the database\n`);
  });
});
