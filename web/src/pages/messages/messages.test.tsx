// Component tests for Messages (Issue 6): the seller's inbox and conversation, the Message
// button of the order panel, saved replies, broadcasts and the buyer's side. fetch is a small
// router over the API paths, as in sales.test.tsx.
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MemoryRouter, useLocation } from 'react-router-dom';
import i18n from '../../i18n';
import { setCsrfToken, type Store, type Thread, type ThreadRow } from '../../api';
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
const buyerSession: SessionState = { status: 'authenticated', user: { id: 'usr_9', email: 'jose@example.com', name: 'José Núñez' }, store: null };

const threadRow = (id: string, name: string, unread: number, body: string): ThreadRow => ({
  id,
  unread: unread > 0,
  unread_count: unread,
  last_message_at: '2026-03-01T10:00:00Z',
  last_message: { author: unread > 0 ? 'buyer' : 'seller', body },
  opened_by: 'buyer',
  created_at: '2026-03-01T09:00:00Z',
  customer: { id: `cus_${id}`, name, email: `${name.split(' ')[0]?.toLowerCase()}@example.com` },
  store: { slug: 'demo', name: 'Demo Store' },
});
const ROWS = [threadRow('thr_1', 'José Núñez', 2, 'Where is my download?'), threadRow('thr_2', 'Zoë Åberg', 0, 'Thanks!')];
const metrics = { window_days: 30, new_threads: 12, median_first_response_seconds: 3 * 3600 + 20 * 60, answered_within_24h_share: 0.9, target_share: 0.95 };
const thread: Thread = {
  id: 'thr_1',
  opened_by: 'buyer',
  created_at: '2026-03-01T09:00:00Z',
  last_message_at: '2026-03-01T10:00:00Z',
  store: { slug: 'demo', name: 'Demo Store' },
  customer: { id: 'cus_1', name: 'José Núñez', email: 'jose@example.com' },
  messages: [
    { id: 'msg_1', thread_id: 'thr_1', author: 'buyer', body: 'Where is my download?', broadcast_id: null, created_at: '2026-03-01T09:00:00Z' },
    { id: 'msg_2', thread_id: 'thr_1', author: 'auto', body: 'I am away until Monday.', broadcast_id: null, created_at: '2026-03-01T09:00:01Z' },
  ],
  purchases: [{ order_id: 'SD-0001', created_at: '2026-02-20T10:00:00Z', description: 'Field Notes Font', total_minor: 1785, refunded_minor: 0, currency: 'USD' }],
};

function json(status: number, body: unknown) {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}
type Handler = (url: URL, init: RequestInit) => Response | Promise<Response>;
const routes = new Map<string, Handler>();
const calls: { method: string; path: string; params: URLSearchParams; body: unknown }[] = [];
const fetchMock = vi.fn(async (input: string, init: RequestInit = {}) => {
  const url = new URL(input, 'http://localhost');
  const path = url.pathname.replace(/^\/api\/v1/, '');
  const method = init.method ?? 'GET';
  calls.push({ method, path, params: url.searchParams, body: init.body ? JSON.parse(String(init.body)) : undefined });
  const handler = routes.get(`${method} ${path}`);
  if (!handler) return json(404, { error: { type: 'not_found', code: 'not_found', message: `no route ${path}`, param: null } });
  return handler(url, init);
});
const posts = (path: string) => calls.filter((c) => c.method === 'POST' && c.path === path);

function LocationProbe() {
  const location = useLocation();
  return <output data-testid="location">{location.pathname + location.search}</output>;
}
function renderAt(path: string, session: SessionState = seller) {
  return render(
    <SessionProvider initial={session}>
      <MemoryRouter initialEntries={[path]}>
        <AppRoutes />
        <LocationProbe />
      </MemoryRouter>
    </SessionProvider>,
  );
}
const location = () => screen.getByTestId('location').textContent ?? '';

