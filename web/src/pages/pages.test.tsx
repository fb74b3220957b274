// Component tests: the login form's error handling and the settings form talking to the API,
// rendered in jsdom with fetch replaced.
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MemoryRouter } from 'react-router-dom';
import i18n from '../i18n';
import { setCsrfToken, type Store } from '../api';
import { SessionProvider, type SessionState } from '../session';
import { AppRoutes } from '../App';

const store: Store = {
  id: 'str_1',
  slug: 'demo',
  name: 'Demo Store',
  currency: 'USD',
  support_email: 'help@demo.test',
  locale: 'en',
  refund_policy: 'discretionary',
  hold_period_days: 7,
  refund_window_days: 30,
  fee_percent_bp: 500,
  fee_fixed_minor: 30,
  created_at: '2025-01-01T00:00:00Z',
};

const seller: SessionState = {
  status: 'authenticated',
  user: { id: 'usr_1', email: 'dana@demo.test', name: 'Dana' },
  store,
};

function json(status: number, body: unknown, headers: Record<string, string> = {}) {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } });
}

function renderAt(path: string, session: SessionState) {
  return render(
    <SessionProvider initial={session}>
      <MemoryRouter initialEntries={[path]}>
        <AppRoutes />
      </MemoryRouter>
    </SessionProvider>,
  );
}

const fetchMock = vi.fn();
beforeEach(async () => {
  fetchMock.mockReset();
  vi.stubGlobal('fetch', fetchMock);
  localStorage.clear();
  await i18n.changeLanguage('en');
  setCsrfToken('csrf-test');
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('LoginPage', () => {
  function submit(email: string, password: string) {
    fireEvent.change(screen.getByLabelText('Email'), { target: { value: email } });
    fireEvent.change(screen.getByLabelText('Password'), { target: { value: password } });
    fireEvent.click(screen.getByRole('button', { name: 'Log in' }));
  }

  it('shows one neutral message for wrong credentials', async () => {
    fetchMock.mockResolvedValue(
      json(401, { error: { type: 'authentication', code: 'invalid_credentials', message: 'No such user', param: 'email' } }),
    );
    renderAt('/login', { status: 'anonymous' });
    submit('someone@example.com', 'nope');
    expect(await screen.findByRole('alert')).toHaveProperty('textContent', 'The email or password is incorrect.');
    expect(screen.getByLabelText('Email').getAttribute('aria-invalid')).toBeNull();
  });

  it('tells how long to wait after too many attempts (Retry-After)', async () => {
    fetchMock.mockResolvedValue(
      json(429, { error: { type: 'rate_limited', code: 'login_rate_limited', message: 'Slow down', param: null } }, { 'Retry-After': '840' }),
    );
    renderAt('/login', { status: 'anonymous' });
    submit('someone@example.com', 'nope');
    expect(await screen.findByRole('alert')).toHaveProperty('textContent', 'Too many attempts. Try again in 14 minutes.');
  });

  it('validates required fields before calling the API', async () => {
    renderAt('/login', { status: 'anonymous' });
    fireEvent.click(screen.getByRole('button', { name: 'Log in' }));
    expect(await screen.findAllByText('This field is required.')).toHaveLength(2);
    expect(screen.getByLabelText('Email').getAttribute('aria-invalid')).toBe('true');
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it('switches to Spanish, remembers it and sets <html lang>', async () => {
    renderAt('/login', { status: 'anonymous' });
    await act(async () => {
      fireEvent.change(screen.getByLabelText('Language'), { target: { value: 'es' } });
    });
    expect(await screen.findByRole('heading', { name: 'Iniciar sesión' })).toBeTruthy();
    expect(screen.getByLabelText('Correo electrónico')).toBeTruthy();
    expect(document.documentElement.lang).toBe('es');
    expect(localStorage.getItem('shopdesk.language')).toBe('es');
  });
});

describe('SettingsPage', () => {
  it('sends only changed fields and shows an API field error next to its field', async () => {
    fetchMock.mockResolvedValueOnce(json(200, store));
    renderAt('/app/settings', seller);
    const fee = await screen.findByLabelText('Fixed fee per order');
    expect((fee as HTMLInputElement).value).toBe('0.30');
    expect((screen.getByLabelText('Platform fee (%)') as HTMLInputElement).value).toBe('5.00');

    fireEvent.change(fee, { target: { value: '12.34' } });
    fetchMock.mockResolvedValueOnce(
      json(400, {
        error: { type: 'invalid_request', code: 'parameter_out_of_range', message: 'The fixed fee is too high.', param: 'fee_fixed_minor' },
      }),
    );
    fireEvent.click(screen.getByRole('button', { name: 'Save changes' }));

    await screen.findByText('The fixed fee is too high.');
    const [, init] = fetchMock.mock.calls[1] as [string, RequestInit];
    expect(init.method).toBe('PATCH');
    expect(JSON.parse(init.body as string)).toEqual({ fee_fixed_minor: 1234 });
    expect((init.headers as Record<string, string>)['X-CSRF-Token']).toBe('csrf-test');
    const input = screen.getByLabelText('Fixed fee per order');
    expect(input.getAttribute('aria-invalid')).toBe('true');
    const describedBy = input.getAttribute('aria-describedby') ?? '';
    expect(describedBy.split(' ').map((id) => document.getElementById(id)?.textContent)).toContain('The fixed fee is too high.');
  });

  it('saves, says so, and updates the store name in the sidebar', async () => {
    fetchMock.mockResolvedValueOnce(json(200, store));
    renderAt('/app/settings', seller);
    fireEvent.change(await screen.findByLabelText('Store name'), { target: { value: 'Renamed Store' } });
    fetchMock.mockResolvedValueOnce(json(200, { ...store, name: 'Renamed Store' }));
    fireEvent.click(screen.getByRole('button', { name: 'Save changes' }));
    expect(await screen.findByText('Settings saved')).toBeTruthy();
    expect(JSON.parse((fetchMock.mock.calls[1] as [string, RequestInit])[1].body as string)).toEqual({ name: 'Renamed Store' });
    await waitFor(() => expect(screen.getByTestId('store-name').textContent).toBe('Renamed Store'));
  });
});
