// Blocking (R-BLK-1) screens: the "Block customer" dialog (preview of the covered accounts, a
// required private reason) and the Blocked customers page (reasons, Unblock).
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MemoryRouter } from 'react-router-dom';
import i18n from '../i18n';
import { setCsrfToken, type Block, type Store } from '../api';
import { SessionProvider, type SessionState } from '../session';
import { AppRoutes } from '../App';
import { BlockCustomerDialog } from './sales/BlockCustomerDialog';

const store: Store = {
  id: 'str_1', slug: 'demo', name: 'Demo Store', currency: 'USD', support_email: 'help@demo.test', locale: 'en',
  refund_policy: 'within_days:30', hold_period_days: 7, refund_window_days: 30, fee_percent_bp: 500, fee_fixed_minor: 30,
  created_at: '2025-01-01T00:00:00Z',
};
const seller: SessionState = { status: 'authenticated', user: { id: 'usr_1', email: 'dana@demo.test', name: 'Dana' }, store };

function json(status: number, body: unknown) {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}
type Handler = (init: RequestInit) => Response;
const routes = new Map<string, Handler>();
const calls: { method: string; path: string; body: unknown }[] = [];
const fetchMock = vi.fn(async (url: string, init: RequestInit = {}) => {
  const path = url.replace(/^\/api\/v1/, '').split('?')[0] ?? '';
  const method = init.method ?? 'GET';
  calls.push({ method, path, body: init.body ? JSON.parse(String(init.body)) : undefined });
  const handler = routes.get(`${method} ${path}`);
  if (!handler) return json(404, { error: { type: 'not_found', code: 'not_found', message: `no route ${path}`, param: null } });
  return handler(init);
});

const covers = {
  accounts: [
    { customer_id: 'cus_a', name: 'Ana Alpha', email: 'a•••@example.com', depth: 0 },
    { customer_id: 'cus_b', name: 'Ben Beta', email: 'b•••@example.com', depth: 1 },
  ],
  payment_methods_count: 2,
  emails_count: 2,
  truncated: false,
};
const block = (id: string, name: string, reason: string): Block => ({
  id, customer: { id: `cus_${id}`, name, email: `${name.toLowerCase()}@example.com` }, reason, created_at: '2026-03-01T10:00:00Z', covers,
});

beforeEach(async () => {
  routes.clear();
  calls.length = 0;
  fetchMock.mockClear();
  vi.stubGlobal('fetch', fetchMock);
  await i18n.changeLanguage('en');
  setCsrfToken('csrf-test');
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('Block customer dialog', () => {
  it('shows the covered accounts, requires a reason, then blocks with it', async () => {
    routes.set('POST /customers/cus_a/block/preview', () => json(200, { customer: { id: 'cus_a', name: 'Ana Alpha', email: 'ana@example.com' }, covers }));
    routes.set('POST /customers/cus_a/block', () => json(201, block('a', 'Ana', 'chargebacks')));
    const onBlocked = vi.fn();
    render(<BlockCustomerDialog customerId="cus_a" onCancel={() => {}} onBlocked={onBlocked} />);
    const list = await screen.findByRole('list', { name: 'Accounts covered' });
    expect(within(list).getAllByRole('listitem')).toHaveLength(2);
    expect(list.textContent).toContain('b•••@example.com');
    expect(screen.getByText('This block covers 2 accounts')).toBeTruthy();

    fireEvent.click(screen.getByRole('button', { name: 'Block' }));
    expect((await screen.findByRole('alert')).textContent).toContain('reason');
    expect(calls.some((c) => c.path === '/customers/cus_a/block')).toBe(false);

    fireEvent.change(screen.getByLabelText('Reason'), { target: { value: '  chargebacks  ' } });
    fireEvent.click(screen.getByRole('button', { name: 'Block' }));
    await waitFor(() => expect(onBlocked).toHaveBeenCalledTimes(1));
    expect(calls.find((c) => c.method === 'POST' && c.path === '/customers/cus_a/block')?.body).toEqual({ reason: 'chargebacks' });
  });

  it('says so when the block fails', async () => {
    routes.set('POST /customers/cus_a/block/preview', () => json(200, { customer: { id: 'cus_a', name: 'A', email: 'a@x.test' }, covers }));
    routes.set('POST /customers/cus_a/block', () => json(409, { error: { type: 'conflict', code: 'customer_already_blocked', message: 'this customer is already blocked', param: 'id' } }));
    const onBlocked = vi.fn();
    render(<BlockCustomerDialog customerId="cus_a" onCancel={() => {}} onBlocked={onBlocked} />);
    await screen.findByRole('list', { name: 'Accounts covered' });
    fireEvent.change(screen.getByLabelText('Reason'), { target: { value: 'x' } });
    fireEvent.click(screen.getByRole('button', { name: 'Block' }));
    await screen.findByRole('alert');
    expect(onBlocked).not.toHaveBeenCalled();
  });

  it('is in Spanish too', async () => {
    await i18n.changeLanguage('es');
    routes.set('POST /customers/cus_a/block/preview', () => json(200, { customer: { id: 'cus_a', name: 'A', email: 'a@x.test' }, covers }));
    render(<BlockCustomerDialog customerId="cus_a" onCancel={() => {}} onBlocked={() => {}} />);
    expect(await screen.findByText('Este bloqueo abarca 2 cuentas')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Bloquear' })).toBeTruthy();
  });
});

describe('Blocked customers page', () => {
  function renderPage() {
    return render(
      <SessionProvider initial={seller}>
        <MemoryRouter initialEntries={['/app/blocked']}>
          <AppRoutes />
        </MemoryRouter>
      </SessionProvider>,
    );
  }

  it('lists blocks with their reasons; Unblock removes exactly that one', async () => {
    routes.set('GET /blocks', () => json(200, { data: [block('a', 'Ana', 'three chargebacks'), block('b', 'Ben', 'abusive messages')], has_more: false, next_cursor: null }));
    routes.set('DELETE /customers/cus_a/block', () => json(200, { unblocked: true }));
    renderPage();
    expect(await screen.findByRole('heading', { name: 'Blocked customers' })).toBeTruthy();
    const rows = await screen.findAllByTestId('blocked-row');
    expect(rows).toHaveLength(2);
    expect(rows[0]?.textContent).toContain('three chargebacks');
    expect(screen.getByRole('link', { name: /Blocked/ })).toBeTruthy();

    fireEvent.click(screen.getByRole('button', { name: 'Unblock Ana' }));
    await waitFor(() => expect(screen.getAllByTestId('blocked-row')).toHaveLength(1));
    expect(screen.getByTestId('blocked-row').textContent).toContain('abusive messages');
    expect(calls.filter((c) => c.method === 'DELETE').map((c) => c.path)).toEqual(['/customers/cus_a/block']);
  });

  it('says when nobody is blocked', async () => {
    routes.set('GET /blocks', () => json(200, { data: [], has_more: false, next_cursor: null }));
    renderPage();
    expect(await screen.findByText('You have not blocked anyone.')).toBeTruthy();
  });
});
