// Browser tests for the web app shell: login, the seller shell, store settings, language,
// signup. Run with `npm run e2e` (from web/); see e2e/README.md.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, logIn, startHarness } from './support/harness.mjs';

let h;

before(async () => {
  h = await startHarness();
  console.log(`server: ${h.baseURL}${h.usingMock ? ' (mock)' : ''}; artifacts: ${h.artifacts}`);
});

after(async () => {
  await h?.stop();
});

const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 7)}`;

test('(a) demo seller logs in, edits the support email in Settings, and it persists', async () => {
  await h.withPage('settings-en', async (page) => {
    await logIn(page, h.demo.email, h.demo.password);
    await page.waitForURL('**/app/sales');
    await page.getByRole('heading', { level: 1, name: 'Sales', exact: true }).waitFor();
    // The seeded demo store has sales: the Sales home lists them with their count and total.
    await page.getByTestId('sales-table').waitFor();
    assert.match(await page.getByTestId('sales-summary').innerText(), /^[\d,]+ sales?, .+ in total/);
    assert.equal(await page.getByTestId('user-email').innerText(), h.demo.email);

    await page.getByRole('navigation').getByRole('link', { name: 'Settings', exact: true }).click();
    await page.waitForURL('**/app/settings');
    await page.getByRole('heading', { level: 1, name: 'Settings', exact: true }).waitFor();

    const supportEmail = page.getByLabel('Support email', { exact: true });
    await supportEmail.waitFor();
    const newEmail = `support+${unique()}@example.com`;
    await supportEmail.fill(newEmail);
    await page.getByRole('button', { name: 'Save changes', exact: true }).click();
    await page.getByRole('status').getByText('Settings saved', { exact: true }).waitFor();
    await page.screenshot({ path: h.screenshotPath('settings-saved-en.png'), animations: 'disabled' });

    if (h.usingMock) {
      // Only the changed field goes to the server, with the CSRF token.
      const patch = h.mock.state.requests.filter((r) => r.method === 'PATCH' && r.path === '/store').at(-1);
      assert.deepEqual(patch.body, { support_email: newEmail });
      assert.ok(patch.headers['x-csrf-token'], 'PATCH carries X-CSRF-Token');
      const login = h.mock.state.requests.find((r) => r.path === '/auth/login');
      assert.match(login.headers['idempotency-key'], /^[0-9a-f-]{36}$/);
    }

    await page.reload();
    await eventually(() => page.getByLabel('Support email', { exact: true }).inputValue(), newEmail, {
      message: 'support email after reload',
    });
    await page.screenshot({ path: h.screenshotPath('settings-en.png'), fullPage: true });
  });
});

test('(b) switching to Spanish translates the navigation and is remembered', async () => {
  await h.withPage('settings-es', async (page) => {
    await logIn(page, h.demo.email, h.demo.password);
    await page.waitForURL('**/app/sales');
    await page.goto('/app/settings');
    await page.getByLabel('Support email', { exact: true }).waitFor();

    await page.getByTestId('language-switch').selectOption('es');
    await page.getByRole('heading', { level: 1, name: 'Ajustes', exact: true }).waitFor();
    const nav = page.getByRole('navigation', { name: 'Principal' });
    assert.deepEqual(
      (await nav.getByRole('link').allInnerTexts()).map((s) => s.trim()),
      ['Ventas', 'Productos', 'Mensajes', 'Saldo', 'Bloqueados', 'Ajustes'],
    );
    assert.equal(await page.locator('html').getAttribute('lang'), 'es');
    await page.getByLabel('Correo de soporte', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Guardar cambios', exact: true }).waitFor();
    await page.getByRole('button', { name: 'Cerrar sesión', exact: true }).waitFor();

    // The choice survives a reload (localStorage).
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Ajustes', exact: true }).waitFor();
    assert.equal(await page.locator('html').getAttribute('lang'), 'es');
    await page.screenshot({ path: h.screenshotPath('settings-es.png'), fullPage: true });

    // The same screen on a phone.
    await page.setViewportSize({ width: 375, height: 812 });
    await page.getByRole('heading', { level: 1, name: 'Ajustes', exact: true }).waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `no horizontal scrolling at 375px (overflow ${overflow}px)`);
    await page.screenshot({ path: h.screenshotPath('settings-es-mobile.png'), fullPage: true });

    // Logging out keeps the language: the login page is in Spanish too.
    await page.setViewportSize({ width: 1280, height: 860 });
    await page.getByRole('button', { name: 'Cerrar sesión', exact: true }).click();
    await page.waitForURL('**/login');
    await page.getByRole('heading', { level: 1, name: 'Iniciar sesión', exact: true }).waitFor();
    await page.getByLabel('Correo electrónico', { exact: true }).waitFor();
    await page.screenshot({ path: h.screenshotPath('login-es.png'), fullPage: true });
  });
});

test('(c) a new seller signs up through the UI and lands in the app', async () => {
  await h.withPage('signup', async (page) => {
    await page.goto('/login');
    await page.getByRole('link', { name: 'Create an account', exact: true }).click();
    await page.waitForURL('**/signup');
    const id = unique();
    const email = `seller-${id}@example.com`;
    const storeName = `Studio ${id}`;
    await page.getByLabel('I want to sell', { exact: true }).check();
    await page.getByLabel('Your name', { exact: true }).fill('Sam Seller');
    await page.getByLabel('Email', { exact: true }).fill(email);
    await page.getByLabel('Password', { exact: true }).fill(`pw-${id}-long-enough`);
    await page.getByLabel('Store name', { exact: true }).fill(storeName);
    await page.screenshot({ path: h.screenshotPath('signup-en.png'), fullPage: true });
    await page.getByRole('button', { name: 'Create store', exact: true }).click();

    await page.waitForURL('**/app/sales');
    await page.getByRole('heading', { level: 1, name: 'Sales', exact: true }).waitFor();
    assert.equal(await page.getByTestId('store-name').innerText(), storeName);
    assert.equal(await page.getByTestId('user-email').innerText(), email);
    await page.getByText(`Sales for ${storeName} will appear here`).waitFor();
    await page.screenshot({ path: h.screenshotPath('sales-new-seller.png'), fullPage: true });

    // Log out goes back to the login page, and the app is closed again.
    await page.getByRole('button', { name: 'Log out', exact: true }).click();
    await page.waitForURL('**/login');
    await page.goto('/app/sales');
    await page.waitForURL('**/login');
  });
});

test('(d) a wrong password shows the neutral error', async () => {
  await h.withPage('wrong-password', async (page) => {
    await logIn(page, h.demo.email, `wrong-${unique()}`);
    const alert = page.getByTestId('form-error');
    await alert.waitFor();
    assert.equal(await alert.innerText(), 'The email or password is incorrect.');
    assert.equal(await alert.getAttribute('role'), 'alert');
    assert.ok(new URL(page.url()).pathname.endsWith('/login'));
    await page.screenshot({ path: h.screenshotPath('login-error-en.png'), fullPage: true });
  });
});

test('(e) visiting the app signed out redirects to the login page', async () => {
  await h.withPage('redirect', async (page) => {
    await page.goto('/app/settings');
    await page.waitForURL('**/login');
    await page.getByRole('heading', { level: 1, name: 'Log in', exact: true }).waitFor();
    await page.getByTestId('language-switch').waitFor();
  });
});
