// Browser tests for the Sales view (Issue 4): the seller finds a sale by typing part of a
// customer's name without its accents, opens the order panel by clicking the name, opens the
// transaction history, closes with Esc; the CSV of a filter is text/csv with the header row and
// exactly the rows of the list; English, Spanish and phone-width screenshots.
// Runs against the real server (SHOPDESK_URL, a seeded demo store) or the mock, whose demo store
// has a small set of sales (support/mock-sales.mjs). The customer to look for is taken from the
// store's own sales, so any seed works as long as it has sales.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { eventually, logIn, startHarness } from './support/harness.mjs';

const CSV_HEADER =
  'order_id,line_id,date,customer_name,customer_email,country,region,product,license_tier,quantity,unit_price,tax,tax_rate,total,currency,status,refunded_amount,payment_brand,payment_last4,license_key';

let h;
const run = { target: null, fragment: null };

before(async () => {
  h = await startHarness();
  console.log(`server: ${h.baseURL}; artifacts: ${h.artifacts}`);
});

after(async () => {
  await h?.stop();
});

/** "Núñez" → "nunez": what a seller types without accents. */
const fold = (s) =>
  s
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/ł/g, 'l')
    .toLowerCase();

async function openSales(page, query = '') {
  await logIn(page, h.demo.email, h.demo.password);
  await page.waitForURL('**/app/sales');
  if (query) await page.goto(`/app/sales?${query}`);
  await page.getByRole('heading', { level: 1, name: /^(Sales|Ventas)$/ }).waitFor();
  await page.getByTestId('sales-table').waitFor();
}

/** A sale whose customer name carries an accent (else any), and a fragment of it without accents. */
async function pickTarget(page) {
  const rows = await page.evaluate(async () => {
    const answer = await fetch('/api/v1/sales?limit=100', { credentials: 'same-origin' });
    return (await answer.json()).data;
  });
  assert.ok(rows.length > 0, 'the demo store has sales');
  const accented = rows.find((r) => r.customer.name.split(/\s+/).some((w) => fold(w) !== w.toLowerCase() && fold(w).length >= 4));
  const target = accented ?? rows[0];
  const words = target.customer.name.split(/\s+/);
  const word = words.find((w) => fold(w) !== w.toLowerCase() && fold(w).length >= 4) ?? words[0];
  // Part of the word, without accents: "Núñez" → "unez".
  const folded = fold(word).replace(/[^a-z]/g, '');
  const fragment = folded.length > 4 ? folded.slice(1, 5) : folded;
  return { target, fragment };
}

test('(a) finds a customer by a name fragment without accents, opens the order panel, Esc closes it', async () => {
  await h.withPage('sales-search', async (page) => {
    await openSales(page);
    await page.screenshot({ path: h.screenshotPath('sales-en.png'), fullPage: true });
    const { target, fragment } = await pickTarget(page);
    run.target = target;
    run.fragment = fragment;

    // Typed key by key: the list follows once the typing pauses, and the URL keeps the search.
    await page.getByLabel('Search sales', { exact: true }).pressSequentially(fragment, { delay: 40 });
    await page.waitForURL((url) => new URL(url).searchParams.get('q') === fragment);
    const row = page.getByTestId('sale-row').filter({ hasText: target.order_id });
    await row.waitFor();
    // The answer for this search is in once every row matches (the rows of the list before the
    // search may still show for a moment after the URL changed); give it 5 s.
    let texts = [];
    for (let i = 0; i < 50; i++) {
      await page.locator('section.sales-list[aria-busy="false"]').waitFor();
      texts = await page.getByTestId('sale-row').allInnerTexts();
      if (texts.length > 0 && texts.every((text) => fold(text).includes(fragment))) break;
      await page.waitForTimeout(100);
    }
    for (const text of texts) {
      assert.ok(fold(text).includes(fragment), `every row matches "${fragment}": ${text}`);
    }
    await page.getByTestId('sales-summary').waitFor();

    // A reload keeps the search.
    await page.reload();
    assert.equal(await page.getByLabel('Search sales', { exact: true }).inputValue(), fragment);
    await row.waitFor();

    // Clicking the customer's name opens the order details, at a URL of its own.
    await row.getByRole('link', { name: target.customer.name, exact: true }).click();
    await page.waitForURL((url) => new URL(url).pathname === `/app/sales/orders/${target.order_id}` && new URL(url).searchParams.get('q') === fragment);
    const panel = page.getByRole('dialog');
    await eventually(() => panel.getByTestId('panel-customer-name').innerText(), target.customer.name, { message: 'panel customer' });
    assert.match(await panel.getByTestId('panel-payment').innerText(), /ending in \d{4}$/);
    await page.screenshot({ path: h.screenshotPath('sales-order-en.png'), animations: 'disabled' });

    // ⋯ → View transaction history.
    await panel.getByRole('button', { name: 'More actions', exact: true }).click();
    await panel.getByRole('menuitem', { name: 'View transaction history' }).click();
    await page.waitForURL(`**/app/sales/orders/${target.order_id}/history?q=${fragment}`);
    await panel.getByTestId('transaction-totals').waitFor();
    assert.ok((await panel.getByTestId('transactions').getByRole('listitem').count()) >= 1);
    await page.screenshot({ path: h.screenshotPath('sales-history-en.png'), animations: 'disabled' });

    // Esc closes the panel; the list and its search stay; focus is back on the name.
    await page.keyboard.press('Escape');
    await panel.waitFor({ state: 'detached' });
    assert.equal(new URL(page.url()).pathname, '/app/sales');
    assert.equal(new URL(page.url()).searchParams.get('q'), fragment);
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), target.customer.name);
  });
});

