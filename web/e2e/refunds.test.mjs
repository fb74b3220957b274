// Refunds and blocking against the real server in --test-mode (scripts/run-e2e): the seller
// refunds one line of a fresh two-line order after reading the preview, sees it processing,
// moves the test clock and sees it succeeded; a buyer asks for a refund from the library and
// the seller declines it; the seller blocks a buyer whose next checkout is refused neutrally.
// Fresh orders are bought in the test: the demo's own orders are older than the refund window.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'playwright-core';
import { logIn, startHarness, uniqueCard } from './support/harness.mjs';

const skip = process.env.SHOPDESK_URL ? false : 'needs the real server (SHOPDESK_URL) in --test-mode';
let h;
const run = { id: Date.now().toString(36) };

before(async () => {
  h = await startHarness();
});
after(async () => {
  await h?.stop();
});

/** A buyer account with a session of its own, able to check out through the API. */
async function newBuyer(label) {
  const api = await request.newContext({ baseURL: h.baseURL });
  const email = `${label}-${run.id}@example.com`;
  const password = 'buyer-password-2026';
  const res = await api.post('/api/v1/auth/signup', { data: { email, password, name: `${label[0].toUpperCase()}${label.slice(1)} Buyer` } });
  assert.equal(res.status(), 201, await res.text());
  const { csrf_token: csrf } = await res.json();
  return { api, email, password, csrf, card: uniqueCard() };
}

async function checkout(buyer, items) {
  return buyer.api.post('/api/v1/checkout', {
    headers: { 'X-CSRF-Token': buyer.csrf, 'Idempotency-Key': `k-${Math.random()}` },
    data: { store: run.slug, items, email: buyer.email, name: 'Test Buyer', country: 'DE', consent_immediate_delivery: true, payment_token: `test_card_${buyer.card}` },
  });
}

async function openOrder(page, email) {
  await page.goto(`/app/sales?q=${encodeURIComponent(email)}`);
  await page.getByTestId('sale-row').first().waitFor();
  await page.getByTestId('sale-row').first().getByRole('link').first().click();
  const panel = page.getByTestId('order-panel');
  await panel.getByTestId('panel-customer-name').waitFor();
  return panel;
}

