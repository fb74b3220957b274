// Component tests for the selling screens, rendered in jsdom with fetch replaced by a small
// router over the API paths.
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MemoryRouter } from 'react-router-dom';
import i18n from '../i18n';
import { setCsrfToken, type LibraryItem, type Product, type Store } from '../api';
import { SessionProvider, type SessionState } from '../session';
import { AppRoutes } from '../App';

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
const buyerSession: SessionState = { status: 'authenticated', user: { id: 'usr_2', email: 'bo@example.com', name: 'Bo' }, store: null };

const product: Product = {
  id: 'prd_1',
  title: 'Field Notes',
  description: 'A font',
  status: 'draft',
  currency: 'USD',
  license_keys: false,
  tiers: [{ id: 'tier_a', name: 'Personal', price_minor: 1500, terms: '' }],
  files: [],
  links: [],
  support_material_ids: [],
  support_materials: [],
  bundle_product_ids: [],
  created_at: '2026-01-01T00:00:00Z',
  updated_at: '2026-01-01T00:00:00Z',
};

function json(status: number, body: unknown) {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}
const page = (data: unknown[]) => ({ data, has_more: false, next_cursor: null });

type Handler = (init: RequestInit) => Response;
const routes = new Map<string, Handler>();
const fetchMock = vi.fn(async (url: string, init: RequestInit = {}) => {
  const path = url.replace(/^\/api\/v1/, '').split('?')[0];
  const handler = routes.get(`${init.method ?? 'GET'} ${path}`);
  if (!handler) return json(404, { error: { type: 'not_found', code: 'not_found', message: `no route ${path}`, param: null } });
  return handler(init);
});

function renderAt(path: string, session: SessionState) {
  return render(
    <SessionProvider initial={session}>
      <MemoryRouter initialEntries={[path]}>
        <AppRoutes />
      </MemoryRouter>
    </SessionProvider>,
  );
}

