// Component tests for the Sales view, rendered in jsdom with fetch replaced by a small router
// over the API paths (as in selling.test.tsx). Real timers: the search debounce is 250 ms.
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MemoryRouter, useLocation } from 'react-router-dom';
import i18n from '../../i18n';
import { setCsrfToken, type OrderDetails, type SaleRow, type Store } from '../../api';
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
  refund_window_days: 30,
  fee_percent_bp: 500,
  fee_fixed_minor: 30,
  created_at: '2025-01-01T00:00:00Z',
};
const seller: SessionState = { status: 'authenticated', user: { id: 'usr_1', email: 'dana@demo.test', name: 'Dana' }, store };

function row(n: number, name: string, extra: Partial<SaleRow> = {}): SaleRow {
  return {
    order_id: `SD-000${n}`,
    line_id: `ln_${n}`,
    created_at: `2026-03-0${n}T10:00:00Z`,
    product: { id: 'prd_1', title: 'Field Notes Font' },
    tier: 'Personal',
    quantity: 1,
    customer: { id: `cus_${n}`, name, email: `${name.split(' ')[0]?.toLowerCase()}@example.com` },
    status: 'complete',
    price_minor: 1500,
    tax_minor: 285,
    total_minor: 1785,
    refunded_minor: 0,
    currency: 'USD',
    country: 'DE',
    ...extra,
  };
}
const ROWS = [row(1, 'José Núñez'), row(2, 'Zoë Åberg', { status: 'refunded', total_minor: 4900 })];
const listAnswer = (rows: SaleRow[], more = false) => ({
  data: rows,
  has_more: more,
  next_cursor: more ? 'cur_2' : null,
  summary: { count: rows.length + (more ? 10 : 0), total_minor: rows.reduce((s, r) => s + r.total_minor, 0), currency: 'USD' },
});
const series = {
  interval: 'day',
  currency: 'USD',
  data: [
    { period_start: '2026-03-01T00:00:00Z', count: 1, total_minor: 1785 },
    { period_start: '2026-03-02T00:00:00Z', count: 1, total_minor: 4900 },
  ],
};
const order: OrderDetails = {
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
      downloads: { count: 2, files: [{ file_id: 'f1', filename: 'font.otf', count: 2 }] },
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
};

