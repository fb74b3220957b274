// Refunds in the Order details panel (preview with its evidence, refusals in plain words, the
// confirmation, the status timeline), refund requests (row badge, grant, decline) and the
// buyer's "Request a refund" in the library. jsdom, fetch replaced by a router over API paths.
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MemoryRouter } from 'react-router-dom';
import i18n from '../../i18n';
import { setCsrfToken, type LibraryItem, type OrderDetails, type RefundPreview, type RefundRequest, type SaleRow, type Store } from '../../api';
import { SessionProvider, type SessionState } from '../../session';
import { AppRoutes } from '../../App';

const store: Store = {
  id: 'str_1',
  slug: 'demo',
  name: 'Demo Store',
  currency: 'USD',
  support_email: 'help@demo.test',
  locale: 'en',
  refund_policy: 'within_days:30',
  hold_period_days: 7,
  refund_window_days: 90,
  fee_percent_bp: 500,
  fee_fixed_minor: 30,
  created_at: '2025-01-01T00:00:00Z',
};
const seller: SessionState = { status: 'authenticated', user: { id: 'usr_1', email: 'dana@demo.test', name: 'Dana' }, store };
const buyerSession: SessionState = { status: 'authenticated', user: { id: 'usr_2', email: 'jose@example.com', name: 'José' }, store: null };

const saleRow: SaleRow = {
  order_id: 'SD-0001',
  line_id: 'ln_1',
  created_at: '2026-03-01T10:00:00Z',
  product: { id: 'prd_1', title: 'Field Notes Font' },
  tier: 'Personal',
  quantity: 1,
  customer: { id: 'cus_1', name: 'José Núñez', email: 'jose@example.com' },
  status: 'complete',
  price_minor: 1500,
  tax_minor: 285,
  total_minor: 1785,
  refunded_minor: 0,
  currency: 'USD',
  country: 'DE',
};

function makeOrder(extra: Partial<OrderDetails> = {}): OrderDetails {
  return {
    id: 'SD-0001',
    created_at: '2026-03-01T10:00:00Z',
    status: 'complete',
    currency: 'USD',
    customer: { id: 'cus_1', name: 'José Núñez', email: 'jose@example.com', country: 'DE' },
    lines: [
      {
        id: 'ln_1',
        product: { id: 'prd_1', title: 'Field Notes Font' },
        tier: 'Personal',
        quantity: 1,
        unit_price_minor: 1500,
        price_minor: 1500,
        tax_minor: 285,
        total_minor: 1785,
        refunded_minor: 0,
        status: 'complete',
        license_key: 'KEY-1234',
        access: 'active',
        downloads: { count: 0, files: [] },
      },
    ],
    subtotal_minor: 1500,
    tax_minor: 285,
    total_minor: 1785,
    fee_minor: 105,
    net_minor: 1395,
    refunded_minor: 0,
    tax: { country: 'DE', region: '', rate_ppm: 190000, label: 'VAT' },
    payment: { brand: 'visa', last4: '4242' },
    available_at: '2026-03-08T10:00:00Z',
    status_history: [{ status: 'paid', at: '2026-03-01T10:00:00Z' }],
    refunds: [],
    refund_requests: [],
    ...extra,
  };
}

const preview: RefundPreview = {
  order_id: 'SD-0001',
  status: 'processing',
  amount_minor: 1785,
  currency: 'USD',
  tax_minor: 285,
  fee_returned_minor: 105,
  seller_share_minor: 1395,
  reason: 'Bought twice',
  lines: [{ line_id: 'ln_1', amount_minor: 1785, tax_minor: 285, fee_minor: 105, fully_refunded: true }],
  settles_at: '2026-03-10T10:00:00Z',
  succeeded_at: null,
  balance: { available_before_minor: 10000, available_after_minor: 8605, pending_minor: 500, currency: 'USD' },
  fees: { rule: 'platform_fee_returned_pro_rata', returned_minor: 105, note: 'the platform returns its fee' },
  order_remaining_after_minor: 0,
  revokes: [{ line_id: 'ln_1', product_title: 'Field Notes Font', entitlement_ids: ['ent_1'], license_keys: ['KEY-1234'] }],
  evidence: {
    items: [
      { kind: 'repeat_purchase', line_id: 'ln_1', product_title: 'Field Notes Font', other_order_id: 'SD-0002', other_order_at: '2026-03-02T10:00:00Z', note: 'the same product in another order within 30 days' },
    ],
    duplicate_purchase: true,
    bundle_overlap: false,
    days_since_purchase: 3,
    downloads: 0,
    refund_rates: [{ product_id: 'prd_1', product_title: 'Field Notes Font', days: 90, lines_sold: 40, lines_refunded: 6, rate_bp: 1500 }],
  },
  irreversible: true,
};