test('(a) the seller refunds one line after the preview; processing, then succeeded after the clock moves', { skip }, async () => {
  // The store and two of its products.
  const seller = await request.newContext({ baseURL: h.baseURL });
  const login = await seller.post('/api/v1/auth/login', { data: { email: h.demo.email, password: h.demo.password } });
  run.slug = (await login.json()).store.slug;
  const products = (await (await seller.get(`/api/v1/stores/${run.slug}/products`)).json()).data.filter((p) => p.tiers?.length && !p.bundle_product_ids?.length);
  assert.ok(products.length >= 2, 'the demo store sells at least two products');
  run.items = products.slice(0, 2).map((p) => ({ product_id: p.id, tier_id: p.tiers[0].id, quantity: 1 }));
  run.titles = products.slice(0, 2).map((p) => p.title);
  await seller.dispose();

  const buyer = await newBuyer('refundee');
  const res = await checkout(buyer, run.items);
  assert.equal(res.status(), 201, await res.text());
  const order = (await res.json()).order;
  assert.equal(order.lines.length, 2);
  await buyer.api.dispose();

  await h.withPage('refund-seller', async (page) => {
    await logIn(page, h.demo.email, h.demo.password);
    await page.waitForURL('**/app/sales');
    const panel = await openOrder(page, buyer.email);
    await panel.getByRole('button', { name: 'Issue refund' }).click();
    await panel.getByLabel('Chosen items').check();
    await panel.getByTestId('refund-form').getByRole('checkbox').first().check();
    await panel.getByLabel('Reason (required)').fill('Wrong product bought');
    await panel.getByRole('button', { name: 'Preview refund' }).click();
    const preview = panel.getByTestId('refund-preview');
    await preview.waitFor();
    assert.match(await preview.getByTestId('preview-amount').innerText(), /^\$\d+\.\d\d$/);
    assert.match(await preview.getByTestId('preview-revokes').innerText(), /ends at once/);
    assert.match(await preview.getByTestId('refund-evidence').innerText(), /Bought today/);
    assert.match(await preview.getByTestId('refund-evidence').innerText(), /Not downloaded yet/);
    await page.screenshot({ path: h.screenshotPath('refund-preview-en.png'), fullPage: true });
    await panel.getByRole('button', { name: 'Continue' }).click();
    const confirm = panel.getByTestId('refund-confirm');
    await confirm.getByText('A refund cannot be undone.').waitFor();
    await page.screenshot({ path: h.screenshotPath('refund-confirm-en.png'), fullPage: true });
    await confirm.getByRole('button', { name: /^Refund \$/ }).click();
    await panel.getByTestId('refund-card').waitFor();
    assert.equal(await panel.getByTestId('refund-status').innerText(), 'Processing');
    await panel.getByText('Refund issued — processing').waitFor();
    await page.screenshot({ path: h.screenshotPath('refund-processing-en.png'), fullPage: true });

    // The sale's status in the list behind the panel.
    await page.keyboard.press('Escape');
    await page.getByTestId('sale-row').filter({ hasText: 'Refund processing' }).first().waitFor();
  });

  // The buyer's library at once: the refunded line's access is off (no download), the other
  // line is untouched.
  await h.withPage('refund-buyer-library', async (page) => {
    await logIn(page, buyer.email, buyer.password);
    await page.waitForURL((url) => !url.pathname.startsWith('/login'));
    await page.goto('/library');
    const refunded = page.getByTestId('library-item').filter({ hasText: run.titles[0] });
    const kept = page.getByTestId('library-item').filter({ hasText: run.titles[1] });
    await refunded.getByTestId('revoked-note').waitFor();
    assert.equal(await refunded.getByRole('button', { name: /download/i, disabled: false }).count(), 0, 'no download for the refunded line');
    assert.equal(await kept.getByTestId('revoked-note').count(), 0, 'the other line keeps its access');
    assert.ok((await kept.getByRole('button', { name: /download/i, disabled: false }).count()) > 0, 'the other line still downloads');
    await page.screenshot({ path: h.screenshotPath('refund-library-en.png'), fullPage: true });
  });

  await h.withPage('refund-seller-settled', async (page) => {
    // Five business days later (the test clock), the settlement job marks it succeeded.
    const clock = await page.request.post('/api/v1/test/clock', { data: { advance_seconds: 8 * 86400 }, headers: { 'Idempotency-Key': `c-${run.id}` } });
    assert.equal(clock.status(), 200, await clock.text());
    // Sessions follow the store clock too: eight days on, the seller logs in again.
    await logIn(page, h.demo.email, h.demo.password);
    await page.waitForURL('**/app/sales');
    let status = '';
    for (let i = 0; i < 50 && status !== 'Succeeded'; i++) {
      await new Promise((r) => setTimeout(r, 300));
      const p2 = await openOrder(page, buyer.email);
      await p2.getByTestId('refund-status').waitFor();
      status = await p2.getByTestId('refund-status').innerText();
    }
    assert.equal(status, 'Succeeded');
    await page.getByText('Succeeded — money back with the buyer').waitFor();
    await page.screenshot({ path: h.screenshotPath('refund-succeeded-en.png'), fullPage: true });
  });

  // The same panel in Spanish.
  await h.withPage('refund-seller-es', async (page) => {
    await logIn(page, h.demo.email, h.demo.password);
    await page.waitForURL('**/app/sales');
    await page.getByTestId('language-switch').selectOption('es');
    const panel = await openOrder(page, buyer.email);
    await panel.getByRole('button', { name: 'Reembolsar' }).click();
    await panel.getByLabel('Motivo (obligatorio)').fill('Duplicado');
    await panel.getByRole('button', { name: 'Ver el reembolso' }).click();
    await panel.getByTestId('refund-preview').waitFor();
    await page.screenshot({ path: h.screenshotPath('refund-preview-es.png'), fullPage: true });
  });
});

