// The one way the web app talks to the Shopdesk API (`/api/v1`, see shared API.md).
//
// - Cookies ride along (`credentials: 'same-origin'`); the session cookie is HttpOnly.
// - Unsafe methods carry `X-CSRF-Token`, learnt from the login/signup answer and `GET /me`.
// - Every POST carries a fresh `Idempotency-Key`, so a retried request is not applied twice.
// - Error bodies `{"error":{type,code,message,param}}` become a typed `ApiError`.

export const API_BASE = '/api/v1';

export interface User {
  id: string;
  email: string;
  name: string;
}

export type RefundPolicy = 'no_refunds' | 'discretionary' | `within_days:${number}`;

export interface Store {
  id: string;
  slug: string;
  name: string;
  currency: string;
  support_email: string | null;
  locale: string;
  refund_policy: string;
  hold_period_days: number;
  refund_window_days: number;
  fee_percent_bp: number;
  fee_fixed_minor: number;
  created_at: string;
}

export type StoreUpdate = Partial<
  Pick<
    Store,
    | 'name'
    | 'currency'
    | 'support_email'
    | 'locale'
    | 'refund_policy'
    | 'hold_period_days'
    | 'refund_window_days'
    | 'fee_percent_bp'
    | 'fee_fixed_minor'
  >
>;

/** The answer of login, signup and `GET /me`. A buyer has no store. */
export interface Session {
  user: User;
  store?: Store | null;
  csrf_token?: string;
}

export interface SignupInput {
  email: string;
  password: string;
  name: string;
  /** Present: the account owns a new store (seller). Absent: a buyer account. */
  store_name?: string;
}

interface ApiErrorInit {
  status: number;
  type: string;
  code: string;
  message: string;
  param: string | null;
  retryAfterSeconds: number | null;
}

export class ApiError extends Error {
  readonly status: number;
  readonly type: string;
  readonly code: string;
  /** The offending request field ("support_email", "items.0.quantity"), or null. */
  readonly param: string | null;
  /** From the Retry-After header (429, 503), in seconds. */
  readonly retryAfterSeconds: number | null;

  constructor(init: ApiErrorInit) {
    super(init.message);
    this.name = 'ApiError';
    this.status = init.status;
    this.type = init.type;
    this.code = init.code;
    this.param = init.param;
    this.retryAfterSeconds = init.retryAfterSeconds;
  }

  /** The top-level form field the error points at: "store.support_email" → "support_email". */
  get field(): string | null {
    if (!this.param) return null;
    const parts = this.param.split('.');
    return parts[parts.length - 1] ?? null;
  }
}

/** Retry-After is either delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | null {
  if (value == null) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number.parseInt(trimmed, 10);
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return null;
  return Math.max(0, Math.ceil((at - now) / 1000));
}

const TYPE_BY_STATUS: Record<number, string> = {
  400: 'invalid_request',
  401: 'authentication',
  403: 'permission',
  404: 'not_found',
  409: 'conflict',
  422: 'invalid_request',
  429: 'rate_limited',
};

function str(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

/** Maps an error answer (any body, even HTML from a proxy) to an ApiError. */
export function toApiError(status: number, body: unknown, retryAfter: string | null = null): ApiError {
  const err =
    body && typeof body === 'object' && 'error' in body && body.error && typeof body.error === 'object'
      ? (body.error as Record<string, unknown>)
      : null;
  const fallbackType = TYPE_BY_STATUS[status] ?? 'api';
  return new ApiError({
    status,
    type: str(err?.type) ?? fallbackType,
    code: str(err?.code) ?? (status === 429 ? 'rate_limited' : `http_${status}`),
    // Empty when the answer carried no API error (a proxy's HTML page, say): the UI then shows
    // its own generic sentence; `code` still says what happened.
    message: str(err?.message) ?? '',
    param: str(err?.param),
    retryAfterSeconds: parseRetryAfter(retryAfter),
  });
}

let csrfToken: string | null = null;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

export function getCsrfToken(): string | null {
  return csrfToken;
}

type UnauthenticatedListener = () => void;
let onUnauthenticated: UnauthenticatedListener | null = null;

/** Called when a request (other than the auth ones) answers 401: the session is gone. */
export function setUnauthenticatedListener(listener: UnauthenticatedListener | null): void {
  onUnauthenticated = listener;
}

/** crypto.randomUUID exists only in secure contexts; plain-http LAN deployments lack it. */
export function newIdempotencyKey(): string {
  const c = globalThis.crypto;
  if (typeof c?.randomUUID === 'function') return c.randomUUID();
  const bytes = new Uint8Array(16);
  c.getRandomValues(bytes);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RequestOptions {
  signal?: AbortSignal;
  /** Reuse a key to retry the very same POST safely. */
  idempotencyKey?: string;
  /** Auth endpoints answer 401 as a normal outcome, not as "session expired". */
  expectUnauthenticated?: boolean;
}

export async function apiRequest<T>(
  method: HttpMethod,
  path: string,
  body?: unknown,
  options: RequestOptions = {},
): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (UNSAFE_METHODS.has(method) && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  if (method === 'POST') headers['Idempotency-Key'] = options.idempotencyKey ?? newIdempotencyKey();

  let response: Response;
  try {
    response = await fetch(API_BASE + path, {
      method,
      credentials: 'same-origin',
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: options.signal,
    });
  } catch (cause) {
    if (cause instanceof DOMException && cause.name === 'AbortError') throw cause;
    throw new ApiError({
      status: 0,
      type: 'network',
      code: 'network_error',
      message: 'The server could not be reached.',
      param: null,
      retryAfterSeconds: null,
    });
  }

  const text = response.status === 204 ? '' : await response.text();
  let json: unknown = undefined;
  if (text !== '') {
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
  }

  if (!response.ok) {
    const error = toApiError(response.status, json, response.headers.get('Retry-After'));
    if (response.status === 401 && !options.expectUnauthenticated) onUnauthenticated?.();
    throw error;
  }
  return json as T;
}

function remember(session: Session): Session {
  if (session?.csrf_token) setCsrfToken(session.csrf_token);
  return session;
}

export const accounts = {
  async login(email: string, password: string): Promise<Session> {
    return remember(
      await apiRequest<Session>('POST', '/auth/login', { email, password }, { expectUnauthenticated: true }),
    );
  },
  async signup(input: SignupInput): Promise<Session> {
    return remember(await apiRequest<Session>('POST', '/auth/signup', input, { expectUnauthenticated: true }));
  },
  async logout(): Promise<void> {
    try {
      await apiRequest<unknown>('POST', '/auth/logout', undefined, { expectUnauthenticated: true });
    } finally {
      setCsrfToken(null);
    }
  },
  async me(signal?: AbortSignal): Promise<Session> {
    return remember(await apiRequest<Session>('GET', '/me', undefined, { signal, expectUnauthenticated: true }));
  },
};

export const stores = {
  get(signal?: AbortSignal): Promise<Store> {
    return apiRequest<Store>('GET', '/store', undefined, { signal });
  },
  update(changes: StoreUpdate): Promise<Store> {
    return apiRequest<Store>('PATCH', '/store', changes);
  },
};
