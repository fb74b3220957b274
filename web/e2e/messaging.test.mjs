// Messages against the real server (scripts/run-e2e): the seller opens a fresh sale, clicks
// Message, inserts a saved reply whose placeholders the server fills ({customer_first_name}) and
// sends it; the buyer reads it in their messages and replies; the seller's inbox shows the
// conversation unread. Screenshots in English and Spanish. Then attachments: the seller attaches
// an image in a conversation (a too-large file is refused in plain words), the buyer sees the
// image, loaded, and sends a PDF back, which the seller can download.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { deflateSync } from 'node:zlib';
import { request } from 'playwright-core';
import { eventually, logIn, startHarness, uniqueCard } from './support/harness.mjs';

const skip = process.env.SHOPDESK_URL ? false : 'needs the real server (SHOPDESK_URL) in --test-mode';
let h;
const run = { id: Date.now().toString(36) };

before(async () => {
  h = await startHarness();
});
after(async () => {
  await h?.stop();
});

test('the seller messages a buyer from a sale with a saved reply; the buyer replies; the inbox shows it unread', { skip }, async () => {
  // The store, a product, and a saved reply with placeholders (through the API).
  const seller = await request.newContext({ baseURL: h.baseURL });
  const login = await seller.post('/api/v1/auth/login', { data: { email: h.demo.email, password: h.demo.password } });
  const { store, csrf_token: sellerCsrf } = await login.json();
  const products = (await (await seller.get(`/api/v1/stores/${store.slug}/products`)).json()).data.filter((p) => p.tiers?.length && !p.bundle_product_ids?.length);
  const savedTitle = `Thanks for buying ${run.id}`;
  const saved = await seller.post('/api/v1/saved-replies', {
    headers: { 'X-CSRF-Token': sellerCsrf, 'Idempotency-Key': `s-${run.id}` },
    data: { title: savedTitle, body: 'Hi {customer_first_name}, thank you for buying {product_title}! Your files are waiting in your library.' },
  });
  assert.equal(saved.status(), 201, await saved.text());
  await seller.dispose();

  // A buyer of their own buys the product.
  const buyerApi = await request.newContext({ baseURL: h.baseURL });
  const email = `messaged-${run.id}@example.com`;
  const password = 'buyer-password-2026';
  const signup = await buyerApi.post('/api/v1/auth/signup', { data: { email, password, name: 'Marta Quintero' } });
  assert.equal(signup.status(), 201, await signup.text());
  const { csrf_token: buyerCsrf } = await signup.json();
  const bought = await buyerApi.post('/api/v1/checkout', {
    headers: { 'X-CSRF-Token': buyerCsrf, 'Idempotency-Key': `k-${run.id}` },
    data: {
      store: store.slug,
      items: [{ product_id: products[0].id, tier_id: products[0].tiers[0].id, quantity: 1 }],
      email,
      name: 'Marta Quintero',
      country: 'DE',
      consent_immediate_delivery: true,
      payment_token: `test_card_${uniqueCard()}`,
    },
  });
  assert.equal(bought.status(), 201, await bought.text());
  await buyerApi.dispose();

  // The seller: the sale → Message → Insert saved reply → read it → Send.
  await h.withPage('message-seller', async (page) => {
    await logIn(page, h.demo.email, h.demo.password);
    await page.waitForURL('**/app/sales');
    await page.goto(`/app/sales?q=${encodeURIComponent(email)}`);
    await page.getByTestId('sale-row').first().getByRole('link').first().click();
    const panel = page.getByTestId('order-panel');
    await panel.getByTestId('panel-customer-name').waitFor();
    await panel.getByRole('button', { name: 'Message', exact: true }).click();
    await panel.getByRole('button', { name: 'Insert saved reply' }).click();
    await panel.getByRole('button', { name: new RegExp(savedTitle) }).click();
    const box = panel.getByLabel('Your message to Marta Quintero');
    assert.match(await box.inputValue(), /^Hi \{customer_first_name\}, thank you for buying \{product_title\}/);
    await page.screenshot({ path: h.screenshotPath('message-compose-en.png'), fullPage: true });
    await panel.getByRole('button', { name: 'Send message' }).click();
    await panel.getByText('Message sent to Marta Quintero').waitFor();
    await page.screenshot({ path: h.screenshotPath('message-sent-en.png'), fullPage: true });
  });

  // The buyer reads it, placeholders filled, and replies.
  await h.withPage('message-buyer', async (page) => {
    await logIn(page, email, password);
    await page.waitForURL((url) => !url.pathname.startsWith('/login'));
    await page.goto('/library/messages');
    await page.getByTestId('thread-row').filter({ hasText: store.name }).click();
    const first = page.getByTestId('message').first();
    await first.waitFor();
    const text = await first.innerText();
    assert.match(text, new RegExp(`Hi Marta, thank you for buying ${products[0].title}!`));
    assert.doesNotMatch(text, /\{/);
    await page.getByLabel(`Reply to ${store.name}`).fill('Thank you! Could I get the files as a ZIP too?');
    await page.getByRole('button', { name: 'Send reply' }).click();
    await page.getByTestId('message').filter({ hasText: 'as a ZIP too' }).waitFor();
    await page.screenshot({ path: h.screenshotPath('message-buyer-en.png'), fullPage: true });
  });

  // The seller's inbox: the conversation is unread, first; English, then Spanish; then opened.
  await h.withPage('message-inbox', async (page) => {
    await logIn(page, h.demo.email, h.demo.password);
    await page.waitForURL('**/app/sales');
    await page.goto('/app/messages');
    // By the buyer's own email: other browser tests may add customers with the same name.
    const row = page.getByTestId('thread-row').filter({ hasText: email });
    await row.getByTestId('unread-badge').waitFor();
    assert.match(await row.innerText(), /as a ZIP too/);
    assert.equal(await page.getByTestId('thread-row').first().getByTestId('unread-badge').count(), 1, 'unread conversations come first');
    await page.getByTestId('response-metrics').waitFor();
    await page.screenshot({ path: h.screenshotPath('messages-inbox-en.png'), fullPage: true });
    await page.getByTestId('language-switch').selectOption('es');
    await page.getByRole('heading', { name: 'Mensajes' }).waitFor();
    await page.screenshot({ path: h.screenshotPath('messages-inbox-es.png'), fullPage: true });
    await row.getByRole('link').click();
    await page.getByTestId('conversation').waitFor();
    await page.getByTestId('thread-purchases').getByRole('link').first().waitFor();
    await page.screenshot({ path: h.screenshotPath('messages-thread-es.png'), fullPage: true });
    // Opening it marked it read.
    await page.goto('/app/messages');
    await page.getByTestId('thread-row').filter({ hasText: email }).waitFor();
    assert.equal(await page.getByTestId('thread-row').filter({ hasText: email }).getByTestId('unread-badge').count(), 0);
  });

  // The composer in Spanish, from the sale.
  await h.withPage('message-seller-es', async (page) => {
    await logIn(page, h.demo.email, h.demo.password);
    await page.waitForURL('**/app/sales');
    await page.getByTestId('language-switch').selectOption('es');
    await page.goto(`/app/sales?q=${encodeURIComponent(email)}`);
    await page.getByTestId('sale-row').first().getByRole('link').first().click();
    const panel = page.getByTestId('order-panel');
    await panel.getByTestId('panel-customer-name').waitFor();
    await panel.getByRole('button', { name: 'Mensaje', exact: true }).click();
    await panel.getByRole('button', { name: 'Insertar respuesta guardada' }).click();
    await panel.getByRole('button', { name: new RegExp(savedTitle) }).click();
    await page.screenshot({ path: h.screenshotPath('message-compose-es.png'), fullPage: true });
  });
});

/** A w×h PNG in two colours (stripes), so a screenshot shows a real picture. */
function stripedPng(w, h) {
  const table = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf) => {
    let c = 0xffffffff;
    for (const b of buf) c = table[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(body));
    return Buffer.concat([len, body, sum]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // truecolour
  const rows = [];
  for (let y = 0; y < h; y++) {
    const row = Buffer.alloc(1 + w * 3);
    for (let x = 0; x < w; x++) {
      const stripe = Math.floor((x + y) / 16) % 2 === 0;
      row.set(stripe ? [79, 70, 229] : [238, 240, 254], 1 + x * 3);
    }
    rows.push(row);
  }
  return Buffer.concat([
    Buffer.from('89504e470d0a1a0a', 'hex'),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

test('the seller attaches an image to a reply; the buyer sees it and sends a PDF back', { skip }, async () => {
  // A buyer of their own writes first (through the API), so the seller has a conversation.
  const buyerApi = await request.newContext({ baseURL: h.baseURL });
  const email = `attach-${run.id}@example.com`;
  const password = 'buyer-password-2026';
  const signup = await buyerApi.post('/api/v1/auth/signup', { data: { email, password, name: 'Lucía Adjuntos' } });
  assert.equal(signup.status(), 201, await signup.text());
  const { csrf_token: buyerCsrf } = await signup.json();
  const seller = await request.newContext({ baseURL: h.baseURL });
  const { store } = await (await seller.post('/api/v1/auth/login', { data: { email: h.demo.email, password: h.demo.password } })).json();
  await seller.dispose();
  const first = await buyerApi.post('/api/v1/my/threads', {
    headers: { 'X-CSRF-Token': buyerCsrf, 'Idempotency-Key': `a-${run.id}` },
    data: { store: store.slug, body: 'Could you show me what the brushes look like?' },
  });
  assert.equal(first.status(), 201, await first.text());
  const threadId = (await first.json()).thread_id;
  await buyerApi.dispose();
  const png = stripedPng(320, 200);

  // The seller: the conversation → a too-large file is refused → the image → Send.
  await h.withPage('attach-seller', async (page) => {
    await logIn(page, h.demo.email, h.demo.password);
    await page.waitForURL('**/app/sales');
    await page.goto(`/app/messages/threads/${threadId}`);
    const composer = page.getByTestId('reply-composer');
    await composer.waitFor();
    await composer.getByTestId('attach-input').setInputFiles({ name: 'huge-video.mov', mimeType: 'video/quicktime', buffer: Buffer.alloc(11 * 1024 * 1024, 7) });
    await composer.getByTestId('composer-error').getByText('“huge-video.mov” is 11 MB, too large to attach. Each file can be at most 10 MB.').waitFor();
    await page.screenshot({ path: h.screenshotPath('attach-too-large-en.png'), fullPage: true });
    await composer.getByTestId('attach-input').setInputFiles({ name: 'brush-preview.png', mimeType: 'image/png', buffer: png });
    const chip = composer.getByTestId('attachment-chip').filter({ hasText: 'brush-preview.png' });
    await chip.getByText(/kB|bytes/).waitFor();
    await composer.getByLabel(/^Reply to /).fill('Here is a preview of the brushes.');
    await page.screenshot({ path: h.screenshotPath('attach-compose-en.png'), fullPage: true });
    await composer.getByRole('button', { name: 'Send reply' }).click();
    const sent = page.getByTestId('message').filter({ hasText: 'Here is a preview of the brushes.' });
    const img = sent.getByTestId('attachment-image');
    await img.waitFor();
    await eventually(() => img.evaluate((el) => el.complete && el.naturalWidth), 320, { message: 'the sent image loads' });
    await page.screenshot({ path: h.screenshotPath('attach-thread-en.png'), fullPage: true });
  });

  // The seller, in Spanish: a saved reply with a file (the editor's paperclip).
  await h.withPage('attach-saved-es', async (page) => {
    await logIn(page, h.demo.email, h.demo.password);
    await page.waitForURL('**/app/sales');
    await page.getByTestId('language-switch').selectOption('es');
    await page.goto('/app/messages/saved-replies');
    await page.getByRole('button', { name: 'Nueva respuesta guardada' }).click();
    const form = page.getByTestId('saved-reply-form');
    await form.getByLabel('Nombre (solo lo ves tú)').fill(`Vista previa ${run.id}`);
    await form.getByLabel('Texto').fill('Hola {customer_first_name}, te adjunto una vista previa.');
    await form.getByTestId('saved-attach-input').setInputFiles({ name: 'vista-previa.png', mimeType: 'image/png', buffer: png });
    await form.getByTestId('attachment-chip').getByText(/kB/).waitFor();
    await page.screenshot({ path: h.screenshotPath('attach-saved-reply-es.png'), fullPage: true });
    await form.getByRole('button', { name: 'Guardar' }).click();
    const saved = page.getByTestId('saved-reply').filter({ hasText: `Vista previa ${run.id}` });
    await eventually(() => saved.getByTestId('attachment-image').evaluate((el) => el.complete && el.naturalWidth), 320, { message: 'the saved reply shows its image' });
  });

  // The buyer, in Spanish: the image is there and loads; a PDF goes back.
  await h.withPage('attach-buyer', async (page) => {
    await logIn(page, email, password);
    await page.waitForURL((url) => !url.pathname.startsWith('/login'));
    await page.getByTestId('language-switch').selectOption('es');
    await page.goto(`/library/messages/${threadId}`);
    const img = page.getByTestId('message').filter({ hasText: 'Here is a preview' }).getByTestId('attachment-image');
    await img.waitFor();
    await eventually(() => img.evaluate((el) => el.complete && el.naturalWidth), 320, { message: 'the buyer sees the image' });
    assert.match(await img.getAttribute('src'), /^\/api\/v1\/my\/attachments\/att_/, 'the buyer reads through their own route');
    const composer = page.getByTestId('buyer-composer');
    await composer.getByTestId('attach-input').setInputFiles({ name: 'factura.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n% a tiny test PDF\n%%EOF\n') });
    await composer.getByTestId('attachment-chip').filter({ hasText: 'factura.pdf' }).getByText(/bytes/).waitFor();
    await page.screenshot({ path: h.screenshotPath('attach-buyer-compose-es.png'), fullPage: true });
    await composer.getByRole('button', { name: 'Enviar respuesta' }).click();
    await page.getByTestId('message').getByTestId('attachment-file').filter({ hasText: 'factura.pdf' }).waitFor();
    await page.screenshot({ path: h.screenshotPath('attach-buyer-es.png'), fullPage: true });
  });

  // The seller downloads the buyer's PDF from the conversation; the inbox row says "1 file".
  await h.withPage('attach-seller-download', async (page) => {
    await logIn(page, h.demo.email, h.demo.password);
    await page.waitForURL('**/app/sales');
    await page.goto('/app/messages');
    const row = page.getByTestId('thread-row').filter({ hasText: 'Lucía Adjuntos' });
    await row.getByText('1 file').waitFor();
    await page.screenshot({ path: h.screenshotPath('attach-inbox-en.png'), fullPage: true });
    await page.goto(`/app/messages/threads/${threadId}`);
    const link = page.getByTestId('attachment-file').filter({ hasText: 'factura.pdf' });
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    assert.equal(download.suggestedFilename(), 'factura.pdf');
    const path = await download.path();
    const { readFile } = await import('node:fs/promises');
    assert.match((await readFile(path)).toString('latin1'), /^%PDF-1\.4/);
  }, { locale: 'en-US' });
});

