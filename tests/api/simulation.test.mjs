// A seeded random simulation of selling with an independent auditor (R-CHK-1, R-TAX-2,
// R-LED-1..3).
//
// Two stores (USD with default fees and a 7-day hold; EUR with 1234 bp + 7 and a 2-day hold)
// take random checkouts (products, tiers, quantities, countries with known rates, card brands,
// ~5% declined cards, a few invalid requests, idempotent replays), random payouts (some over
// the available balance, which must be 409 and change nothing) and test-clock advances.
// Checkouts run in batches of up to 8 concurrent requests; payouts and clock moves run alone.
// After every batch or step the auditor checks through the API, for each store:
//   pending + available + paid_out == Σ net of successful orders (computed here from each
//   order's subtotal and the store's fee formula), paid_out == Σ accepted payouts,
//   available ≥ 0, and available within what the orders' hold ends allow at the server's time;
// and every order answer's total == subtotal + tax, tax == half-up per line at the expected rate.
// At the end: every acknowledged order in the database with its answered amounts, the order
// count and sums per store, and every journal entry balanced per currency (DB queries).
//
//   SIM_SEED=123 SIM_STEPS=2000 tests/api/run simulation.test.mjs    # replay / shorter run
//   SIM_DISTINCT_BUYERS=1 …   # never one buyer twice in a batch (see the known race in checkout.test.mjs)
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test, before, after } from './support/test.mjs';
import { serverHooks } from './support/server.mjs';
import { Client, expectStatus, randomKey, createToken, describe as describeRes } from './support/client.mjs';
import { expectError } from './support/assert.mjs';
import {
  RATE_PPM, EU, place, lineTax, netOf, checkOrderMath, CARDS, card, createShop, getBalance, micros,
  DAY, dbRows, unbalancedEntries, Rng, pool,
} from './support/selling.mjs';

const SEED = process.env.SIM_SEED !== undefined && process.env.SIM_SEED !== '' ? Number(process.env.SIM_SEED) >>> 0 : randomBytes(4).readUInt32LE(0);
// Steps are checkouts, payouts and clock moves; 10,300 steps make at least 10,000 checkouts
// and payouts (asserted below for the default run), as the Selling issue asks.
const STEPS = Number(process.env.SIM_STEPS || 10300);
const CONCURRENCY = 8; // requests in flight
const BATCH = 16; // checkouts between two audits
const DISTINCT_BUYERS = process.env.SIM_DISTINCT_BUYERS === '1';
const PLACES = ['DE', 'FR', 'IT', 'GB', 'NO', 'CH', 'JP', 'AU', 'BR', 'US-WA', 'US-NY', 'US-NJ', 'US-OR', 'US-CA', 'CA-ON', 'CA-QC', 'CA-AB'];
const GOOD_CARDS = [CARDS.visa, CARDS.mastercard, CARDS.amex, CARDS.de, CARDS.gb, CARDS.ca];

