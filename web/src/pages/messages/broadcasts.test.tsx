// Component tests for "Message customers" (Issue 6): the tab, the audience picker and the live
// preview (counts, who is left out and why, first recipients, the first rendered message), the
// placeholder buttons, a refused placeholder, the confirmation with the number, the progress
// until done, the history, and the empty and error states. fetch is a small router over the
// API paths, as in messages.test.tsx.
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MemoryRouter } from 'react-router-dom';
import i18n from '../../i18n';
import { setCsrfToken, type Broadcast, type BroadcastPreview, type Store } from '../../api';
import { SessionProvider, type SessionState } from '../../session';
import { AppRoutes } from '../../App';
import { audienceLabel, audienceOf, insertAt, previewInput } from './broadcastForm';

const store: Store = {
  id: 'str_1',
  slug: 'demo',
  name: 'Demo Store',
  currency: 'USD',
  support_email: 'help@demo.test',
  locale: 'en',
  refund_policy: 'within_days:30',
  hold_period_days: 7,
  refund_window_days: 30,
  fee_percent_bp: 500,
  fee_fixed_minor: 30,
  created_at: '2025-01-01T00:00:00Z',
};
const seller: SessionState = { status: 'authenticated', user: { id: 'usr_1', email: 'dana@demo.test', name: 'Dana' }, store };
const PRODUCTS = [
  { id: 'prd_brush', title: 'Brush Pack' },
  { id: 'prd_font', title: 'Font Kit' },
];
const SAMPLE = [
  { id: 'cus_1', name: 'Ana Álvarez', email: 'ana@example.com' },
  { id: 'cus_2', name: 'Ben Brook', email: 'ben@example.com' },
];

function previewFor(input: { audience: { kind: string; product_ids?: string[] }; body?: string }): BroadcastPreview {
  const all = input.audience.kind === 'all';
  return {
    audience: input.audience as BroadcastPreview['audience'],
    audience_size: all ? 1240 : 12,
    recipients: all ? 1234 : 10,
    skipped: { blocked: all ? 4 : 2, unfillable: input.body === undefined ? null : all ? 2 : 0 },
    unsubscribed: all ? 15 : 0,
    emails: all ? 1219 : 10,
    sample: SAMPLE,
    first_message: input.body === undefined ? null : { customer: SAMPLE[0]!, body: input.body.replace('{customer_first_name}', 'Ana') },
  };
}
const broadcast = (over: Partial<Broadcast> = {}): Broadcast => ({
  id: 'bc_1',
  audience: { kind: 'products', product_ids: ['prd_brush'] },
  body: 'The download link changed.',
  status: 'completed',
  progress: { recipients: 12, sent: 10, skipped: 2, pending: 0 },
  created_at: '2026-03-01T10:00:00Z',
  completed_at: '2026-03-01T10:00:05Z',
  ...over,
});

function json(status: number, body: unknown) {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}
type Handler = (url: URL, init: RequestInit) => Response | Promise<Response>;
const routes = new Map<string, Handler>();
const calls: { method: string; path: string; body: unknown; headers: Record<string, string> }[] = [];
const fetchMock = vi.fn(async (input: string, init: RequestInit = {}) => {
  const url = new URL(input, 'http://localhost');
  const path = url.pathname.replace(/^\/api\/v1/, '');
  const method = init.method ?? 'GET';
  calls.push({ method, path, body: init.body ? JSON.parse(String(init.body)) : undefined, headers: (init.headers ?? {}) as Record<string, string> });
  const handler = routes.get(`${method} ${path}`);
  if (!handler) return json(404, { error: { type: 'not_found', code: 'not_found', message: `no route ${path}`, param: null } });
  return handler(url, init);
});
const previews = () => calls.filter((c) => c.method === 'POST' && c.path === '/broadcasts/preview').map((c) => c.body as { audience: unknown; body?: string });

function renderPage() {
  return render(
    <SessionProvider initial={seller}>
      <MemoryRouter initialEntries={['/app/messages/broadcasts']}>
        <AppRoutes />
      </MemoryRouter>
    </SessionProvider>,
  );
}
const previewPanel = () => screen.getByTestId('broadcast-preview');