function json(status: number, body: unknown) {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

type Handler = (url: URL, init: RequestInit) => Response | Promise<Response>;
const routes = new Map<string, Handler>();
const calls: { path: string; params: URLSearchParams; signal: AbortSignal | null | undefined }[] = [];
const fetchMock = vi.fn(async (input: string, init: RequestInit = {}) => {
  const url = new URL(input, 'http://localhost');
  const path = url.pathname.replace(/^\/api\/v1/, '');
  calls.push({ path, params: url.searchParams, signal: init.signal });
  const handler = routes.get(`${init.method ?? 'GET'} ${path}`);
  if (!handler) return json(404, { error: { type: 'not_found', code: 'not_found', message: `no route ${path}`, param: null } });
  return handler(url, init);
});

/** A request that never answers, but fails as fetch does when its signal is aborted. */
function hang(init: RequestInit): Promise<Response> {
  return new Promise((_, reject) => {
    init.signal?.addEventListener('abort', () => reject(new DOMException('Aborted', 'AbortError')));
  });
}

function LocationProbe() {
  const location = useLocation();
  return <output data-testid="location">{location.pathname + location.search}</output>;
}

function renderAt(path: string) {
  return render(
    <SessionProvider initial={seller}>
      <MemoryRouter initialEntries={[path]}>
        <AppRoutes />
        <LocationProbe />
      </MemoryRouter>
    </SessionProvider>,
  );
}

const location = () => screen.getByTestId('location').textContent ?? '';
const salesCalls = () => calls.filter((c) => c.path === '/sales');

beforeEach(async () => {
  routes.clear();
  calls.length = 0;
  vi.stubGlobal('fetch', fetchMock);
  localStorage.clear();
  await i18n.changeLanguage('en');
  setCsrfToken('csrf-test');
  routes.set('GET /sales', (url) => {
    const q = url.searchParams.get('q') ?? '';
    return json(200, listAnswer(ROWS.filter((r) => !q || r.customer.name.toLowerCase().normalize('NFD').replace(/\p{M}/gu, '').includes(q))));
  });
  routes.set('GET /sales/timeseries', () => json(200, series));
  routes.set('GET /products', () => json(200, { data: [], has_more: false, next_cursor: null }));
  routes.set('GET /orders/SD-0001', () => json(200, order));
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('sales list', () => {
  it('shows the rows, the count and total of the filter, and the chart', async () => {
    renderAt('/app/sales');
    const table = await screen.findByTestId('sales-table');
    expect(within(table).getAllByTestId('sale-row')).toHaveLength(2);
    expect(within(table).getByRole('link', { name: 'José Núñez' })).toBeTruthy();
    expect(within(table).getByText('Refunded').className).toContain('badge--revoked');
    expect(screen.getByTestId('sales-summary').textContent).toBe('2 sales, $66.85 in total');
    const chart = await screen.findByRole('img', { name: /Sales over time 2 sales, \$66\.85 in total/ });
    expect(chart.querySelectorAll('rect')).toHaveLength(2);
  });

  it('searches 250 ms after the last key, aborts the stale request, and keeps the search in the URL', async () => {
    renderAt('/app/sales');
    await screen.findByTestId('sales-table');
    const box = screen.getByLabelText('Search sales');
    // "nun" never answers, so the next search must abort it.
    const base = routes.get('GET /sales') as Handler;
    routes.set('GET /sales', (url, init) => (url.searchParams.get('q') === 'nun' ? hang(init) : base(url, init)));

    fireEvent.change(box, { target: { value: 'n' } });
    fireEvent.change(box, { target: { value: 'nu' } });
    fireEvent.change(box, { target: { value: 'nun' } });
    await new Promise((r) => setTimeout(r, 120));
    expect(salesCalls().filter((c) => c.params.has('q'))).toHaveLength(0); // not yet
    await waitFor(() => expect(salesCalls().some((c) => c.params.get('q') === 'nun')).toBe(true));
    expect(salesCalls().map((c) => c.params.get('q'))).toEqual([null, 'nun']); // n and nu were never sent
    expect(location()).toBe('/app/sales?q=nun');

    fireEvent.change(box, { target: { value: 'nunez' } });
    await waitFor(() => expect(location()).toBe('/app/sales?q=nunez'));
    const stale = salesCalls().find((c) => c.params.get('q') === 'nun');
    expect(stale?.signal?.aborted).toBe(true);
    await waitFor(() => expect(screen.getAllByTestId('sale-row')).toHaveLength(1));
    expect(screen.getByTestId('sales-summary').textContent).toBe('1 sale, $17.85 in total');
  });

  it('restores the search and filters from the URL, and the CSV link carries the same query', async () => {
    renderAt('/app/sales?q=jos&status=refunded&country=DE&sort=-total');
    await screen.findByTestId('sales-table');
    expect((screen.getByLabelText('Search sales') as HTMLInputElement).value).toBe('jos');
    expect(screen.getByTestId('chip-status').textContent).toContain('Status: Refunded');
    expect(screen.getByTestId('chip-country').textContent).toContain('Country: Germany');
    const listed = new URLSearchParams(salesCalls()[0]?.params);
    expect(listed.get('limit')).toBe('50');
    listed.delete('limit');
    const href = screen.getByRole('link', { name: 'Download CSV' }).getAttribute('href') ?? '';
    expect(href.split('?')[0]).toBe('/api/v1/sales/export.csv');
    expect(new URLSearchParams(href.split('?')[1]).toString()).toBe(listed.toString());
    expect(listed.toString()).toBe('q=jos&status=refunded&country=DE&sort=-total');
  });

  it('removes one chip, then clears the filters but keeps the search', async () => {
    renderAt('/app/sales?q=jos&status=refunded&country=DE');
    await screen.findByTestId('sales-table');
    fireEvent.click(screen.getByRole('button', { name: 'Remove filter: Status: Refunded' }));
    await waitFor(() => expect(location()).toBe('/app/sales?q=jos&country=DE'));
    fireEvent.click(screen.getByRole('button', { name: 'Clear filters' }));
    await waitFor(() => expect(location()).toBe('/app/sales?q=jos'));
    await waitFor(() => expect(salesCalls().at(-1)?.params.toString()).toBe('q=jos&limit=50'));
    expect(screen.getByRole('link', { name: 'Download CSV' }).getAttribute('href')).toBe('/api/v1/sales/export.csv?q=jos');
  });

  it('applies a filter from the filter panel, and sorts by total', async () => {
    renderAt('/app/sales');
    await screen.findByTestId('sales-table');
    fireEvent.click(screen.getByRole('button', { name: 'Filters' }));
    fireEvent.change(screen.getByLabelText('Status'), { target: { value: 'partially_refunded' } });
    await waitFor(() => expect(location()).toBe('/app/sales?status=partially_refunded'));
    fireEvent.change(screen.getByLabelText('Total at least'), { target: { value: '12,50' } });
    fireEvent.blur(screen.getByLabelText('Total at least'));
    await waitFor(() => expect(location()).toBe('/app/sales?status=partially_refunded&min_total_minor=1250'));
    expect(screen.getByTestId('chip-amount').textContent).toContain('At least $12.50');

    fireEvent.click(screen.getByRole('button', { name: /^Total paid/ }));
    await waitFor(() => expect(salesCalls().at(-1)?.params.get('sort')).toBe('-total'));
    expect(screen.getByRole('columnheader', { name: /^Total paid/ }).getAttribute('aria-sort')).toBe('descending');
  });

  it('says when a search summary is partial (exact: false) in both languages', async () => {
    routes.set('GET /sales', () =>
      json(200, { ...listAnswer(ROWS, true), summary: { count: 1000, total_minor: 1234500, currency: 'USD', exact: false } }),
    );
    renderAt('/app/sales?q=ana');
    await screen.findByTestId('sales-table');
    const summary = screen.getByTestId('sales-summary').textContent ?? '';
    expect(summary).toContain('1000+ sales, at least $12,345.00');
    expect(summary).toContain('Showing 2 of 1000+');
    expect(screen.getByTestId('sales-summary-partial').textContent).toContain('first 1,000 matches');
  });

  it('loads the next page with the cursor', async () => {
    routes.set('GET /sales', (url) =>
      json(200, url.searchParams.get('cursor') === 'cur_2' ? listAnswer([row(3, 'Ana García')]) : listAnswer(ROWS, true)),
    );
    renderAt('/app/sales');
    await screen.findByTestId('sales-table');
    expect(screen.getByTestId('sales-summary').textContent).toContain('Showing 2 of 12');
    fireEvent.click(screen.getByRole('button', { name: 'Show more sales' }));
    await waitFor(() => expect(screen.getAllByTestId('sale-row')).toHaveLength(3));
    expect(salesCalls().at(-1)?.params.get('cursor')).toBe('cur_2');
    expect(screen.queryByRole('button', { name: 'Show more sales' })).toBeNull();
  });
});

describe('sales states', () => {
  it('says "No sales yet" to a store without sales', async () => {
    routes.set('GET /sales', () => json(200, listAnswer([])));
    renderAt('/app/sales');
    expect(await screen.findByText('No sales yet')).toBeTruthy();
    expect(screen.getByText('Sales for Demo Store will appear here once the first order comes in.')).toBeTruthy();
    expect(screen.queryByText('No sales match this search')).toBeNull();
    expect(screen.queryByRole('link', { name: 'Download CSV' })).toBeNull();
  });

  it('says "no match" for a search without results, and clears it', async () => {
    routes.set('GET /sales', (url) => json(200, listAnswer(url.searchParams.get('q') ? [] : ROWS)));
    renderAt('/app/sales?q=zzz&country=FR');
    expect(await screen.findByText('No sales match this search')).toBeTruthy();
    expect(screen.queryByText('No sales yet')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Clear search and filters' }));
    await waitFor(() => expect(location()).toBe('/app/sales'));
    await screen.findByTestId('sales-table');
    expect((screen.getByLabelText('Search sales') as HTMLInputElement).value).toBe('');
  });

  it('shows a skeleton while loading, then an error with a working retry', async () => {
    let fail = true;
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => (release = r));
    routes.set('GET /sales', async () => {
      await gate;
      return fail ? json(500, { error: { type: 'api', code: 'internal', message: 'boom', param: null } }) : json(200, listAnswer(ROWS));
    });
    renderAt('/app/sales');
    expect(screen.getByRole('status', { name: 'Loading sales…' })).toBeTruthy();
    act(() => release());
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Your sales could not be loaded.');
    fail = false;
    fireEvent.click(within(alert).getByRole('button', { name: 'Try again' }));
    expect(await screen.findByTestId('sales-table')).toBeTruthy();
  });

  it('reads in Spanish', async () => {
    await i18n.changeLanguage('es');
    renderAt('/app/sales');
    await screen.findByTestId('sales-table');
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Ventas');
    expect(screen.getByRole('link', { name: 'Descargar CSV' })).toBeTruthy();
    expect(screen.getByText('Reembolsada')).toBeTruthy();
    expect(screen.getByTestId('sales-summary').textContent).toMatch(/^2 ventas, .+ en total$/);
  });
});

describe('order details panel', () => {
  it('opens from the customer name with a deep link, closes with Esc, and gives focus back', async () => {
    renderAt('/app/sales?q=jos');
    const link = await screen.findByRole('link', { name: 'José Núñez' });
    fireEvent.click(link);
    const panel = await screen.findByRole('dialog', { name: 'Order SD-0001' });
    expect(location()).toBe('/app/sales/orders/SD-0001?q=jos');
    expect(await within(panel).findByTestId('panel-customer-name')).toBeTruthy();
    expect(within(panel).getByText('jose@example.com')).toBeTruthy();
    expect(within(panel).getByText('Personal license')).toBeTruthy();
    expect(within(panel).getByText('KEY-1234')).toBeTruthy();
    expect(within(panel).getByText('VAT 19%')).toBeTruthy();
    expect(within(panel).getByTestId('panel-total').textContent).toBe('$17.85');
    expect(within(panel).getByTestId('panel-payment').textContent).toBe('Visa ending in 4242');
    expect(within(panel).getByText('Downloaded 2 times')).toBeTruthy();
    expect(within(panel).getByText('No refunds for this order.')).toBeTruthy();
    expect(document.activeElement?.id).toBe('order-panel-title');
    // Something remains refundable, so the panel offers the refund; Message writes to the customer.
    expect(within(panel).getByRole('button', { name: 'Issue refund' })).toBeTruthy();
    expect(within(panel).getByRole('button', { name: 'Message' })).toBeTruthy();

    fireEvent.keyDown(document, { key: 'Escape' });
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(location()).toBe('/app/sales?q=jos');
    expect(document.activeElement).toBe(screen.getByRole('link', { name: 'José Núñez' }));
  });

  it('closes with the close button', async () => {
    renderAt('/app/sales/orders/SD-0001');
    const panel = await screen.findByRole('dialog');
    fireEvent.click(within(panel).getByRole('button', { name: 'Close' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(location()).toBe('/app/sales');
  });

  it('opens the transaction history from the ⋯ menu, with totals and paging', async () => {
    routes.set('GET /customers/cus_1/transactions', (url) =>
      json(200, {
        data: url.searchParams.get('cursor')
          ? [{ type: 'purchase', id: 'ord_0', order_id: 'SD-0000', created_at: '2026-02-01T00:00:00Z', description: 'Old Font', amount_minor: 1000, currency: 'USD', status: 'complete' }]
          : [{ type: 'purchase', id: 'ord_1', order_id: 'SD-0001', created_at: '2026-03-01T10:00:00Z', description: 'Field Notes Font', amount_minor: 1785, currency: 'USD', status: 'complete' }],
        has_more: !url.searchParams.get('cursor'),
        next_cursor: url.searchParams.get('cursor') ? null : 'tx_2',
        totals: { count: 2, purchases_minor: 2785, refunds_minor: 0, net_minor: 2785, currency: 'USD' },
      }),
    );
    renderAt('/app/sales/orders/SD-0001?q=jos');
    const panel = await screen.findByRole('dialog');
    await within(panel).findByTestId('panel-customer-name');
    fireEvent.click(within(panel).getByRole('button', { name: 'More actions' }));
    const item = within(panel).getByRole('menuitem', { name: 'View transaction history' });
    // Esc closes the menu first, not the panel.
    fireEvent.keyDown(document, { key: 'Escape' });
    expect(within(panel).queryByRole('menu')).toBeNull();
    expect(screen.getByRole('dialog')).toBeTruthy();
    fireEvent.click(within(panel).getByRole('button', { name: 'More actions' }));
    fireEvent.click(within(panel).getByRole('menuitem', { name: 'View transaction history' }));
    expect(item).toBeTruthy();
    await waitFor(() => expect(location()).toBe('/app/sales/orders/SD-0001/history?q=jos'));
    const totals = await within(panel).findByTestId('transaction-totals');
    expect(totals.textContent).toContain('$27.85');
    expect(within(panel).getByText('2 transactions')).toBeTruthy();
    fireEvent.click(within(panel).getByRole('button', { name: 'Show more' }));
    await waitFor(() => expect(within(screen.getByTestId('transactions')).getAllByRole('listitem')).toHaveLength(2));
    fireEvent.click(within(panel).getByRole('link', { name: /Back to the order/ }));
    await waitFor(() => expect(location()).toBe('/app/sales/orders/SD-0001?q=jos'));
  });

  it('shows a dispute with its amount, status and what it means, and labels its history events', async () => {
    routes.set('GET /orders/SD-0001', () =>
      json(200, {
        ...order,
        status_history: [
          { status: 'paid', at: '2026-03-01T10:00:00Z' },
          { status: 'dispute_opened', at: '2026-03-05T10:00:00Z' },
        ],
        disputes: [
          { id: 'dp_1', order_id: 'SD-0001', status: 'open', amount_minor: 1785, currency: 'USD', reason: 'fraudulent', opened_at: '2026-03-05T10:00:00Z', resolved_at: null, outcome: null },
        ],
      }),
    );
    renderAt('/app/sales/orders/SD-0001');
    const panel = await screen.findByRole('dialog');
    const card = await within(panel).findByTestId('dispute-card');
    expect(card.textContent).toContain('$17.85');
    expect(within(card).getByTestId('dispute-status').textContent).toBe('Open');
    expect(card.textContent).toContain('Reason given: fraudulent');
    expect(card.textContent).toContain('access is paused');
    expect(within(panel).getByText('Dispute opened')).toBeTruthy();
  });

  it('shows no disputes section for an order without one', async () => {
    renderAt('/app/sales/orders/SD-0001');
    const panel = await screen.findByRole('dialog');
    await within(panel).findByTestId('panel-payment');
    expect(within(panel).queryByTestId('panel-disputes')).toBeNull();
  });

  it('says so when the order does not exist', async () => {
    renderAt('/app/sales/orders/SD-NOPE');
    const panel = await screen.findByRole('dialog');
    expect(await within(panel).findByText('This order was not found.')).toBeTruthy();
  });
});