describe(`simulation (seed ${SEED}, ${STEPS} steps)`, () => {
  const srv = serverHooks({ before, after });
  const banner = `SIM_SEED=${SEED} SIM_STEPS=${STEPS}`;
  let stores; // [{shop, cfg, model}]

  before(async () => {
    process.stdout.write(`simulation: ${banner} (backend ${srv.server.backend})\n`);
    const configs = [
      { key: 'A', patch: {}, cfg: { fee_percent_bp: 500, fee_fixed_minor: 30, hold_period_days: 7, currency: 'USD' } },
      { key: 'B', patch: { currency: 'EUR', fee_percent_bp: 1234, fee_fixed_minor: 7, hold_period_days: 2 }, cfg: { fee_percent_bp: 1234, fee_fixed_minor: 7, hold_period_days: 2, currency: 'EUR' } },
    ];
    stores = [];
    for (const c of configs) {
      const shop = await createShop(srv.server, {
        store: c.patch,
        products: {
          p0: { prices: [1, 99, 1005, 2500, 4999] },
          p1: { prices: [50, 1000] },
          p2: { prices: [12345] },
          p3: { prices: [7, 333], license_keys: true },
        },
      });
      for (const [k, v] of Object.entries(c.cfg)) assert.equal(shop.store[k], v, `store setting ${k}`);
      // The seller works through an API token: a cookie session would expire on the moved clock.
      const api = new Client(srv.server, { bearer: (await createToken(shop.client)).token });
      stores.push({ key: c.key, shop, api, cfg: c.cfg, model: { sumNet: 0, paidOut: 0, holds: [], orders: 0, subtotal: 0, tax: 0 } });
    }
  });

  test('random checkouts, payouts and clock moves keep the books', { timeout: 600_000 }, async (t) => {
    t.diagnostic(`replay with ${banner}`);
    const rng = new Rng(SEED);
    let offsetMicros = 0; // the test clock's offset (we are its only mover)
    let step = 0;
    const stats = { checkouts: 0, ok: 0, declined: 0, invalid: 0, replays: 0, payouts: 0, payoutsRefused: 0, advances: 0, audits: 0 };
    const orders = []; // {id, storeKey, subtotal, tax, total, owner}
    const replayable = []; // {body, key, json}
    const busy = new Set(); // buyers in the current batch
    const buyers = Array.from({ length: 40 }, (_, i) => ({ email: `sim-${SEED}-${i}-${randomBytes(3).toString('hex')}@example.com`, session: null }));
    const fail = (msg) => {
      throw new Error(`SIMULATION FAILED at step ${step} (replay: ${banner}): ${msg}`);
    };
    const check = (cond, msg) => {
      if (!cond) fail(typeof msg === 'function' ? msg() : msg);
    };

    const serverNow = () => Date.now() * 1000 + offsetMicros; // same system clock as the server
    const availableAt = (m, tMicros) => m.holds.reduce((s, h) => (h.at <= tMicros ? s + h.net : s), 0) - m.paidOut;

    // -----------------------------------------------------------------------------------------
    // A checkout: choose everything from the RNG, send, check the answer, update the model.
    function planCheckout() {
      const s = rng.pick(stores);
      const nLines = rng.chance(0.7) ? 1 : rng.int(2, 3);
      const items = [];
      for (let i = 0; i < nLines; i++) {
        const pname = rng.pick(['p0', 'p0', 'p1', 'p2', 'p3']);
        const p = s.shop.products[pname];
        const tier = rng.int(0, p.tiers.length - 1);
        const quantity = rng.chance(0.75) ? 1 : rng.int(2, 7);
        items.push({ product: p, tier, quantity });
      }
      const where = rng.pick(PLACES);
      const { country, region } = place(where);
      let buyer = rng.pick(buyers);
      // SIM_DISTINCT_BUYERS=1: no buyer twice in one batch (looks past the concurrent
      // first-checkout race for one email; off by default, so the simulation stays strict).
      while (DISTINCT_BUYERS && busy.has(buyer)) buyer = rng.pick(buyers);
      busy.add(buyer);
      const r = rng.next();
      let kind = 'ok';
      let token = card(rng.pick(GOOD_CARDS));
      if (r < 0.03) (kind = 'declined'), (token = card(CARDS.declined));
      else if (r < 0.05) (kind = 'insufficient'), (token = card(CARDS.insufficient));
      else if (r < 0.06) (kind = 'bad_token'), (token = card(CARDS.notLuhn));
      else if (r < 0.07) kind = 'bad_quantity';
      else if (r < 0.08 && EU.has(country)) kind = 'no_consent';
      const signedIn = buyer.session && rng.chance(0.3);
      const body = {
        store: s.shop.slug,
        items: items.map((it) => ({ product_id: it.product.id, tier_id: it.product.tiers[it.tier].id, quantity: kind === 'bad_quantity' ? 0 : it.quantity })),
        email: buyer.email,
        name: `Sim Buyer ${buyer.email.slice(4, 12)}`,
        country: rng.chance(0.1) ? country.toLowerCase() : country,
        payment_token: token,
      };
      if (region) body.region = region;
      if (EU.has(country) && kind !== 'no_consent') body.consent_immediate_delivery = true;
      else if (rng.chance(0.2)) body.consent_immediate_delivery = kind !== 'no_consent';
      if (kind === 'no_consent') body.consent_immediate_delivery = false;
      if (rng.chance(0.3)) body.postal_code = String(rng.int(10000, 99999));
      return { s, items, where, buyer, kind, body, signedIn, key: randomKey() };
    }

    async function runCheckout(plan) {
      stats.checkouts++;
      const client = plan.signedIn ? plan.buyer.session : new Client(srv.server);
      const res = await client.post('/api/v1/checkout', plan.body, { idempotencyKey: plan.key });
      const ctx = () => `${JSON.stringify(plan.body)} → ${describeRes(res)}`;
      const codes = { declined: [402, 'card_declined', null], insufficient: [402, 'insufficient_funds', null], bad_token: [400, 'payment_token_invalid', 'payment_token'], bad_quantity: [400, 'out_of_range', 'items[0].quantity'], no_consent: [400, 'consent_required', 'consent_immediate_delivery'] };
      if (plan.kind !== 'ok') {
        const [status, code, param] = codes[plan.kind];
        check(res.status === status && res.json?.error?.code === code, () => `expected ${status} ${code}: ${ctx()}`);
        if (status === 400) check(res.json.error.param === param, () => `param: ${ctx()}`);
        check(!res.setCookies.some((c) => c.startsWith('sd_session=')), () => `failed checkout set a session: ${ctx()}`);
        if (status === 402) stats.declined++;
        else stats.invalid++;
        return;
      }
      check(res.status === 201, () => `expected 201: ${ctx()}`);
      const o = res.json.order;
      const ppm = RATE_PPM[plan.where];
      try {
        checkOrderMath(o, ppm);
      } catch (e) {
        fail(`${e.message}\nrequest: ${JSON.stringify(plan.body)}`);
      }
      check(o.currency === plan.s.cfg.currency, () => `currency: ${ctx()}`);
      check(o.status === 'paid', () => `status: ${ctx()}`);
      check(o.lines.length === plan.items.length, () => `lines: ${ctx()}`);
      let subtotal = 0;
      plan.items.forEach((it, i) => {
        const l = o.lines[i];
        const tier = it.product.tiers[it.tier];
        check(l.product.id === it.product.id && l.tier.id === tier.id, () => `line ${i} product/tier: ${ctx()}`);
        check(l.unit_price_minor === tier.price_minor && l.quantity === it.quantity, () => `line ${i} price/qty: ${ctx()}`);
        check(l.tax_minor === lineTax(tier.price_minor * it.quantity, ppm), () => `line ${i} tax: ${ctx()}`);
        check((l.license_key !== null) === !!it.product.license_keys, () => `line ${i} license key: ${ctx()}`);
        subtotal += tier.price_minor * it.quantity;
      });
      const { country, region } = place(plan.where);
      check(o.tax.country === country && o.tax.region === (region ?? ''), () => `jurisdiction: ${ctx()}`);
      check((o.consent_immediate_delivery_at !== null) === EU.has(country), () => `consent: ${ctx()}`);
      const expectedEmail = plan.signedIn ? plan.buyer.email : plan.body.email;
      check(o.email === expectedEmail, () => `email: ${ctx()}`);
      const m = plan.s.model;
      const net = netOf(subtotal, plan.s.cfg);
      m.sumNet += net;
      m.orders += 1;
      m.subtotal += subtotal;
      m.tax += o.tax_minor;
      if (net > 0) m.holds.push({ at: micros(o.created_at) + plan.s.cfg.hold_period_days * DAY * 1e6, net });
      const cookie = res.setCookies.find((c) => c.startsWith('sd_session='));
      if (cookie) {
        check(!plan.buyer.session, () => `a second session for ${plan.buyer.email}: ${ctx()}`);
        plan.buyer.session = client;
        plan.buyer.needsCsrf = true;
      }
      orders.push({ id: o.id, storeKey: plan.s.key, subtotal, tax: o.tax_minor, total: o.total_minor, buyer: plan.buyer });
      // Replays come from a guest again: keys are scoped per principal, and a signed-in
      // buyer's session may have expired on the moved clock (then the retry is another request).
      if (!plan.signedIn && replayable.length < 50) replayable.push({ body: plan.body, key: plan.key, json: res.json });
      stats.ok++;
    }

    async function runReplay() {
      const r = rng.pick(replayable);
      const res = await new Client(srv.server).post('/api/v1/checkout', r.body, { idempotencyKey: r.key });
      check(res.status === 201 && res.headers.get('idempotent-replayed') === 'true', () => `replay: ${describeRes(res)}`);
      check(res.json.order.id === r.json.order.id, () => `replay gave another order: ${describeRes(res)}`);
      stats.replays++;
    }

    // -----------------------------------------------------------------------------------------
    async function audit(what) {
      stats.audits++;
      await Promise.all(stores.map(async (s) => {
        const t0 = serverNow() - 2000;
        const b = await getBalance(s.api);
        const t1 = serverNow() + 2000;
        const m = s.model;
        const tag = `store ${s.key} after ${what}: balance ${JSON.stringify(b)}, model Σnet ${m.sumNet} paid_out ${m.paidOut}`;
        check(b.currency === s.cfg.currency, () => `currency: ${tag}`);
        check(b.pending_minor + b.available_minor + b.paid_out_minor === m.sumNet, () => `pending + available + paid_out != Σ net: ${tag}`);
        check(b.paid_out_minor === m.paidOut, () => `paid_out != Σ payouts: ${tag}`);
        check(b.available_minor >= 0 && b.pending_minor >= 0, () => `negative balance: ${tag}`);
        const lo = availableAt(m, t0);
        const hi = availableAt(m, t1);
        check(b.available_minor >= lo && b.available_minor <= hi, () => `available not in [${lo}, ${hi}] by the holds: ${tag}`);
      }));
    }

    async function runPayout() {
      const s = rng.pick(stores);
      const m = s.model;
      const b = await getBalance(s.api);
      const over = b.available_minor === 0 || rng.chance(0.35);
      const amount = over ? b.available_minor + rng.int(1, Math.max(1, b.pending_minor + 1000)) : rng.int(1, b.available_minor);
      const t0 = serverNow() - 2000;
      const res = await s.api.post('/api/v1/payouts', { amount_minor: amount });
      const t1 = serverNow() + 2000;
      stats.payouts++;
      const mustPass = amount <= availableAt(m, t0);
      const mustFail = amount > availableAt(m, t1);
      if (res.status === 201) {
        check(!mustFail, () => `payout of ${amount} over the available balance succeeded: ${describeRes(res)}; balance before ${JSON.stringify(b)}`);
        check(res.json.amount_minor === amount && res.json.currency === s.cfg.currency, () => `payout answer: ${describeRes(res)}`);
        check(amount <= availableAt(m, micros(res.json.created_at)), () => `payout exceeds what was available at its own time: ${describeRes(res)}`);
        m.paidOut += amount;
      } else {
        check(!mustPass, () => `payout of ${amount} within the available balance refused: ${describeRes(res)}; before ${JSON.stringify(b)}`);
        try {
          expectError(res, 409, 'available_balance_insufficient', { param: 'amount_minor' });
        } catch (e) {
          fail(e.message);
        }
        stats.payoutsRefused++;
      }
    }

    async function runAdvance() {
      const seconds = rng.chance(0.5) ? rng.int(60, 6 * 3600) : rng.int(6 * 3600, 3 * DAY);
      const res = await new Client(srv.server).post('/api/v1/test/clock', { advance_seconds: seconds });
      expectStatus(res, 200);
      offsetMicros = res.json.offset_seconds * 1e6;
      stats.advances++;
    }

    // Buyers that got a session need the CSRF token before buying signed in.
    async function refreshCsrf() {
      for (const b of buyers) {
        if (b.session && b.needsCsrf) {
          expectStatus(await b.session.get('/api/v1/me'), 200);
          b.needsCsrf = false;
        }
      }
    }

    const started = Date.now();
    const timing = { checkouts: 0, audits: 0 };
    offsetMicros = (await new Client(srv.server).get('/api/v1/test/clock')).json.offset_seconds * 1e6;
    await audit('start');
    while (step < STEPS) {
      const r = rng.next();
      if (r < 0.8) {
        // A batch of checkouts (and the odd replay), run concurrently.
        const plans = [];
        busy.clear();
        while (plans.length < BATCH && step < STEPS) {
          step++;
          plans.push(replayable.length > 0 && rng.chance(0.01) ? 'replay' : planCheckout());
        }
        await refreshCsrf();
        const tb = Date.now();
        await pool(plans, CONCURRENCY, (p) => (p === 'replay' ? runReplay() : runCheckout(p)));
        const ta = Date.now();
        await audit(`checkout batch ending at step ${step}`);
        timing.checkouts += ta - tb;
        timing.audits += Date.now() - ta;
      } else if (r < 0.93) {
        step++;
        await runPayout();
        await audit(`payout step ${step}`);
      } else {
        step++;
        await runAdvance();
        await audit(`clock advance step ${step}`);
      }
    }

    // -----------------------------------------------------------------------------------------
    // The end: every acknowledged order is in the database with the amounts it was answered
    // with (buyers' sessions may have expired on the moved clock, so this reads the database),
    // the per-store sums agree, and the ledger balances.
    const rows = dbRows(srv.server, 'SELECT public_id, subtotal_minor, tax_minor, total_minor FROM orders');
    const inDb = new Map(rows.map(([id, sub, tax, total]) => [id, [Number(sub), Number(tax), Number(total)]]));
    for (const o of orders) {
      const got = inDb.get(o.id);
      check(got, () => `acknowledged order ${o.id} is not in the database`);
      check(got[0] === o.subtotal && got[1] === o.tax && got[2] === o.total, () => `order ${o.id} in the database ${JSON.stringify(got)} != answered ${JSON.stringify([o.subtotal, o.tax, o.total])}`);
    }
    for (const s of stores) {
      const [count, subtotal, tax, net] = dbRows(srv.server,
        `SELECT COUNT(*), COALESCE(SUM(o.subtotal_minor), 0), COALESCE(SUM(o.tax_minor), 0), COALESCE(SUM(o.net_minor), 0) FROM orders o JOIN stores st ON st.id = o.store_id WHERE st.slug = '${s.shop.slug}'`)[0].map(Number);
      check(count === s.model.orders, () => `store ${s.key}: ${count} orders in the database, ${s.model.orders} acknowledged`);
      check(subtotal === s.model.subtotal && tax === s.model.tax && net === s.model.sumNet,
        () => `store ${s.key}: database sums ${JSON.stringify({ subtotal, tax, net })} != model ${JSON.stringify(s.model, (k, v) => (k === 'holds' ? undefined : v))}`);
    }
    const bad = unbalancedEntries(srv.server);
    check(bad.length === 0, () => `unbalanced journal entries: ${JSON.stringify(bad.slice(0, 10))}`);
    await audit('the end');
    if (!process.env.SIM_STEPS) {
      assert.ok(stats.checkouts + stats.payouts >= 10000,
                `the default run must make ≥ 10,000 checkouts and payouts: ${JSON.stringify(stats)}`);
    }
    const summary = `${banner}: ${JSON.stringify(stats)} in ${((Date.now() - started) / 1000).toFixed(1)} s (ms ${JSON.stringify(timing)}); ` +
      stores.map((s) => `store ${s.key} Σnet ${s.model.sumNet} paid out ${s.model.paidOut}`).join('; ');
    t.diagnostic(summary);
    check(stats.ok > STEPS * 0.5, `too few successful checkouts: ${JSON.stringify(stats)}`);
    check(STEPS < 500 || (stats.declined > 0 && stats.payoutsRefused > 0 && stats.payouts > stats.payoutsRefused && stats.advances > 0), `the mix did not exercise every path: ${JSON.stringify(stats)}`);
  });
});