test('(b) a buyer requests a refund from the library; the seller declines it with a message', { skip }, async () => {
  assert.ok(run.items, 'step (a) found the products');
  const buyer = await newBuyer('asker');
  const res = await checkout(buyer, run.items.slice(0, 1));
  assert.equal(res.status(), 201, await res.text());
  await buyer.api.dispose();
  run.asker = buyer;

  await h.withPage('refund-request-buyer', async (page) => {
    await logIn(page, buyer.email, buyer.password);
    await page.waitForURL((url) => !url.pathname.startsWith('/login'));
    await page.goto('/library');
    const item = page.getByTestId('library-item').first();
    await item.getByRole('button', { name: 'Request a refund' }).click();
    await item.getByLabel('Why do you want a refund? (required)').fill('It does not open on my computer.');
    await item.getByRole('button', { name: 'Send request' }).click();
    await item.getByTestId('library-request-status').getByText(/You asked for a refund/).waitFor();
    await page.screenshot({ path: h.screenshotPath('library-refund-requested-en.png'), fullPage: true });
  });

  await h.withPage('refund-request-seller', async (page) => {
    await logIn(page, h.demo.email, h.demo.password);
    await page.waitForURL('**/app/sales');
    await page.goto(`/app/sales?q=${encodeURIComponent(buyer.email)}`);
    await page.getByTestId('row-request').first().getByText('Refund requested').waitFor();
    await page.screenshot({ path: h.screenshotPath('sales-refund-requested-en.png') });
    const panel = await openOrder(page, buyer.email);
    const request = panel.getByTestId('refund-request');
    await request.getByText('It does not open on my computer.').waitFor();
    await page.screenshot({ path: h.screenshotPath('refund-request-panel-en.png'), fullPage: true });
    await request.getByRole('button', { name: 'Decline…' }).click();
    await request.getByLabel('Message to the buyer (required)').fill('Please write to me: I will send you the version for your system.');
    await request.getByRole('button', { name: 'Decline and send' }).click();
    await panel.getByText('Refund request declined; the buyer was sent your message.').waitFor();
    assert.equal(await panel.getByTestId('refund-request').count(), 0);
  });

  await h.withPage('refund-request-declined', async (page) => {
    await logIn(page, buyer.email, buyer.password);
    await page.waitForURL((url) => !url.pathname.startsWith('/login'));
    await page.goto('/library');
    await page.getByTestId('library-request-status').first().getByText('I will send you the version for your system.', { exact: false }).first().waitFor();
    await page.getByTestId('language-switch').selectOption('es').catch(() => {});
    await page.screenshot({ path: h.screenshotPath('library-refund-declined-es.png'), fullPage: true });
  });
});

test('(c) the seller blocks a buyer; their next checkout is refused with the neutral message', { skip }, async () => {
  assert.ok(run.asker, 'step (b) made a buyer');
  await h.withPage('block-seller', async (page) => {
    await logIn(page, h.demo.email, h.demo.password);
    await page.waitForURL('**/app/sales');
    const panel = await openOrder(page, run.asker.email);
    await panel.getByRole('button', { name: 'More actions' }).click();
    await panel.getByRole('menuitem', { name: 'Block customer' }).click();
    const dialog = panel.getByTestId('block-dialog');
    await dialog.locator('.block-dialog__accounts li').first().waitFor();
    await dialog.getByRole('textbox').fill('Asked for refunds after downloading, twice.');
    await dialog.getByRole('button', { name: /^Block/ }).click();
    await panel.getByRole('status').waitFor();
  });

  await h.withPage('block-checkout', async (page) => {
    const [item] = run.items;
    await page.goto(`/s/${run.slug}/checkout?product=${item.product_id}&tier=${item.tier_id}&qty=1`);
    await page.getByLabel('Email', { exact: true }).fill(run.asker.email);
    await page.getByLabel('Full name', { exact: true }).fill('Asker Buyer');
    await page.getByLabel('Country', { exact: true }).selectOption('DE');
    await page.getByLabel('I want immediate access and understand I lose my 14-day withdrawal right.').check();
    await page.getByLabel('Card number (test mode)').fill('4242 4242 4242 4242');
    await page.getByRole('button', { name: 'Pay', exact: true }).click();
    const alert = page.getByTestId('payment-error');
    await alert.waitFor();
    const text = await alert.innerText();
    assert.equal(text, 'This purchase can’t be completed. You have not been charged.');
    assert.doesNotMatch(text, /block/i);
    assert.match(new URL(page.url()).pathname, /\/checkout$/);
    await page.screenshot({ path: h.screenshotPath('checkout-blocked-en.png'), fullPage: true });
  });
});