test('(b) Download CSV gets text/csv with the header row and exactly the rows of the filter', async () => {
  await h.withPage('sales-csv', async (page) => {
    await openSales(page, 'status=complete&sort=-total');
    await page.getByTestId('chip-status').waitFor();
    const summary = await page.getByTestId('sales-summary').innerText();
    const count = Number(/^([\d,.]+) sales?/.exec(summary)?.[1].replace(/[,.]/g, ''));
    assert.ok(count > 0, `a count in "${summary}"`);

    const link = page.getByRole('link', { name: 'Download CSV', exact: true });
    const href = await link.getAttribute('href');
    assert.equal(href, '/api/v1/sales/export.csv?status=complete&sort=-total');
    const answer = await page.context().request.get(href);
    assert.equal(answer.status(), 200);
    assert.match(answer.headers()['content-type'], /^text\/csv/);

    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    assert.match(download.suggestedFilename(), /^sales-.+\.csv$/);
    const text = (await readFile(await download.path(), 'utf8')).replace(/^\ufeff/, '');
    const lines = text.split('\r\n').filter((l) => l !== '');
    assert.equal(lines[0], CSV_HEADER);
    // One row per line of the list (order lines hold no newlines in the demo data).
    assert.equal(lines.length - 1, count);
    const firstShown = await page.getByTestId('sale-row').first().locator('.sales-table__order').innerText();
    assert.ok(lines[1].startsWith(`${firstShown},`), 'the CSV follows the list order');
    const statusColumn = CSV_HEADER.split(',').indexOf('status');
    assert.ok(lines.slice(1).every((l) => l.split(',').includes('complete')), `every row is complete (column ${statusColumn})`);
  });
});

test('(c) Spanish, and a phone-width list without sideways scrolling', async () => {
  await h.withPage(
    'sales-es',
    async (page) => {
      await logIn(page, h.demo.email, h.demo.password);
      await page.waitForURL('**/app/sales');
      // The language the app remembers (what the language switch stores).
      await page.evaluate(() => localStorage.setItem('shopdesk.language', 'es'));
      await page.reload();
      await page.getByRole('heading', { level: 1, name: 'Ventas', exact: true }).waitFor();
      await page.getByTestId('sales-table').waitFor();
      await page.getByRole('link', { name: 'Descargar CSV', exact: true }).waitFor();
      await page.getByTestId('sales-chart').waitFor();
      await page.screenshot({ path: h.screenshotPath('sales-es.png'), fullPage: true });

      await page.setViewportSize({ width: 375, height: 812 });
      await page.getByTestId('sale-row').first().waitFor();
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(overflow <= 0, `no horizontal scrolling at 375 px (overflow ${overflow}px)`);
      await page.screenshot({ path: h.screenshotPath('sales-es-mobile.png'), fullPage: true });

      if (run.target) {
        await page.goto(`/app/sales/orders/${run.target.order_id}`);
        await page.getByRole('dialog').getByTestId('panel-customer-name').waitFor();
        await page.getByRole('button', { name: 'Cerrar', exact: true }).waitFor();
        await page.screenshot({ path: h.screenshotPath('sales-order-es-mobile.png'), animations: 'disabled' });
      }
    },
  );
});
