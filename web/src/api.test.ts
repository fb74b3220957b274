import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError, accounts, apiRequest, parseRetryAfter, setCsrfToken, stores, toApiError } from './api';

function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}) {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
  });
}

describe('toApiError', () => {
  it('maps the API error object', () => {
    const error = toApiError(400, {
      error: { type: 'invalid_request', code: 'invalid_email', message: 'Enter a valid email.', param: 'support_email' },
    });
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({
      status: 400,
      type: 'invalid_request',
      code: 'invalid_email',
      message: 'Enter a valid email.',
      param: 'support_email',
      field: 'support_email',
      retryAfterSeconds: null,
    });
  });

  it('points at the last segment of a nested param', () => {
    const error = toApiError(400, { error: { type: 'invalid_request', code: 'x', message: 'm', param: 'store.fee_fixed_minor' } });
    expect(error.param).toBe('store.fee_fixed_minor');
    expect(error.field).toBe('fee_fixed_minor');
  });

  it('treats a null param as no field', () => {
    const error = toApiError(409, { error: { type: 'conflict', code: 'email_taken', message: 'Taken', param: null } });
    expect(error.param).toBeNull();
    expect(error.field).toBeNull();
  });

  it('survives bodies that are not API errors', () => {
    for (const body of [undefined, null, 'Bad gateway', { message: 'nope' }, { error: 'string' }]) {
      const error = toApiError(502, body);
      expect(error).toMatchObject({ status: 502, type: 'api', code: 'http_502', param: null });
      expect(error.message).toBe('');
    }
    expect(toApiError(404, null).type).toBe('not_found');
  });

  it('reads Retry-After on 429', () => {
    const error = toApiError(429, { error: { type: 'rate_limited', code: 'login_rate_limited', message: 'Slow down', param: null } }, '900');
    expect(error.retryAfterSeconds).toBe(900);
    expect(toApiError(429, null).code).toBe('rate_limited');
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:10:00 GMT', now)).toBe(600);
    expect(parseRetryAfter('Tue, 31 Dec 2024 00:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(null, now)).toBeNull();
  });
});

describe('apiRequest', () => {
  const fetchMock = vi.fn();
  beforeEach(() => {
    fetchMock.mockReset();
    vi.stubGlobal('fetch', fetchMock);
    setCsrfToken(null);
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    setCsrfToken(null);
  });

  const sent = (call = 0) => {
    const [url, init] = fetchMock.mock.calls[call] as [string, RequestInit];
    return { url, init, headers: init.headers as Record<string, string> };
  };

  it('GETs JSON from /api/v1 with same-origin cookies and no unsafe-method headers', async () => {
    fetchMock.mockResolvedValue(jsonResponse(200, { id: 'str_1' }));
    setCsrfToken('tok');
    await expect(apiRequest('GET', '/store')).resolves.toEqual({ id: 'str_1' });
    const { url, init, headers } = sent();
    expect(url).toBe('/api/v1/store');
    expect(init.method).toBe('GET');
    expect(init.credentials).toBe('same-origin');
    expect(init.body).toBeUndefined();
    expect(headers['X-CSRF-Token']).toBeUndefined();
    expect(headers['Idempotency-Key']).toBeUndefined();
  });

  it('sends the CSRF token learnt at login and a fresh Idempotency-Key on every POST', async () => {
    fetchMock.mockResolvedValueOnce(
      jsonResponse(200, { user: { id: 'u', email: 'a@b.c', name: 'A' }, store: null, csrf_token: 'csrf-1' }),
    );
    await accounts.login('a@b.c', 'pw');
    expect(sent(0).headers['Idempotency-Key']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(JSON.parse(sent(0).init.body as string)).toEqual({ email: 'a@b.c', password: 'pw' });
    expect(sent(0).headers['Content-Type']).toBe('application/json');

    fetchMock.mockResolvedValueOnce(jsonResponse(200, { ok: true }));
    fetchMock.mockResolvedValueOnce(jsonResponse(200, { ok: true }));
    await apiRequest('POST', '/things', { a: 1 });
    await apiRequest('POST', '/things', { a: 1 });
    expect(sent(1).headers['X-CSRF-Token']).toBe('csrf-1');
    expect(sent(1).headers['Idempotency-Key']).not.toBe(sent(2).headers['Idempotency-Key']);
  });

  it('sends only the given fields on PATCH, with the CSRF token', async () => {
    setCsrfToken('csrf-2');
    fetchMock.mockResolvedValue(jsonResponse(200, { id: 'str_1' }));
    await stores.update({ support_email: 'help@example.com' });
    const { init, headers } = sent();
    expect(init.method).toBe('PATCH');
    expect(init.body).toBe('{"support_email":"help@example.com"}');
    expect(headers['X-CSRF-Token']).toBe('csrf-2');
    expect(headers['Idempotency-Key']).toBeUndefined();
  });

  it('throws a typed ApiError for error answers', async () => {
    fetchMock.mockResolvedValue(
      jsonResponse(400, { error: { type: 'invalid_request', code: 'parameter_out_of_range', message: 'Too big', param: 'fee_percent_bp' } }),
    );
    const error = await stores.update({ fee_percent_bp: 20000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 400, code: 'parameter_out_of_range', param: 'fee_percent_bp', message: 'Too big' });
  });

  it('reports a network failure as status 0', async () => {
    fetchMock.mockRejectedValue(new TypeError('Failed to fetch'));
    await expect(apiRequest('GET', '/me')).rejects.toMatchObject({ status: 0, code: 'network_error' });
  });

  it('forgets the CSRF token on logout', async () => {
    setCsrfToken('csrf-3');
    fetchMock.mockResolvedValue(new Response(null, { status: 204 }));
    await accounts.logout();
    expect(sent().headers['X-CSRF-Token']).toBe('csrf-3');
    fetchMock.mockResolvedValue(jsonResponse(200, {}));
    await apiRequest('POST', '/x', {});
    expect(sent(1).headers['X-CSRF-Token']).toBeUndefined();
  });
});