beforeEach(async () => {
  routes.clear();
  calls.length = 0;
  vi.stubGlobal('fetch', fetchMock);
  localStorage.clear();
  await i18n.changeLanguage('en');
  setCsrfToken('csrf-test');
  routes.set('GET /products', () => json(200, { data: PRODUCTS, has_more: false, next_cursor: null }));
  routes.set('POST /broadcasts/preview', (_url, init) => json(200, previewFor(JSON.parse(String(init.body)))));
  routes.set('GET /broadcasts', () => json(200, { data: [broadcast()], has_more: false, next_cursor: null }));
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('broadcast form logic', () => {
  it('asks nothing while "chosen products" has none, and sends the body only once there is one', () => {
    expect(audienceOf({ choice: 'products', productIds: [], body: 'x' })).toBeNull();
    expect(previewInput({ choice: 'products', productIds: [], body: 'x' })).toBeNull();
    expect(previewInput({ choice: 'all', productIds: ['prd_1'], body: '   ' })).toEqual({ audience: { kind: 'all' } });
    expect(previewInput({ choice: 'products', productIds: ['prd_1'], body: 'Hi' })).toEqual({ audience: { kind: 'products', product_ids: ['prd_1'] }, body: 'Hi' });
  });
  it('inserts at the caret, replacing a selection', () => {
    expect(insertAt('Hi , thanks', 3, 3, '{customer_first_name}')).toEqual({ text: 'Hi {customer_first_name}, thanks', caret: 24 });
    expect(insertAt('Hi NAME!', 3, 7, '{customer_name}')).toEqual({ text: 'Hi {customer_name}!', caret: 18 });
    expect(insertAt('abc', 10, 12, 'x')).toEqual({ text: 'abcx', caret: 4 });
  });
  it('names the audience in words, counting products that no longer exist', () => {
    const t = i18n.getFixedT('en');
    const titles = new Map([['prd_brush', 'Brush Pack'], ['prd_font', 'Font Kit']]);
    expect(audienceLabel(t, { kind: 'all' }, titles, 'en')).toBe('All customers');
    expect(audienceLabel(t, { kind: 'products', product_ids: ['prd_brush', 'prd_font'] }, titles, 'en')).toBe('Buyers of Brush Pack and Font Kit');
    expect(audienceLabel(t, { kind: 'products', product_ids: ['prd_brush', 'prd_gone'] }, titles, 'en')).toBe('Buyers of Brush Pack and 1 deleted product');
    expect(audienceLabel(t, { kind: 'products', product_ids: ['prd_gone'] }, titles, 'en')).toBe('Buyers of 1 product');
  });
});

describe('Message customers', () => {
  it('is a tab of Messages and previews all customers: the count, who is left out, the first recipients', async () => {
    renderPage();
    expect(screen.getByRole('link', { name: 'Message customers' }).getAttribute('aria-current')).toBe('page');
    await waitFor(() => expect(within(previewPanel()).getByTestId('preview-count').textContent).toBe('1,234 customers will receive this message'));
    expect(previews()).toEqual([{ audience: { kind: 'all' } }]);
    expect(within(previewPanel()).getByTestId('preview-blocked').textContent).toBe('4 blocked customers are left out.');
    expect(within(previewPanel()).getByTestId('preview-unsubscribed').textContent).toContain('15 of them unsubscribed from your emails');
    const sample = within(previewPanel()).getByTestId('preview-sample');
    expect([...sample.querySelectorAll('li')].map((li) => [...li.children].map((c) => c.textContent))).toEqual([
      ['Ana Álvarez', 'ana@example.com'],
      ['Ben Brook', 'ben@example.com'],
      [],
    ]);
    expect(sample.textContent).toContain('and 1,232 more');
    // No text yet: no rendered message, and no "left out for placeholders" line.
    expect(within(previewPanel()).queryByTestId('preview-message')).toBeNull();
    expect(within(previewPanel()).queryByTestId('preview-unfillable')).toBeNull();
    // The history: the past broadcast in words.
    const row = await screen.findByTestId('broadcast-row');
    expect(row.textContent).toContain('Buyers of Brush Pack');
    expect(row.textContent).toContain('Sent to 10 customers · 2 left out');
  });

  it('buyers of chosen products: nothing is asked until a product is chosen, then only their buyers', async () => {
    renderPage();
    await waitFor(() => expect(previews()).toHaveLength(1));
    fireEvent.click(screen.getByLabelText('Buyers of chosen products'));
    expect(within(previewPanel()).getAllByText('Choose at least one product.').length).toBeGreaterThan(0);
    fireEvent.click(screen.getByLabelText('Brush Pack'));
    await waitFor(() => expect(within(previewPanel()).getByTestId('preview-count').textContent).toBe('10 customers will receive this message'));
    expect(previews().at(-1)).toEqual({ audience: { kind: 'products', product_ids: ['prd_brush'] } });
    expect(within(previewPanel()).getByTestId('preview-blocked').textContent).toBe('2 blocked customers are left out.');
    expect(within(previewPanel()).queryByTestId('preview-unsubscribed')).toBeNull();
  });

  it('a placeholder button inserts at the caret; the preview shows the first message filled in', async () => {
    renderPage();
    await waitFor(() => expect(previews()).toHaveLength(1));
    const box = screen.getByLabelText('Message') as HTMLTextAreaElement;
    fireEvent.change(box, { target: { value: 'Hi , new files are up.' } });
    box.setSelectionRange(3, 3);
    fireEvent.click(screen.getByRole('button', { name: 'First name' }));
    expect(box.value).toBe('Hi {customer_first_name}, new files are up.');
    await waitFor(() => expect(within(previewPanel()).getByTestId('preview-message').textContent).toBe('Hi Ana, new files are up.'));
    expect(within(previewPanel()).getByText('What Ana Álvarez will read')).toBeTruthy();
    expect(within(previewPanel()).getByTestId('preview-unfillable').textContent).toContain('2 customers are left out because there is nothing to fill in');
    // Typing is debounced: the intermediate text was never previewed.
    expect(previews().map((p) => p.body)).not.toContain('Hi , new files are up.');
  });

  it('an unknown placeholder is explained under the box; the audience is still counted and sending waits', async () => {
    routes.set('POST /broadcasts/preview', (_url, init) => {
      const input = JSON.parse(String(init.body));
      if (input.body?.includes('{coupon}'))
        return json(400, { error: { type: 'invalid_request_error', code: 'placeholder_unknown', message: 'Unknown placeholder {coupon}.', param: 'body' } });
      return json(200, previewFor(input));
    });
    renderPage();
    await waitFor(() => expect(previews()).toHaveLength(1));
    fireEvent.change(screen.getByLabelText('Message'), { target: { value: 'Use {coupon} today' } });
    await waitFor(() => expect(screen.getByTestId('broadcast-body-error').textContent).toBe('{coupon} is not something Shopdesk can fill in. Check its spelling, or delete it.'));
    expect(screen.getByTestId('broadcast-body-error').hidden).toBe(false);
    expect(within(previewPanel()).getByTestId('preview-count').textContent).toBe('1,234 customers will receive this message');
    expect(previews().at(-1)).toEqual({ audience: { kind: 'all' } });
    expect((screen.getByTestId('broadcast-review') as HTMLButtonElement).disabled).toBe(true);
  });

  it('pressing Review without text says what is missing', async () => {
    renderPage();
    await waitFor(() => expect(within(previewPanel()).getByTestId('preview-count')).toBeTruthy());
    fireEvent.click(screen.getByTestId('broadcast-review'));
    expect(screen.getByTestId('broadcast-body-error').textContent).toBe('Write a message first.');
    expect(screen.queryByTestId('broadcast-confirm')).toBeNull();
  });

  it('confirms with the number, sends once with one key, then follows the progress until done', async () => {
    let polls = 0;
    routes.set('POST /broadcasts', () => json(201, broadcast({ id: 'bc_new', audience: { kind: 'all' }, body: 'Big news', status: 'sending', progress: { recipients: 1240, sent: 0, skipped: 0, pending: 1240 }, completed_at: null })));
    routes.set('GET /broadcasts/bc_new', () => {
      polls += 1;
      return json(200, polls < 2
        ? broadcast({ id: 'bc_new', audience: { kind: 'all' }, status: 'sending', progress: { recipients: 1240, sent: 600, skipped: 2, pending: 638 }, completed_at: null })
        : broadcast({ id: 'bc_new', audience: { kind: 'all' }, status: 'completed', progress: { recipients: 1240, sent: 1234, skipped: 6, pending: 0 } }));
    });
    renderPage();
    fireEvent.change(await screen.findByLabelText('Message'), { target: { value: 'Big news' } });
    await waitFor(() => expect(within(previewPanel()).getByTestId('preview-message').textContent).toBe('Big news'));
    fireEvent.click(screen.getByTestId('broadcast-review'));
    const confirm = await screen.findByTestId('broadcast-confirm');
    expect(within(confirm).getByRole('heading').textContent).toBe('Send to 1,234 customers?');
    expect(confirm.textContent).toContain('All customers');
    expect(confirm.textContent).toContain('A sent message cannot be taken back.');
    fireEvent.click(within(confirm).getByRole('button', { name: 'Send to 1,234 customers' }));
    const progress = await screen.findByTestId('broadcast-progress');
    const sends = calls.filter((c) => c.method === 'POST' && c.path === '/broadcasts');
    expect(sends).toHaveLength(1);
    expect(sends[0]!.body).toEqual({ audience: { kind: 'all' }, body: 'Big news' });
    expect(sends[0]!.headers['Idempotency-Key']).toBeTruthy();
    await waitFor(() => expect(screen.getByTestId('broadcast-progress-text').textContent).toBe('602 of 1,240 done · 2 left out'), { timeout: 3000 });
    expect(screen.getByRole('progressbar').getAttribute('aria-valuenow')).toBe('49');
    await waitFor(() => expect(progress.getAttribute('data-status')).toBe('completed'), { timeout: 4000 });
    expect(screen.getByTestId('broadcast-progress-text').textContent).toBe(' Sent to 1,234 customers. 6 customers were left out: blocked, or nothing to fill in for them.');
    // Done: the history was asked again, and another message can be written.
    expect(calls.filter((c) => c.method === 'GET' && c.path === '/broadcasts').length).toBeGreaterThanOrEqual(2);
    fireEvent.click(screen.getByRole('button', { name: 'Write another message' }));
    expect((screen.getByLabelText('Message') as HTMLTextAreaElement).value).toBe('');
  });

  it('a refused send keeps the confirmation open with the reason', async () => {
    routes.set('POST /broadcasts', () => json(400, { error: { type: 'invalid_request_error', code: 'product_not_found', message: 'no such product', param: 'audience.product_ids[0]' } }));
    renderPage();
    fireEvent.change(await screen.findByLabelText('Message'), { target: { value: 'Hello' } });
    await waitFor(() => expect(within(previewPanel()).getByTestId('preview-message')).toBeTruthy());
    fireEvent.click(screen.getByTestId('broadcast-review'));
    fireEvent.click(await screen.findByTestId('broadcast-send'));
    await waitFor(() => expect(screen.getByTestId('broadcast-send-error').hidden).toBe(false));
    expect(screen.getByTestId('broadcast-send-error').textContent).toBe('This product is no longer for sale.');
    fireEvent.click(screen.getByRole('button', { name: 'Back to editing' }));
    expect((screen.getByLabelText('Message') as HTMLTextAreaElement).value).toBe('Hello');
  });

  it('empty and error states: no customers, no history, a failed preview with retry', async () => {
    let fail = true;
    routes.set('POST /broadcasts/preview', (_url, init) => {
      if (fail) return json(500, { error: { type: 'api_error', code: 'internal', message: 'boom', param: null } });
      return json(200, { ...previewFor(JSON.parse(String(init.body))), audience_size: 0, recipients: 0, sample: [], skipped: { blocked: 0, unfillable: null }, unsubscribed: 0 });
    });
    routes.set('GET /broadcasts', () => json(200, { data: [], has_more: false, next_cursor: null }));
    renderPage();
    expect(await screen.findByText('No messages sent yet')).toBeTruthy();
    await waitFor(() => expect(within(previewPanel()).getByRole('alert').textContent).toContain('We could not count who receives this message.'));
    fail = false;
    fireEvent.click(within(previewPanel()).getByRole('button', { name: 'Try again' }));
    await waitFor(() => expect(within(previewPanel()).getByTestId('preview-empty').textContent).toContain('You have no customers yet.'));
    expect((screen.getByTestId('broadcast-review') as HTMLButtonElement).disabled).toBe(true);
  });

  it('speaks Spanish', async () => {
    await i18n.changeLanguage('es');
    renderPage();
    await waitFor(() => expect(within(previewPanel()).getByTestId('preview-count').textContent).toBe('1234 clientes recibirán este mensaje'));
    expect(screen.getByRole('link', { name: 'Escribir a clientes' })).toBeTruthy();
    expect(within(previewPanel()).getByTestId('preview-blocked').textContent).toBe('4 clientes bloqueados quedan fuera.');
    expect(screen.getByRole('button', { name: 'Revisar y enviar' })).toBeTruthy();
  });
});
