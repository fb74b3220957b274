// Shared set-up for the browser tests: the server under test (SHOPDESK_URL, or the mock
// started here), Debian's Chromium through playwright-core, and the artifacts folder.
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { DEFAULT_DEMO, startMockServer } from './mock-server.mjs';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const ACTION_TIMEOUT_MS = Number(process.env.SHOPDESK_E2E_TIMEOUT_MS ?? 10_000);

/** Starts (or points at) the server and launches the browser. Call `stop()` when done. */
export async function startHarness() {
  const artifacts = resolve(process.env.SHOPDESK_ARTIFACTS || 'test-results');
  await mkdir(artifacts, { recursive: true });

  const demo = {
    email: process.env.SHOPDESK_DEMO_EMAIL || DEFAULT_DEMO.email,
    password: process.env.SHOPDESK_DEMO_PASSWORD || DEFAULT_DEMO.password,
  };

  let mock = null;
  let baseURL = process.env.SHOPDESK_URL?.replace(/\/+$/, '');
  if (!baseURL) {
    mock = await startMockServer({ demo: { ...DEFAULT_DEMO, ...demo } });
    baseURL = mock.url;
  }

  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
  });

  return {
    baseURL,
    demo,
    artifacts,
    mock,
    browser,
    usingMock: mock !== null,
    async stop() {
      await browser.close();
      await mock?.close();
    },
    screenshotPath: (name) => resolve(artifacts, name),

    /**
     * Runs `fn(page)` in a fresh browser context (no cookies, empty localStorage). On failure
     * it saves `failure-<label>.png`; uncaught page errors fail the test.
     */
    async withPage(label, fn, { locale = 'en-US', viewport = { width: 1280, height: 860 } } = {}) {
      const context = await browser.newContext({ baseURL, locale, viewport });
      const page = await context.newPage();
      page.setDefaultTimeout(ACTION_TIMEOUT_MS);
      page.setDefaultNavigationTimeout(ACTION_TIMEOUT_MS * 2);
      const pageErrors = [];
      page.on('pageerror', (error) => pageErrors.push(error));
      try {
        await fn(page);
        if (pageErrors.length > 0) throw pageErrors[0];
      } catch (error) {
        await page.screenshot({ path: resolve(artifacts, `failure-${label}.png`), fullPage: true }).catch(() => {});
        throw error;
      } finally {
        await context.close();
      }
    },
  };
}

/** Waits until `read()` resolves to `expected` (compared with ===), or throws with the last value. */
export async function eventually(read, expected, { timeout = ACTION_TIMEOUT_MS, message = 'value' } = {}) {
  const until = Date.now() + timeout;
  let last;
  for (;;) {
    last = await read();
    if (last === expected) return last;
    if (Date.now() > until) {
      throw new Error(`${message}: expected ${JSON.stringify(expected)}, last saw ${JSON.stringify(last)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Fills the login form and submits it. */
export async function logIn(page, email, password) {
  await page.goto('/login');
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Log in', exact: true }).click();
}

/**
 * A Luhn-valid test card number of its own (Visa prefix): a block covers every account that paid
 * with the blocked buyer's card, so e2e buyers must not share the demo store's cards or each other's.
 */
export function uniqueCard() {
  const digits = [4, ...Array.from({ length: 14 }, () => Math.floor(Math.random() * 10))];
  const sum = digits.reduce((acc, d, i) => {
    // Doubling every second digit from the right, counting the check digit still to come.
    const double = (digits.length - i) % 2 === 1;
    const v = double ? d * 2 : d;
    return acc + (v > 9 ? v - 9 : v);
  }, 0);
  return [...digits, (10 - (sum % 10)) % 10].join('');
}