beforeEach(async () => {
  routes.clear();
  calls.length = 0;
  vi.stubGlobal('fetch', fetchMock);
  localStorage.clear();
  await i18n.changeLanguage('en');
  setCsrfToken('csrf-test');
  routes.set('GET /threads', (url) => {
    const q = (url.searchParams.get('q') ?? '').toLowerCase();
    const rows = ROWS.filter((r) => !q || r.customer.name.toLowerCase().includes(q) || r.last_message?.body.toLowerCase().includes(q));
    return json(200, { data: rows, has_more: false, next_cursor: null, metrics });
  });
  routes.set('GET /threads/thr_1', () => json(200, thread));
  routes.set('GET /saved-replies', () =>
    json(200, { data: [{ id: 'svr_1', title: 'Download help', body: 'Hi {customer_first_name}, your files are at {library_url}.', created_at: '', updated_at: '' }], has_more: false, next_cursor: null }),
  );
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('seller inbox', () => {
  it('shows the response metrics and the threads, unread ones marked', async () => {
    renderAt('/app/messages');
    const inbox = await screen.findByTestId('inbox');
    const rows = within(inbox).getAllByTestId('thread-row');
    expect(rows).toHaveLength(2);
    expect(within(rows[0] as HTMLElement).getByTestId('unread-badge').textContent).toBe('2 new');
    expect(within(rows[1] as HTMLElement).queryByTestId('unread-badge')).toBeNull();
    expect(rows[1]?.textContent).toContain('You: Thanks!');
    expect(screen.getByTestId('metric-median').textContent).toBe('3 h 20 min');
    expect(screen.getByTestId('metric-share').textContent).toBe('90%');
    expect(screen.getByTestId('metric-share').className).toContain('amount--negative'); // below the 95% goal
    expect(screen.getByTestId('response-metrics').textContent).toContain('Goal: 95%');
  });

  it('searches customers and text 250 ms after typing, keeping the search in the URL', async () => {
    renderAt('/app/messages');
    await screen.findByTestId('inbox');
    fireEvent.change(screen.getByLabelText('Search messages'), { target: { value: 'download' } });
    await waitFor(() => expect(location()).toBe('/app/messages?q=download'));
    await waitFor(() => expect(screen.getAllByTestId('thread-row')).toHaveLength(1));
    expect(calls.filter((c) => c.path === '/threads').map((c) => c.params.get('q'))).toEqual([null, 'download']);
  });

  it('opens a thread: messages, the customer’s purchases, and a reply that is posted and shown', async () => {
    routes.set('POST /threads/thr_1/messages', () => {
      thread.messages.push({ id: 'msg_3', thread_id: 'thr_1', author: 'seller', body: 'Here you go', broadcast_id: null, created_at: '2026-03-01T11:00:00Z' });
      return json(201, thread.messages[2]);
    });
    renderAt('/app/messages');
    fireEvent.click(await screen.findByRole('link', { name: /José Núñez/ }));
    await screen.findByTestId('conversation');
    expect(location()).toBe('/app/messages/threads/thr_1');
    expect(screen.getAllByTestId('message')).toHaveLength(2);
    expect(screen.getByText(/Away message/)).toBeTruthy();
    expect(within(screen.getByTestId('thread-purchases')).getByRole('link', { name: 'Field Notes Font' }).getAttribute('href')).toBe('/app/sales/orders/SD-0001');
    fireEvent.change(screen.getByLabelText('Reply to José Núñez'), { target: { value: 'Here you go' } });
    fireEvent.click(screen.getByRole('button', { name: 'Send reply' }));
    await waitFor(() => expect(screen.getAllByTestId('message')).toHaveLength(3));
    expect(posts('/threads/thr_1/messages')[0]?.body).toEqual({ body: 'Here you go' });
    thread.messages.pop();
  });

  it('refuses an empty reply without calling the server', async () => {
    renderAt('/app/messages/threads/thr_1');
    await screen.findByTestId('conversation');
    fireEvent.click(screen.getByRole('button', { name: 'Send reply' }));
    expect((await screen.findByTestId('composer-error')).textContent).toBe('Write a message or attach a file first.');
    expect(posts('/threads/thr_1/messages')).toHaveLength(0);
  });
});

describe('Message from the order panel', () => {
  const order = {
    id: 'SD-0001',
    created_at: '2026-03-01T10:00:00Z',
    status: 'complete',
    currency: 'USD',
    customer: { id: 'cus_1', name: 'José Núñez', email: 'jose@example.com', country: 'DE' },
    lines: [],
    subtotal_minor: 0,
    tax_minor: 0,
    total_minor: 0,
    fee_minor: 0,
    net_minor: 0,
    refunded_minor: 0,
    tax: null,
    payment: null,
    available_at: null,
    status_history: [],
    refunds: [],
  };
  beforeEach(() => {
    routes.set('GET /sales', () => json(200, { data: [], has_more: false, next_cursor: null, summary: { count: 0, total_minor: 0, currency: 'USD' } }));
    routes.set('GET /sales/timeseries', () => json(200, { interval: 'day', currency: 'USD', data: [] }));
    routes.set('GET /products', () => json(200, { data: [], has_more: false, next_cursor: null }));
    routes.set('GET /orders/SD-0001', () => json(200, order));
  });

  it('inserts a saved reply for review, shows a placeholder refusal in plain words, then sends', async () => {
    let attempt = 0;
    routes.set('POST /customers/cus_1/messages', () => {
      attempt += 1;
      if (attempt === 1)
        return json(400, {
          error: { type: 'invalid_request', code: 'placeholder_unfillable', message: 'This thread has no value for {product_title}; add a fallback such as {product_title|…}.', param: 'body' },
        });
      return json(201, { id: 'msg_9', thread_id: 'thr_1', author: 'seller', body: 'Hi José', broadcast_id: null, created_at: '2026-03-02T10:00:00Z' });
    });
    renderAt('/app/sales/orders/SD-0001');
    const panel = await screen.findByTestId('order-panel');
    fireEvent.click(await within(panel).findByRole('button', { name: 'Message' }));
    fireEvent.click(within(panel).getByRole('button', { name: 'Insert saved reply' }));
    fireEvent.click(await within(panel).findByRole('button', { name: /Download help/ }));
    const box = within(panel).getByLabelText('Your message to José Núñez') as HTMLTextAreaElement;
    // The text is in the box, placeholders and all, to be read before sending; nothing is sent yet.
    expect(box.value).toBe('Hi {customer_first_name}, your files are at {library_url}.');
    expect(posts('/customers/cus_1/messages')).toHaveLength(0);

    fireEvent.change(box, { target: { value: `${box.value} Enjoy {product_title}` } });
    fireEvent.click(within(panel).getByRole('button', { name: 'Send message' }));
    const error = await within(panel).findByTestId('composer-error');
    await waitFor(() => expect(error.textContent).toContain('Shopdesk has nothing to put in {product_title} for this customer'));
    expect(error.textContent).toContain('{product_title|…}');
    expect(box.value).toContain('Enjoy {product_title}'); // kept for fixing

    fireEvent.change(box, { target: { value: 'Hi {customer_first_name}' } });
    fireEvent.click(within(panel).getByRole('button', { name: 'Send message' }));
    await within(panel).findByText(/Message sent to José Núñez/);
    expect(posts('/customers/cus_1/messages').map((c) => c.body)).toEqual([
      { body: 'Hi {customer_first_name}, your files are at {library_url}. Enjoy {product_title}' },
      { body: 'Hi {customer_first_name}' },
    ]);
    expect(within(panel).getByRole('link', { name: 'Open the conversation' }).getAttribute('href')).toBe('/app/messages/threads/thr_1');
  });
});

describe('buyer messages', () => {
  const libraryItem = {
    id: 'ent_1',
    product: { id: 'prd_1', title: 'Field Notes Font', description: '' },
    store: { slug: 'demo', name: 'Demo Store', support_email: null },
    order_id: 'SD-0001',
    revoked: false,
    files: [],
    links: [],
    support_materials: [],
    license_key: null,
    created_at: '2026-03-01T10:00:00Z',
  };
  const buyerThread: Thread = { ...thread, messages: [{ id: 'msg_5', thread_id: 'thr_1', author: 'seller', body: 'Hi José, thanks!', broadcast_id: null, created_at: '2026-03-01T10:00:00Z' }] };
  beforeEach(() => {
    routes.set('GET /library', () => json(200, { data: [libraryItem], has_more: false, next_cursor: null }));
    routes.set('GET /my/threads/thr_1', () => json(200, buyerThread));
  });

  it('contacts the seller from the library: a first message opens the thread', async () => {
    routes.set('GET /my/threads', () => json(200, { data: [], has_more: false, next_cursor: null }));
    routes.set('POST /my/threads', () => json(201, { id: 'msg_6', thread_id: 'thr_1', author: 'buyer', body: 'Hello', broadcast_id: null, created_at: '' }));
    renderAt('/library', buyerSession);
    fireEvent.click(await screen.findByRole('link', { name: 'Contact the seller' }));
    await screen.findByRole('heading', { name: 'Write to Demo Store' });
    fireEvent.change(screen.getByLabelText('Your message to Demo Store'), { target: { value: 'Hello' } });
    fireEvent.click(screen.getByRole('button', { name: 'Send message' }));
    await waitFor(() => expect(location()).toBe('/library/messages/thr_1'));
    expect(posts('/my/threads')[0]?.body).toEqual({ store: 'demo', body: 'Hello' });
    expect((await screen.findByTestId('message')).textContent).toContain('Hi José, thanks!');
  });

  it('goes to the existing conversation with a store, and replies in it', async () => {
    routes.set('GET /my/threads', () => json(200, { data: [{ ...ROWS[0], unread: true, unread_count: 1 }], has_more: false, next_cursor: null }));
    routes.set('POST /my/threads/thr_1/messages', () => json(201, { id: 'msg_7', thread_id: 'thr_1', author: 'buyer', body: 'Thanks', broadcast_id: null, created_at: '' }));
    renderAt('/library/messages?store=demo&name=Demo%20Store', buyerSession);
    await screen.findByTestId('conversation');
    expect(location()).toBe('/library/messages/thr_1');
    fireEvent.change(screen.getByLabelText('Reply to Demo Store'), { target: { value: 'Thanks' } });
    fireEvent.click(screen.getByRole('button', { name: 'Send reply' }));
    await waitFor(() => expect(posts('/my/threads/thr_1/messages')).toHaveLength(1));
    expect(posts('/my/threads/thr_1/messages')[0]?.body).toEqual({ body: 'Thanks' });
  });

  it('says so in plain words when the store does not take messages from this buyer', async () => {
    routes.set('GET /my/threads', () => json(200, { data: [], has_more: false, next_cursor: null }));
    routes.set('POST /my/threads', () => json(403, { error: { type: 'permission', code: 'message_not_allowed', message: "This message can't be sent to this store.", param: null } }));
    renderAt('/library/messages?store=demo&name=Demo%20Store', buyerSession);
    fireEvent.change(await screen.findByLabelText('Your message to Demo Store'), { target: { value: 'Hello' } });
    fireEvent.click(screen.getByRole('button', { name: 'Send message' }));
    await waitFor(() => expect(screen.getByTestId('composer-error').textContent).toBe('This store can’t receive messages from you.'));
  });
});

describe('response metrics without data', () => {
  it('says there is nothing to measure yet instead of showing numbers', async () => {
    routes.set('GET /threads', () =>
      json(200, { data: ROWS, has_more: false, next_cursor: null, metrics: { ...metrics, new_threads: 0, median_first_response_seconds: null, answered_within_24h_share: null } }),
    );
    renderAt('/app/messages');
    expect((await screen.findByTestId('metric-median')).textContent).toBe('No new conversations from customers yet');
    expect(screen.getByTestId('metric-share').className).not.toContain('amount--negative');
  });
});

describe('saved replies manager', () => {
  it('lists, creates, edits and deletes saved replies', async () => {
    routes.set('POST /saved-replies', () => json(201, { id: 'svr_2', title: 'Refunds', body: 'Refunds take 5 days.', created_at: '', updated_at: '' }));
    routes.set('PATCH /saved-replies/svr_1', () => json(200, { id: 'svr_1', title: 'Download help', body: 'Changed text', created_at: '', updated_at: '' }));
    routes.set('DELETE /saved-replies/svr_2', () => json(200, { id: 'svr_2', deleted: true }));
    vi.spyOn(window, 'confirm').mockReturnValue(true);
    renderAt('/app/messages/saved-replies');
    expect(await screen.findAllByTestId('saved-reply')).toHaveLength(1);

    fireEvent.click(screen.getByRole('button', { name: 'New saved reply' }));
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect((await screen.findByRole('alert')).textContent).toBe('Give the reply a name.');
    fireEvent.change(screen.getByLabelText('Name (only you see it)'), { target: { value: 'Refunds' } });
    fireEvent.change(screen.getByLabelText('Text'), { target: { value: 'Refunds take 5 days.' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(screen.getAllByTestId('saved-reply')).toHaveLength(2));
    expect(calls.find((c) => c.method === 'POST' && c.path === '/saved-replies')?.body).toEqual({ title: 'Refunds', body: 'Refunds take 5 days.' });

    fireEvent.click(screen.getByRole('button', { name: 'Edit Download help' }));
    fireEvent.change(screen.getByLabelText('Text'), { target: { value: 'Changed text' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await screen.findByText('Changed text');
    expect(calls.find((c) => c.method === 'PATCH')?.body).toEqual({ title: 'Download help', body: 'Changed text' });

    fireEvent.click(screen.getByRole('button', { name: 'Delete Refunds' }));
    await waitFor(() => expect(screen.getAllByTestId('saved-reply')).toHaveLength(1));
    expect(calls.some((c) => c.method === 'DELETE' && c.path === '/saved-replies/svr_2')).toBe(true);
  });
});