beforeEach(async () => {
  routes.clear();
  fetchMock.mockClear();
  vi.stubGlobal('fetch', fetchMock);
  localStorage.clear();
  await i18n.changeLanguage('en');
  setCsrfToken('csrf-test');
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('product editor', () => {
  it('shows the publish refusal next to the field the API names', async () => {
    routes.set('GET /products/prd_1', () => json(200, product));
    routes.set('GET /products', () => json(200, page([product])));
    routes.set('GET /support-materials', () => json(200, page([])));
    routes.set('POST /products/prd_1/publish', () =>
      json(409, {
        error: { type: 'conflict', code: 'product_not_publishable', message: 'every license tier needs its terms', param: 'tiers[0].terms' },
      }),
    );
    renderAt('/app/products/prd_1', seller);
    expect(((await screen.findByLabelText('Title')) as HTMLInputElement).value).toBe('Field Notes');
    expect((screen.getByLabelText('Price') as HTMLInputElement).value).toBe('15.00');

    fireEvent.click(screen.getByRole('button', { name: 'Publish' }));
    const terms = await screen.findByLabelText('License terms');
    await waitFor(() => expect(terms.getAttribute('aria-invalid')).toBe('true'));
    const describedBy = (terms.getAttribute('aria-describedby') ?? '').split(' ');
    expect(describedBy.map((id) => document.getElementById(id)?.textContent)).toContain(
      'Write this tier’s license terms before publishing.',
    );
    expect(screen.getByTestId('form-error').textContent).toBe('This product can’t be published yet.');
    const publish = fetchMock.mock.calls.find(([, init]) => init?.method === 'POST');
    expect((publish?.[1]?.headers as Record<string, string>)['Idempotency-Key']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('creates a product with prices in minor units', async () => {
    routes.set('GET /products', () => json(200, page([])));
    routes.set('GET /support-materials', () => json(200, page([])));
    let body: unknown = null;
    routes.set('POST /products', (init) => {
      body = JSON.parse(init.body as string);
      return json(201, { ...product, id: 'prd_new', title: 'New one', tiers: [{ id: 'tier_x', name: 'Personal', price_minor: 1999, terms: 'Mine' }] });
    });
    routes.set('GET /products/prd_new', () => json(200, product));
    renderAt('/app/products/new', seller);
    fireEvent.change(await screen.findByLabelText('Title'), { target: { value: 'New one' } });
    fireEvent.change(screen.getByLabelText('Tier name'), { target: { value: 'Personal' } });
    fireEvent.change(screen.getByLabelText('Price'), { target: { value: '19.99' } });
    fireEvent.change(screen.getByLabelText('License terms'), { target: { value: 'Mine' } });
    fireEvent.click(screen.getByRole('button', { name: 'Create product' }));
    expect(await screen.findByText('Product created')).toBeTruthy();
    expect(body).toMatchObject({ title: 'New one', tiers: [{ name: 'Personal', price_minor: 1999, terms: 'Mine' }] });
  });
});

describe('checkout', () => {
  const publicProduct = {
    ...product,
    tiers: [{ id: 'tier_a', name: 'Personal', price_minor: 1500, terms: 'Personal use only' }],
    bundle_items: [],
  };
  beforeEach(() => {
    routes.set('GET /stores/demo', () => json(200, { slug: 'demo', name: 'Demo Store', currency: 'USD', support_email: null, refund_policy: 'no_refunds', locale: 'en' }));
    routes.set('GET /stores/demo/products/prd_1', () => json(200, publicProduct));
  });

  it('asks EU buyers for consent, and shows a declined card kindly', async () => {
    let sent: Record<string, unknown> | null = null;
    routes.set('POST /checkout', (init) => {
      sent = JSON.parse(init.body as string);
      return json(402, { error: { type: 'invalid_request', code: 'card_declined', message: 'The card was declined.', param: null } });
    });
    renderAt('/s/demo/checkout?product=prd_1&tier=tier_a&qty=2', { status: 'anonymous' });
    const summary = await screen.findByTestId('order-summary');
    expect(within(summary).getByText('Personal use only')).toBeTruthy();
    expect(within(summary).getAllByText('$30.00')).toHaveLength(2);
    expect(within(summary).getByText('Tax is calculated at payment')).toBeTruthy();

    const consentLabel = 'I want immediate access and understand I lose my 14-day withdrawal right.';
    fireEvent.change(screen.getByLabelText('Country'), { target: { value: 'US' } });
    expect(screen.queryByLabelText(consentLabel)).toBeNull();
    expect(screen.getByLabelText('State')).toBeTruthy();
    fireEvent.change(screen.getByLabelText('Country'), { target: { value: 'DE' } });
    expect(screen.queryByLabelText('State')).toBeNull();

    fireEvent.change(screen.getByLabelText('Email'), { target: { value: 'ana@example.com' } });
    fireEvent.change(screen.getByLabelText('Full name'), { target: { value: 'Ana' } });
    fireEvent.change(screen.getByLabelText('Card number (test mode)'), { target: { value: '4000000000000002' } });
    expect((screen.getByLabelText('Card number (test mode)') as HTMLInputElement).value).toBe('4000 0000 0000 0002');

    fireEvent.click(screen.getByRole('button', { name: 'Pay' }));
    expect(await screen.findByText('Please tick this box to get immediate access.')).toBeTruthy();
    expect(sent).toBeNull();

    fireEvent.click(screen.getByLabelText(consentLabel));
    fireEvent.click(screen.getByRole('button', { name: 'Pay' }));
    const alert = await screen.findByTestId('payment-error');
    expect(alert.textContent).toBe('Your card was declined. You have not been charged. Please try another card or contact your bank.');
    expect(sent).toEqual({
      store: 'demo',
      items: [{ product_id: 'prd_1', tier_id: 'tier_a', quantity: 2 }],
      email: 'ana@example.com',
      name: 'Ana',
      country: 'DE',
      payment_token: 'test_card_4000000000000002',
      consent_immediate_delivery: true,
    });
    expect((screen.getByRole('button', { name: 'Pay' }) as HTMLButtonElement).disabled).toBe(false);
  });

  it('uses a fresh Idempotency-Key after an answered attempt', async () => {
    const keys: string[] = [];
    routes.set('POST /checkout', (init) => {
      keys.push((init.headers as Record<string, string>)['Idempotency-Key'] ?? '');
      return json(402, { error: { type: 'invalid_request', code: 'insufficient_funds', message: 'x', param: null } });
    });
    renderAt('/s/demo/checkout?product=prd_1&tier=tier_a', buyerSession);
    await screen.findByTestId('order-summary');
    await waitFor(() => expect((screen.getByLabelText('Email') as HTMLInputElement).value).toBe('bo@example.com'));
    fireEvent.change(screen.getByLabelText('Country'), { target: { value: 'GB' } });
    fireEvent.change(screen.getByLabelText('Card number (test mode)'), { target: { value: '4000 0000 0000 9995' } });
    fireEvent.click(screen.getByRole('button', { name: 'Pay' }));
    await screen.findByTestId('payment-error');
    fireEvent.click(screen.getByRole('button', { name: 'Pay' }));
    await waitFor(() => expect(keys).toHaveLength(2));
    expect(keys[0]).not.toBe(keys[1]);
  });
});

describe('library', () => {
  it('greys out a revoked purchase with a sentence and no download', async () => {
    const item: LibraryItem = {
      id: 'ent_1',
      product: { id: 'prd_1', title: 'Field Notes', description: '' },
      store: { slug: 'demo', name: 'Demo Store', support_email: 'help@demo.test' },
      order_id: 'SD-AAAA-BBBB',
      revoked: true,
      files: [{ id: 'file_1', filename: 'font.otf', size_bytes: 2048, downloads: 3 }],
      links: [],
      support_materials: [],
      license_key: 'ABCDE-12345',
      created_at: '2026-01-01T00:00:00Z',
    };
    routes.set('GET /library', () => json(200, page([item])));
    renderAt('/library', buyerSession);
    const entry = await screen.findByTestId('library-item');
    expect(entry.className).toContain('library-item--revoked');
    expect(within(entry).getByTestId('revoked-note').textContent).toMatch(/turned off access/);
    expect((within(entry).getByRole('button', { name: 'Download font.otf' }) as HTMLButtonElement).disabled).toBe(true);
    expect(within(entry).getByText('Downloaded 3 times')).toBeTruthy();
    expect(within(entry).getByText('SD-AAAA-BBBB', { exact: false })).toBeTruthy();
  });

  it('says a refunded purchase was refunded, and a disputed one is paused, in their own words', async () => {
    const base: LibraryItem = {
      id: 'ent_1',
      product: { id: 'prd_1', title: 'Field Notes', description: '' },
      store: { slug: 'demo', name: 'Demo Store', support_email: 'help@demo.test' },
      order_id: 'SD-AAAA-BBBB',
      revoked: true,
      revoked_reason: 'refunded',
      files: [{ id: 'file_1', filename: 'font.otf', size_bytes: 2048, downloads: 0 }],
      links: [],
      support_materials: [],
      license_key: null,
      created_at: '2026-01-01T00:00:00Z',
    };
    routes.set('GET /library', () => json(200, page([base, { ...base, id: 'ent_2', product: { ...base.product, title: 'Other' }, revoked_reason: 'dispute' }])));
    renderAt('/library', buyerSession);
    const [refunded, disputed] = await screen.findAllByTestId('library-item');
    expect(within(refunded!).getByText('Refunded')).toBeTruthy();
    expect(within(refunded!).getByTestId('revoked-note').textContent).toMatch(/was refunded/);
    expect(within(disputed!).getByTestId('revoked-note').textContent).toMatch(/dispute/);
    expect(within(disputed!).queryByText('Refunded')).toBeNull();
  });
});