const openRequest: RefundRequest = {
  id: 'rr_1',
  order_id: 'SD-0001',
  status: 'open',
  reason: 'I bought it twice by mistake',
  created_at: '2026-03-02T09:00:00Z',
  reply_by: '2099-03-04T09:00:00Z',
  decided_at: null,
  decline_message: null,
  refund_id: null,
};

function json(status: number, body: unknown) {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}
const refusal = (code: string, extra: Record<string, unknown> = {}) => json(409, { error: { type: 'conflict', code, message: 'server words', param: null, ...extra } });

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
const posts = (path: string) => calls.filter((c) => c.method === 'POST' && c.path === path);

function renderAt(path: string, session: SessionState = seller) {
  return render(
    <SessionProvider initial={session}>
      <MemoryRouter initialEntries={[path]}>
        <AppRoutes />
      </MemoryRouter>
    </SessionProvider>,
  );
}

let order = makeOrder();
beforeEach(async () => {
  routes.clear();
  calls.length = 0;
  order = makeOrder();
  vi.stubGlobal('fetch', fetchMock);
  localStorage.clear();
  await i18n.changeLanguage('en');
  setCsrfToken('csrf-test');
  routes.set('GET /sales', () => json(200, { data: [saleRow], has_more: false, next_cursor: null, summary: { count: 1, total_minor: 1785, currency: 'USD' } }));
  routes.set('GET /sales/timeseries', () => json(200, { interval: 'day', currency: 'USD', data: [] }));
  routes.set('GET /products', () => json(200, { data: [], has_more: false, next_cursor: null }));
  routes.set('GET /refund-requests', () => json(200, { data: [], has_more: false, next_cursor: null }));
  routes.set('GET /orders/SD-0001', () => json(200, order));
  routes.set('POST /orders/SD-0001/refunds/preview', () => json(200, preview));
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

async function openRefundForm() {
  renderAt('/app/sales/orders/SD-0001');
  const panel = await screen.findByRole('dialog');
  fireEvent.click(await within(panel).findByRole('button', { name: 'Issue refund' }));
  await within(panel).findByTestId('refund-form');
  return panel;
}

async function previewWith(panel: HTMLElement, reason: string) {
  fireEvent.change(within(panel).getByLabelText('Reason (required)'), { target: { value: reason } });
  fireEvent.click(within(panel).getByRole('button', { name: 'Preview refund' }));
}

describe('issue refund', () => {
  it('is not offered when nothing remains to refund', async () => {
    order = makeOrder({ refunded_minor: 1785, status: 'refunded' });
    renderAt('/app/sales/orders/SD-0001');
    const panel = await screen.findByRole('dialog');
    await within(panel).findByTestId('panel-customer-name');
    expect(within(panel).queryByRole('button', { name: 'Issue refund' })).toBeNull();
  });

  it('asks for a reason before asking the server', async () => {
    const panel = await openRefundForm();
    fireEvent.click(within(panel).getByRole('button', { name: 'Preview refund' }));
    expect((await within(panel).findByRole('alert')).textContent).toBe('Write a reason for the refund.');
    expect(posts('/orders/SD-0001/refunds/preview')).toHaveLength(0);
  });

  it('shows the preview: money, balance, fee rule, what is revoked and the evidence', async () => {
    const panel = await openRefundForm();
    await previewWith(panel, 'Bought twice');
    const shown = await within(panel).findByTestId('refund-preview');
    expect(posts('/orders/SD-0001/refunds/preview')[0]?.body).toEqual({ reason: 'Bought twice' });
    expect(within(shown).getByTestId('preview-amount').textContent).toBe('$17.85');
    expect(within(shown).getByText('of which tax returned').nextElementSibling?.textContent).toBe('$2.85');
    expect(within(shown).getByTestId('preview-share').textContent).toBe('-$13.95');
    expect(within(shown).getByTestId('preview-balance').textContent).toBe('$100.00 → $86.05');
    expect(within(shown).getByTestId('preview-fee-rule').textContent).toContain('gives back its fee ($1.05)');
    const revokes = within(shown).getByTestId('preview-revokes');
    expect(revokes.textContent).toContain('Access to Field Notes Font ends at once');
    expect(revokes.textContent).toContain('KEY-1234');
    expect(within(shown).getByTestId('evidence-verdict').textContent).toBe('Duplicate purchase');
    const evidence = within(shown).getByTestId('refund-evidence');
    expect(evidence.textContent).toContain('Field Notes Font bought again in order SD-0002 (Mar 2, 2026)');
    expect(evidence.textContent).toContain('Bought 3 days ago');
    expect(evidence.textContent).toContain('Not downloaded yet');
    expect(evidence.textContent).toContain('Field Notes Font: 15% of sales refunded in the last 90 days (6 of 40)');
    // A high refund rate is flagged, not hidden.
    expect(within(evidence).getByText(/15%/).closest('li')?.className).toContain('evidence__item--warn');
  });

  it('sends a partial refund of one line by amount', async () => {
    const panel = await openRefundForm();
    fireEvent.click(within(panel).getByLabelText('Chosen items'));
    fireEvent.change(within(panel).getByLabelText('Amount for Field Notes Font'), { target: { value: '5,00' } });
    await previewWith(panel, 'Partly broken');
    await within(panel).findByTestId('refund-preview');
    expect(posts('/orders/SD-0001/refunds/preview')[0]?.body).toEqual({ reason: 'Partly broken', lines: [{ line_id: 'ln_1', amount_minor: 500 }] });
  });

  it('says a short balance in plain words, with the missing amount and the date', async () => {
    routes.set('POST /orders/SD-0001/refunds/preview', () =>
      refusal('available_balance_insufficient', { missing_minor: 1230, needed_minor: 1395, available_minor: 165, currency: 'USD', covered_at: '2026-12-03T12:00:00Z' }),
    );
    const panel = await openRefundForm();
    await previewWith(panel, 'Bought twice');
    expect((await within(panel).findByTestId('refund-problem')).textContent).toBe(
      'Your available balance is $12.30 short. Enough pending funds become available on December 3, 2026.',
    );
    expect(within(panel).queryByTestId('refund-preview')).toBeNull();
  });

  it('says an expired window and an over-large amount in plain words', async () => {
    routes.set('POST /orders/SD-0001/refunds/preview', () => refusal('refund_window_expired'));
    const panel = await openRefundForm();
    await previewWith(panel, 'Late');
    expect((await within(panel).findByTestId('refund-problem')).textContent).toBe(
      'This order was paid more than 90 days ago, outside your refund window, so it can no longer be refunded here.',
    );
    fireEvent.click(within(panel).getByLabelText('An amount'));
    fireEvent.change(within(panel).getByLabelText('Amount to refund (tax included)'), { target: { value: '20' } });
    fireEvent.click(within(panel).getByRole('button', { name: 'Preview refund' }));
    await waitFor(() => expect(within(panel).getByTestId('refund-problem').textContent).toBe('That is more than what remains to refund ($17.85).'));
  });

  it('confirms that it cannot be undone, refunds once, then shows the timeline and reloads the list', async () => {
    routes.set('POST /orders/SD-0001/refunds', () => {
      order = makeOrder({
        status: 'refund_processing',
        refunded_minor: 1785,
        refunds: [{ id: 're_1', status: 'processing', amount_minor: 1785, reason: 'Bought twice', created_at: '2026-03-04T10:00:00Z', settles_at: '2026-03-11T10:00:00Z', succeeded_at: null }],
      });
      return json(201, { id: 're_1', status: 'processing', amount_minor: 1785, currency: 'USD' });
    });
    const panel = await openRefundForm();
    await previewWith(panel, 'Bought twice');
    await within(panel).findByTestId('refund-preview');
    expect(posts('/orders/SD-0001/refunds')).toHaveLength(0);
    fireEvent.click(within(panel).getByRole('button', { name: 'Continue' }));
    const confirm = await within(panel).findByTestId('refund-confirm');
    expect(confirm.textContent).toContain('A refund cannot be undone.');
    expect(confirm.textContent).toContain('José Núñez gets $17.85 back on their card; $13.95 comes out of your available balance.');
    const salesBefore = calls.filter((c) => c.path === '/sales').length;
    fireEvent.click(within(confirm).getByRole('button', { name: 'Refund $17.85' }));
    await waitFor(() => expect(posts('/orders/SD-0001/refunds')).toHaveLength(1));
    const sent = posts('/orders/SD-0001/refunds')[0];
    expect(sent?.body).toEqual({ reason: 'Bought twice' });
    expect(sent?.headers['Idempotency-Key']).toBeTruthy();
    const card = await within(panel).findByTestId('refund-card');
    expect(within(card).getByTestId('refund-status').textContent).toBe('Processing');
    expect(card.textContent).toContain('Refund issued — processing');
    expect(card.textContent).toContain('Expected to succeed by Mar 11, 2026');
    expect(within(panel).getByRole('status').textContent).toContain('Refund of $17.85 issued');
    await waitFor(() => expect(calls.filter((c) => c.path === '/sales').length).toBeGreaterThan(salesBefore));
  });

  it('shows a succeeded refund with both dates', async () => {
    order = makeOrder({
      status: 'refunded',
      refunded_minor: 1785,
      refunds: [{ id: 're_1', status: 'succeeded', amount_minor: 1785, created_at: '2026-03-04T10:00:00Z', settles_at: '2026-03-11T10:00:00Z', succeeded_at: '2026-03-11T10:00:00Z' }],
    });
    renderAt('/app/sales/orders/SD-0001');
    const card = await screen.findByTestId('refund-card');
    expect(within(card).getByTestId('refund-status').textContent).toBe('Succeeded');
    expect(card.textContent).toContain('Refund issued — processing');
    expect(card.textContent).toContain('Succeeded — money back with the buyer');
  });

  it('reads in Spanish', async () => {
    await i18n.changeLanguage('es');
    renderAt('/app/sales/orders/SD-0001');
    const panel = await screen.findByRole('dialog');
    fireEvent.click(await within(panel).findByRole('button', { name: 'Reembolsar' }));
    fireEvent.change(within(panel).getByLabelText('Motivo (obligatorio)'), { target: { value: 'Duplicado' } });
    fireEvent.click(within(panel).getByRole('button', { name: 'Ver el reembolso' }));
    const shown = await within(panel).findByTestId('refund-preview');
    expect(within(shown).getByText('El comprador recibe')).toBeTruthy();
    expect(within(shown).getByTestId('evidence-verdict').textContent).toBe('Compra duplicada');
  });
});

describe('refund requests', () => {
  beforeEach(() => {
    order = makeOrder({ refund_requests: [openRequest] });
    routes.set('GET /refund-requests', () => json(200, { data: [openRequest], has_more: false, next_cursor: null }));
  });

  it('marks the row with the badge and the reply deadline', async () => {
    renderAt('/app/sales');
    const badge = await screen.findByTestId('row-request');
    expect(badge.textContent).toMatch(/^Refund requested reply by Mar 4, 2099/);
    expect(calls.find((c) => c.path === '/refund-requests')).toBeTruthy();
  });

  it('declines with a required message to the buyer', async () => {
    routes.set('POST /refund-requests/rr_1/decline', () => {
      order = makeOrder({ refund_requests: [{ ...openRequest, status: 'declined', decline_message: 'Sorry' }] });
      return json(200, { ...openRequest, status: 'declined' });
    });
    renderAt('/app/sales/orders/SD-0001');
    const request = await screen.findByTestId('refund-request');
    expect(within(request).getByTestId('request-reason').textContent).toContain('I bought it twice by mistake');
    expect(within(request).getByTestId('request-deadline').textContent).toMatch(/^Reply by Mar 4, 2099/);
    fireEvent.click(within(request).getByRole('button', { name: 'Decline…' }));
    fireEvent.click(within(request).getByRole('button', { name: 'Decline and send' }));
    expect((await within(request).findByRole('alert')).textContent).toBe('Write a message to the buyer.');
    expect(posts('/refund-requests/rr_1/decline')).toHaveLength(0);
    fireEvent.change(within(request).getByLabelText('Message to the buyer (required)'), { target: { value: 'Both copies were downloaded.' } });
    fireEvent.click(within(request).getByRole('button', { name: 'Decline and send' }));
    await waitFor(() => expect(posts('/refund-requests/rr_1/decline')[0]?.body).toEqual({ message: 'Both copies were downloaded.' }));
    await waitFor(() => expect(screen.queryByTestId('refund-request')).toBeNull());
    expect(screen.getByRole('status').textContent).toContain('Refund request declined');
  });

  it('grants through the refund flow, prefilled with the buyer’s reason', async () => {
    routes.set('POST /refund-requests/rr_1/grant', () => json(201, { id: 're_1', status: 'processing', amount_minor: 1785, currency: 'USD' }));
    renderAt('/app/sales/orders/SD-0001');
    const request = await screen.findByTestId('refund-request');
    fireEvent.click(within(request).getByRole('button', { name: 'Grant…' }));
    const panel = screen.getByRole('dialog');
    expect((within(panel).getByLabelText('Reason (required)') as HTMLTextAreaElement).value).toBe('I bought it twice by mistake');
    fireEvent.click(within(panel).getByRole('button', { name: 'Preview refund' }));
    await within(panel).findByTestId('refund-preview');
    fireEvent.click(within(panel).getByRole('button', { name: 'Continue' }));
    fireEvent.click(await within(panel).findByRole('button', { name: 'Refund $17.85' }));
    await waitFor(() => expect(posts('/refund-requests/rr_1/grant')).toHaveLength(1));
    expect(posts('/refund-requests/rr_1/grant')[0]?.body).toEqual({ reason: 'I bought it twice by mistake' });
    expect(posts('/orders/SD-0001/refunds')).toHaveLength(0);
  });
});

describe('buyer refund request', () => {
  const item = (extra: Partial<LibraryItem> = {}): LibraryItem => ({
    id: 'ent_1',
    product: { id: 'prd_1', title: 'Field Notes Font', description: '' },
    store: { slug: 'demo', name: 'Demo Store', support_email: 'help@demo.test' },
    order_id: 'SD-0001',
    revoked: false,
    files: [],
    links: [],
    support_materials: [],
    license_key: null,
    created_at: '2026-03-01T10:00:00Z',
    refunds: [],
    refund_request: null,
    refund_request_until: '2099-03-15T10:00:00Z',
    ...extra,
  });
  const page = (items: LibraryItem[]) => ({ data: items, has_more: false, next_cursor: null });

  it('asks for a reason, sends the request, and then says where it stands', async () => {
    routes.set('GET /library', () => json(200, page([item()])));
    routes.set('POST /orders/SD-0001/refund-requests', () => json(201, { ...openRequest }));
    renderAt('/library', buyerSession);
    const entry = await screen.findByTestId('library-item');
    fireEvent.click(within(entry).getByRole('button', { name: 'Request a refund' }));
    fireEvent.click(within(entry).getByRole('button', { name: 'Send request' }));
    expect((await within(entry).findByRole('alert')).textContent).toBe('Tell the seller why you want a refund.');
    fireEvent.change(within(entry).getByLabelText('Why do you want a refund? (required)'), { target: { value: 'Bought it twice' } });
    fireEvent.click(within(entry).getByRole('button', { name: 'Send request' }));
    await waitFor(() => expect(posts('/orders/SD-0001/refund-requests')[0]?.body).toEqual({ reason: 'Bought it twice' }));
    expect((await within(entry).findByTestId('library-request-status')).textContent).toMatch(/^You asked for a refund on Mar 2, 2026\. The seller will reply by Mar 4, 2099/);
    expect(within(entry).queryByRole('button', { name: 'Request a refund' })).toBeNull();
  });

  it('offers nothing after the request window', async () => {
    routes.set('GET /library', () => json(200, page([item({ refund_request_until: '2026-03-15T10:00:00Z' })])));
    renderAt('/library', buyerSession);
    const entry = await screen.findByTestId('library-item');
    expect(within(entry).queryByRole('button', { name: 'Request a refund' })).toBeNull();
    expect(within(entry).queryByTestId('library-refund')).toBeNull();
  });

  it('shows a declined request with the seller’s message, and a refund on its way', async () => {
    routes.set('GET /library', () =>
      json(200, page([
        item({ refund_request: { ...openRequest, status: 'declined', decided_at: '2026-03-03T10:00:00Z', decline_message: 'Both copies were downloaded.' } }),
        item({ id: 'ent_2', order_id: 'SD-0009', refunds: [{ id: 're_1', status: 'processing', amount_minor: 500, currency: 'USD', settles_at: '2026-03-11T10:00:00Z' }] }),
      ])),
    );
    renderAt('/library', buyerSession);
    const [declined, refunded] = await screen.findAllByTestId('library-item');
    expect(within(declined as HTMLElement).getByTestId('library-request-status').textContent).toBe(
      'The seller declined your refund request on Mar 3, 2026:“Both copies were downloaded.”',
    );
    expect(within(refunded as HTMLElement).getByTestId('library-refund-status').textContent).toBe('Refund of $5.00 on its way: it should reach your card by Mar 11, 2026.');
  });
});
