// "Contact the seller" on the public product page (Issue 6): it opens the buyer's conversation
// with the store, with the product named in the first message; a signed-out visitor signs in
// first and comes back to it; the store's own seller is not offered to write to themselves.
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MemoryRouter, useLocation } from 'react-router-dom';
import i18n from '../../i18n';
import { setCsrfToken, type Store } from '../../api';
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
const ownSeller: SessionState = { status: 'authenticated', user: { id: 'usr_1', email: 'dana@demo.test', name: 'Dana' }, store };
const buyer: SessionState = { status: 'authenticated', user: { id: 'usr_2', email: 'bo@example.com', name: 'Bo' }, store: null };
const publicProduct = {
  id: 'prd_1',
  title: 'Field Notes',
  description: 'A notebook font.',
  currency: 'USD',
  files: [],
  links: [],
  license_keys: false,
  support_materials: [],
  bundle_items: [],
  tiers: [{ id: 'tier_a', name: 'Personal', price_minor: 1500, terms: 'Personal use only' }],
};

function json(status: number, body: unknown) {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}
const routes = new Map<string, () => Response>();
const fetchMock = vi.fn(async (input: string, init: RequestInit = {}) => {
  const path = new URL(input, 'http://localhost').pathname.replace(/^\/api\/v1/, '');
  const handler = routes.get(`${init.method ?? 'GET'} ${path}`);
  return handler ? handler() : json(404, { error: { type: 'not_found', code: 'not_found', message: 'no route', param: null } });
});
function LocationProbe() {
  const location = useLocation();
  const from = (location.state as { from?: string } | null)?.from;
  return (
    <>
      <output data-testid="location">{location.pathname + location.search}</output>
      <output data-testid="from">{from ?? ''}</output>
    </>
  );
}
function renderAt(path: string, session: SessionState) {
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
  vi.stubGlobal('fetch', fetchMock);
  await i18n.changeLanguage('en');
  setCsrfToken('csrf-test');
  routes.set('GET /stores/demo', () => json(200, { slug: 'demo', name: 'Demo Store', currency: 'USD', support_email: 'help@demo.test', refund_policy: 'no_refunds', locale: 'en' }));
  routes.set('GET /stores/demo/products/prd_1', () => json(200, publicProduct));
  routes.set('GET /my/threads', () => json(200, { data: [], has_more: false, next_cursor: null }));
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('Contact the seller on the product page', () => {
  it('a signed-in buyer lands in a new message to the store that names the product', async () => {
    renderAt('/s/demo/p/prd_1', buyer);
    fireEvent.click(await screen.findByRole('link', { name: 'Contact the seller' }));
    expect(location()).toBe('/library/messages?store=demo&name=Demo+Store&product=Field+Notes');
    expect(await screen.findByRole('heading', { name: 'Write to Demo Store' })).toBeTruthy();
    expect((screen.getByLabelText('Your message to Demo Store') as HTMLTextAreaElement).value).toBe('About “Field Notes”: ');
  });

  it('a signed-out visitor is asked to sign in first, and comes back to the conversation', async () => {
    renderAt('/s/demo/p/prd_1', { status: 'anonymous' });
    fireEvent.click(await screen.findByRole('link', { name: 'Contact the seller' }));
    await waitFor(() => expect(location()).toBe('/login'));
    // Where signing in returns to (RequireAnonymous → landingPath): the conversation.
    expect(screen.getByTestId('from').textContent).toBe('/library/messages?store=demo&name=Demo+Store&product=Field+Notes');
  });

  it('the store\'s own seller is not offered to write to their own store', async () => {
    renderAt('/s/demo/p/prd_1', ownSeller);
    expect(await screen.findByRole('heading', { name: 'Field Notes' })).toBeTruthy();
    expect(screen.queryByRole('link', { name: 'Contact the seller' })).toBeNull();
  });

  it('speaks Spanish', async () => {
    await i18n.changeLanguage('es');
    renderAt('/s/demo/p/prd_1', buyer);
    expect(await screen.findByRole('heading', { name: '¿Dudas sobre este producto?' })).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Contactar con el vendedor' })).toBeTruthy();
  });
});
