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
  /** Extra fields of the error object (e.g. missing_minor and covered_at of a refusal). */
  details?: Record<string, unknown>;
}

export class ApiError extends Error {
  readonly status: number;
  readonly type: string;
  readonly code: string;
  /** The offending request field ("support_email", "items.0.quantity"), or null. */
  readonly param: string | null;
  /** From the Retry-After header (429, 503), in seconds. */
  readonly retryAfterSeconds: number | null;
  /** Extra fields of the error object beside type/code/message/param; {} when none. */
  readonly details: Record<string, unknown>;

  constructor(init: ApiErrorInit) {
    super(init.message);
    this.name = 'ApiError';
    this.status = init.status;
    this.type = init.type;
    this.code = init.code;
    this.param = init.param;
    this.retryAfterSeconds = init.retryAfterSeconds;
    this.details = init.details ?? {};
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
  const details: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(err ?? {}))
    if (!['type', 'code', 'message', 'param'].includes(key)) details[key] = value;
  return new ApiError({
    details,
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

// ---------- Catalog (seller) ----------

export type ProductStatus = 'draft' | 'published' | 'unpublished';

export interface Tier {
  id: string;
  name: string;
  price_minor: number;
  terms: string;
}

export interface ProductFile {
  id: string;
  filename: string;
  content_type?: string;
  size_bytes: number;
  sha256?: string;
  created_at?: string;
}

export interface ProductLink {
  label: string;
  url: string;
}

export type SupportMaterialKind = 'guide' | 'video' | 'faq' | 'link';

export interface SupportMaterial {
  id: string;
  kind: SupportMaterialKind;
  title: string;
  body: string;
  url: string;
}

export interface BundleItem {
  id: string;
  title: string;
  status: ProductStatus;
}

export interface Product {
  id: string;
  title: string;
  description: string;
  status: ProductStatus;
  currency: string;
  license_keys: boolean;
  tiers: Tier[];
  files: ProductFile[];
  links: ProductLink[];
  support_material_ids: string[];
  support_materials: SupportMaterial[];
  bundle_product_ids: string[];
  bundle_items?: BundleItem[];
  created_at: string;
  updated_at: string;
}

/** A tier in a create/update body: existing tiers keep their `id`. */
export interface TierInput {
  id?: string;
  name: string;
  price_minor: number;
  terms: string;
}

export interface ProductInput {
  title?: string;
  description?: string;
  tiers?: TierInput[];
  license_keys?: boolean;
  bundle_product_ids?: string[];
  links?: ProductLink[];
  support_material_ids?: string[];
}

export interface Page<T> {
  data: T[];
  has_more: boolean;
  next_cursor: string | null;
}

function query(params: Record<string, string | number | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

/** Follows `next_cursor` until the list ends (or `maxPages`, a guard against a runaway cursor). */
export async function fetchAll<T>(
  load: (cursor: string | undefined) => Promise<Page<T>>,
  maxPages = 50,
): Promise<T[]> {
  const all: T[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < maxPages; page++) {
    const answer = await load(cursor);
    all.push(...answer.data);
    if (!answer.has_more || !answer.next_cursor) break;
    cursor = answer.next_cursor;
  }
  return all;
}

/**
 * Uploads a file as the raw request body (`POST /products/{id}/files?filename=`). Not JSON, so
 * it does not go through `apiRequest`, but it keeps the same headers and error mapping.
 */
async function uploadRaw<T>(path: string, file: Blob, signal?: AbortSignal): Promise<T> {
  const headers: Record<string, string> = {
    Accept: 'application/json',
    'Content-Type': file.type || 'application/octet-stream',
    'Idempotency-Key': newIdempotencyKey(),
  };
  if (csrfToken) headers['X-CSRF-Token'] = csrfToken;
  let response: Response;
  try {
    response = await fetch(API_BASE + path, { method: 'POST', credentials: 'same-origin', headers, body: file, signal });
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
  const text = await response.text();
  let json: unknown = undefined;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  if (!response.ok) {
    const error = toApiError(response.status, json, response.headers.get('Retry-After'));
    if (response.status === 401) onUnauthenticated?.();
    throw error;
  }
  return json as T;
}

const enc = encodeURIComponent;

export const catalog = {
  list(params: { limit?: number; cursor?: string } = {}, signal?: AbortSignal): Promise<Page<Product>> {
    return apiRequest<Page<Product>>('GET', `/products${query({ limit: params.limit ?? 100, cursor: params.cursor })}`, undefined, {
      signal,
    });
  },
  listAll(signal?: AbortSignal): Promise<Product[]> {
    return fetchAll((cursor) => catalog.list({ cursor }, signal));
  },
  get(id: string, signal?: AbortSignal): Promise<Product> {
    return apiRequest<Product>('GET', `/products/${enc(id)}`, undefined, { signal });
  },
  create(input: ProductInput): Promise<Product> {
    return apiRequest<Product>('POST', '/products', input);
  },
  update(id: string, changes: ProductInput): Promise<Product> {
    return apiRequest<Product>('PATCH', `/products/${enc(id)}`, changes);
  },
  publish(id: string): Promise<Product> {
    return apiRequest<Product>('POST', `/products/${enc(id)}/publish`);
  },
  unpublish(id: string): Promise<Product> {
    return apiRequest<Product>('POST', `/products/${enc(id)}/unpublish`);
  },
  uploadFile(id: string, file: File, signal?: AbortSignal): Promise<ProductFile> {
    return uploadRaw<ProductFile>(`/products/${enc(id)}/files${query({ filename: file.name })}`, file, signal);
  },
  deleteFile(id: string, fileId: string): Promise<unknown> {
    return apiRequest<unknown>('DELETE', `/products/${enc(id)}/files/${enc(fileId)}`);
  },
};

export interface SupportMaterialInput {
  kind: SupportMaterialKind;
  title: string;
  body: string;
  url: string;
}

export const supportMaterials = {
  listAll(signal?: AbortSignal): Promise<SupportMaterial[]> {
    return fetchAll((cursor) =>
      apiRequest<Page<SupportMaterial>>('GET', `/support-materials${query({ limit: 100, cursor })}`, undefined, { signal }),
    );
  },
  create(input: SupportMaterialInput): Promise<SupportMaterial> {
    return apiRequest<SupportMaterial>('POST', '/support-materials', input);
  },
};

// ---------- Balance (seller) ----------

export interface Balance {
  pending_minor: number;
  available_minor: number;
  paid_out_minor: number;
  currency: string;
  next_available_at: string | null;
}

export interface Posting {
  id: string;
  kind: string;
  memo: string;
  order_id: string | null;
  account: string;
  amount_minor: number;
  currency: string;
  available_at: string | null;
  pending: boolean;
  created_at: string;
}

export interface Payout {
  id: string;
  amount_minor: number;
  currency?: string;
  created_at?: string;
}

export const balance = {
  get(signal?: AbortSignal): Promise<Balance> {
    return apiRequest<Balance>('GET', '/balance', undefined, { signal });
  },
  postings(params: { cursor?: string; limit?: number } = {}, signal?: AbortSignal): Promise<Page<Posting>> {
    return apiRequest<Page<Posting>>('GET', `/balance/postings${query({ limit: params.limit ?? 25, cursor: params.cursor })}`, undefined, {
      signal,
    });
  },
  payout(amountMinor: number): Promise<Payout> {
    return apiRequest<Payout>('POST', '/payouts', { amount_minor: amountMinor });
  },
};

// ---------- Storefront (public) ----------

export interface PublicStore {
  slug: string;
  name: string;
  currency: string;
  support_email: string | null;
  refund_policy: string;
  locale: string;
}

export interface PublicProduct {
  id: string;
  title: string;
  description: string;
  currency: string;
  license_keys: boolean;
  tiers: Tier[];
  files: { id: string; filename: string; size_bytes: number }[];
  links: { label: string; url?: string }[];
  support_materials: { id: string; kind: SupportMaterialKind; title: string }[];
  bundle_items: { id: string; title: string }[];
  updated_at?: string;
}

export const storefront = {
  store(slug: string, signal?: AbortSignal): Promise<PublicStore> {
    return apiRequest<PublicStore>('GET', `/stores/${enc(slug)}`, undefined, { signal });
  },
  products(slug: string, signal?: AbortSignal): Promise<PublicProduct[]> {
    return fetchAll((cursor) =>
      apiRequest<Page<PublicProduct>>('GET', `/stores/${enc(slug)}/products${query({ limit: 100, cursor })}`, undefined, { signal }),
    );
  },
  product(slug: string, productId: string, signal?: AbortSignal): Promise<PublicProduct> {
    return apiRequest<PublicProduct>('GET', `/stores/${enc(slug)}/products/${enc(productId)}`, undefined, { signal });
  },
};

// ---------- Checkout and the buyer's side ----------

export interface CheckoutInput {
  store: string;
  items: { product_id: string; tier_id: string; quantity: number }[];
  email: string;
  name: string;
  country: string;
  region?: string;
  postal_code?: string;
  payment_token: string;
  consent_immediate_delivery?: boolean;
}

export interface OrderLine {
  id?: string;
  product: { id: string; title: string };
  tier: { id: string; name: string };
  terms: string;
  quantity: number;
  unit_price_minor: number;
  subtotal_minor: number;
  tax_minor: number;
  total_minor: number;
  license_key: string | null;
}

export interface Order {
  id: string;
  lines: OrderLine[];
  subtotal_minor: number;
  tax_minor: number;
  total_minor: number;
  tax: { country: string; region: string; rate_ppm: number; label: string };
  payment: { brand: string; last4: string };
  store: { slug: string; name: string; support_email: string | null };
  currency: string;
  email?: string;
  name?: string;
  status?: string;
  created_at: string;
}

export interface LibraryItem {
  id: string;
  product: { id: string; title: string; description: string };
  store: { slug: string; name: string; support_email: string | null };
  order_id: string;
  revoked: boolean;
  /** Why access ended: `refunded`, `dispute` or `disabled` (by the seller); null while it stands. */
  revoked_reason?: string | null;
  files: { id: string; filename: string; size_bytes: number; downloads: number }[];
  links: ProductLink[];
  support_materials: SupportMaterial[];
  license_key: string | null;
  created_at: string;
  /** The order's refunds (every line of the order shares them). */
  refunds?: Refund[];
  /** The buyer's latest refund request for this order. */
  refund_request?: RefundRequest | null;
  /** Until when the buyer may ask for a refund (R-REF-9). */
  refund_request_until?: string;
}

export const buyer = {
  checkout(input: CheckoutInput, idempotencyKey: string): Promise<{ order: Order }> {
    return apiRequest<{ order: Order }>('POST', '/checkout', input, { idempotencyKey });
  },
  order(orderId: string, signal?: AbortSignal): Promise<Order> {
    return apiRequest<Order>('GET', `/my/orders/${enc(orderId)}`, undefined, { signal, expectUnauthenticated: true });
  },
  library(signal?: AbortSignal): Promise<LibraryItem[]> {
    return fetchAll((cursor) => apiRequest<Page<LibraryItem>>('GET', `/library${query({ limit: 100, cursor })}`, undefined, { signal }));
  },
  requestRefund(orderId: string, reason: string): Promise<RefundRequest> {
    return apiRequest<RefundRequest>('POST', `/orders/${enc(orderId)}/refund-requests`, { reason });
  },
  downloadLink(entitlementId: string, fileId: string): Promise<{ url: string; expires_at: string }> {
    return apiRequest<{ url: string; expires_at: string }>('POST', `/library/${enc(entitlementId)}/files/${enc(fileId)}/link`);
  },
};

// ---------- Sales view (seller; see notes/contract.md of Issue 4) ----------

export type SaleStatus = 'complete' | 'refunded' | 'partially_refunded' | 'refund_processing' | 'disputed';

export interface SaleRow {
  order_id: string;
  line_id: string;
  created_at: string;
  product: { id: string; title: string };
  tier: string;
  quantity: number;
  customer: { id: string; name: string; email: string };
  status: SaleStatus | string;
  price_minor: number;
  tax_minor: number;
  total_minor: number;
  refunded_minor: number;
  currency: string;
  country: string;
  region?: string;
  payment?: { brand: string; last4: string } | null;
  license_key?: string | null;
  /** An open buyer refund request on the order: when the seller should answer by. */
  refund_request?: { reply_by: string } | null;
}

export interface SalesPage extends Page<SaleRow> {
  /**
   * `exact: false` (searches only): the server stopped counting at its bound, so `count` and
   * `total_minor` cover the first matches only and are lower bounds (shown as "1000+").
   */
  summary: { count: number; total_minor: number; currency: string; exact?: boolean };
}

export interface SalesBucket {
  period_start: string;
  count: number;
  total_minor: number;
}

export interface SalesTimeseries {
  interval: 'day' | 'week' | 'month';
  currency: string;
  data: SalesBucket[];
}

export interface OrderDetailLine {
  id: string;
  product: { id: string; title: string };
  tier: string;
  terms?: string;
  quantity: number;
  unit_price_minor: number;
  price_minor: number;
  tax_minor: number;
  total_minor: number;
  refunded_minor: number;
  status: string;
  license_key: string | null;
  access: 'active' | 'revoked' | string;
  entitlement_id?: string;
  downloads: { count: number; files: { file_id: string; filename: string; count: number }[] };
}

export interface OrderDetails {
  id: string;
  created_at: string;
  status: string;
  currency: string;
  customer: { id: string; name: string; email: string; country: string };
  lines: OrderDetailLine[];
  subtotal_minor: number;
  tax_minor: number;
  total_minor: number;
  fee_minor: number;
  net_minor: number;
  refunded_minor: number;
  tax: { country: string; region: string; rate_ppm: number; label: string } | null;
  payment: { brand: string; last4: string } | null;
  available_at: string | null;
  status_history: { status: string; at: string; note?: string }[];
  refunds: Refund[];
  refund_requests?: RefundRequest[];
  disputes?: Dispute[];
}

/** A payment dispute (chargeback) the buyer's bank opened on an order (R-DISP-1). */
export interface Dispute {
  id: string;
  order_id: string;
  status: 'open' | 'won' | 'lost' | string;
  amount_minor: number;
  currency: string;
  reason: string;
  opened_at: string;
  resolved_at: string | null;
  outcome: 'won' | 'lost' | null;
}

export interface Customer {
  id: string;
  name: string;
  email: string;
  country: string;
  created_at: string;
  currency: string;
  orders_count: number;
  total_spent_minor: number;
  refunded_minor: number;
  first_order_at: string | null;
  last_order_at: string | null;
}

export interface CustomerTransaction {
  type: 'purchase' | 'refund' | string;
  id: string;
  order_id: string;
  created_at: string;
  description: string;
  amount_minor: number;
  currency: string;
  status: string;
}

export interface CustomerTransactions extends Page<CustomerTransaction> {
  totals: { count: number; purchases_minor: number; refunds_minor: number; net_minor: number; currency: string };
}

/** `params` is already a query string without "?" (see sales/salesQuery.ts). */
const withQuery = (path: string, params: string) => (params ? `${path}?${params}` : path);

export const sales = {
  list(params: string, signal?: AbortSignal): Promise<SalesPage> {
    return apiRequest<SalesPage>('GET', withQuery('/sales', params), undefined, { signal });
  },
  timeseries(params: string, signal?: AbortSignal): Promise<SalesTimeseries> {
    return apiRequest<SalesTimeseries>('GET', withQuery('/sales/timeseries', params), undefined, { signal });
  },
  /** A plain link: the browser downloads it with the session cookie (GET needs no CSRF token). */
  exportUrl(params: string): string {
    return API_BASE + withQuery('/sales/export.csv', params);
  },
  order(orderId: string, signal?: AbortSignal): Promise<OrderDetails> {
    return apiRequest<OrderDetails>('GET', `/orders/${enc(orderId)}`, undefined, { signal });
  },
  customer(customerId: string, signal?: AbortSignal): Promise<Customer> {
    return apiRequest<Customer>('GET', `/customers/${enc(customerId)}`, undefined, { signal });
  },
  transactions(customerId: string, cursor: string | undefined, signal?: AbortSignal): Promise<CustomerTransactions> {
    return apiRequest<CustomerTransactions>(
      'GET',
      `/customers/${enc(customerId)}/transactions${query({ limit: 25, cursor })}`,
      undefined,
      { signal },
    );
  },
};

// ---------------------------------------------------------------------------------------------
// Blocking customers (R-BLK-1).

export interface BlockCoverage {
  accounts: { customer_id: string | null; name: string; email: string; depth: number }[];
  payment_methods_count: number;
  emails_count: number;
  truncated: boolean;
}

export interface BlockCustomer {
  id: string;
  name: string;
  email: string;
}

export interface Block {
  id: string;
  customer: BlockCustomer;
  reason: string;
  created_at: string;
  covers: BlockCoverage;
}

export interface BlockPreview {
  customer: BlockCustomer;
  covers: BlockCoverage;
}

export const blocks = {
  preview(customerId: string, signal?: AbortSignal): Promise<BlockPreview> {
    return apiRequest<BlockPreview>('POST', `/customers/${enc(customerId)}/block/preview`, {}, { signal });
  },
  block(customerId: string, reason: string): Promise<Block> {
    return apiRequest<Block>('POST', `/customers/${enc(customerId)}/block`, { reason });
  },
  unblock(customerId: string): Promise<unknown> {
    return apiRequest<unknown>('DELETE', `/customers/${enc(customerId)}/block`);
  },
  list(cursor: string | undefined, signal?: AbortSignal): Promise<Page<Block>> {
    return apiRequest<Page<Block>>('GET', `/blocks${query({ limit: 50, cursor })}`, undefined, { signal });
  },
};

// ---------------------------------------------------------------------------------------------
// Refunds and refund requests (R-REF-1..9).

export interface RefundLine {
  line_id: string;
  amount_minor: number;
  tax_minor: number;
  fee_minor: number;
  fully_refunded: boolean;
}

export interface Refund {
  id: string;
  order_id?: string;
  status: 'processing' | 'succeeded' | string;
  amount_minor: number;
  currency?: string;
  tax_minor?: number;
  fee_returned_minor?: number;
  seller_share_minor?: number;
  reason?: string;
  lines?: RefundLine[];
  created_at?: string;
  settles_at?: string;
  succeeded_at?: string | null;
}

export interface RefundEvidenceItem {
  kind: 'quantity_above_one' | 'repeat_purchase' | 'bundle_after_item' | 'item_after_bundle' | string;
  line_id: string;
  product_title: string;
  other_order_id: string | null;
  other_order_at: string | null;
  note: string;
}

export interface RefundRate {
  product_id: string;
  product_title: string;
  days: number;
  lines_sold: number;
  lines_refunded: number;
  rate_bp: number;
}

export interface RefundPreview extends Omit<Refund, 'id' | 'created_at'> {
  currency: string;
  tax_minor: number;
  fee_returned_minor: number;
  seller_share_minor: number;
  lines: RefundLine[];
  balance: { available_before_minor: number; available_after_minor: number; pending_minor: number; currency: string };
  fees: { rule: string; returned_minor: number; note: string };
  order_remaining_after_minor: number;
  revokes: { line_id: string; product_title: string; entitlement_ids: string[]; license_keys: string[] }[];
  evidence: {
    items: RefundEvidenceItem[];
    duplicate_purchase: boolean;
    bundle_overlap: boolean;
    days_since_purchase: number;
    downloads: number;
    refund_rates: RefundRate[];
  };
  irreversible: boolean;
}

/** Full (neither field), per line, or an amount spread over what remains. */
export interface RefundInput {
  lines?: { line_id: string; amount_minor?: number }[];
  amount_minor?: number;
  reason: string;
}

export interface RefundRequest {
  id: string;
  order_id: string;
  status: 'open' | 'granted' | 'declined' | string;
  reason: string;
  created_at: string;
  reply_by: string;
  decided_at: string | null;
  decline_message: string | null;
  refund_id: string | null;
}

export const refunds = {
  preview(orderId: string, input: RefundInput, signal?: AbortSignal): Promise<RefundPreview> {
    return apiRequest<RefundPreview>('POST', `/orders/${enc(orderId)}/refunds/preview`, input, { signal });
  },
  /** Irreversible; pass one key per confirmation so a retry never refunds twice. */
  create(orderId: string, input: RefundInput, idempotencyKey: string): Promise<Refund> {
    return apiRequest<Refund>('POST', `/orders/${enc(orderId)}/refunds`, input, { idempotencyKey });
  },
  openRequests(signal?: AbortSignal): Promise<Page<RefundRequest>> {
    return apiRequest<Page<RefundRequest>>('GET', `/refund-requests${query({ status: 'open', limit: 100 })}`, undefined, { signal });
  },
  grant(requestId: string, input: RefundInput, idempotencyKey: string): Promise<Refund> {
    return apiRequest<Refund>('POST', `/refund-requests/${enc(requestId)}/grant`, input, { idempotencyKey });
  },
  decline(requestId: string, message: string): Promise<RefundRequest> {
    return apiRequest<RefundRequest>('POST', `/refund-requests/${enc(requestId)}/decline`, { message });
  },
};

// ---------------------------------------------------------------------------------------------
// Messages (R-MSG-1..4): threads, saved replies, broadcasts; the buyer's side under /my/threads.

/** A file on a message or saved reply; `url` is the reader's own download route. */
export interface Attachment {
  id: string;
  filename: string;
  content_type: string;
  size_bytes: number;
  /** A PNG, JPEG, GIF or WebP image (by its bytes): shown inline. */
  is_image: boolean;
  created_at: string;
  url: string;
}

/** The server's limits on attachments (core/limits.hpp). */
export const ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024;
export const ATTACHMENTS_PER_MESSAGE_MAX = 10;

export interface ThreadMessage {
  id: string;
  thread_id: string;
  author: 'seller' | 'buyer' | 'auto' | string;
  /** May be empty when the message carries attachments. */
  body: string;
  attachments?: Attachment[];
  broadcast_id: string | null;
  created_at: string;
}

export interface ThreadRow {
  id: string;
  unread: boolean;
  unread_count: number;
  last_message_at: string;
  last_message: { author: string; body: string; attachment_count?: number } | null;
  opened_by: string;
  created_at: string;
  customer: { id: string; name: string; email: string };
  store: { slug: string; name: string };
}

export interface ThreadPurchase {
  order_id: string;
  created_at: string;
  description: string;
  total_minor: number;
  refunded_minor: number;
  currency: string;
}

export interface Thread {
  id: string;
  opened_by: string;
  created_at: string;
  last_message_at: string;
  store: { slug: string; name: string };
  customer: { id: string; name: string; email: string };
  messages: ThreadMessage[];
  purchases?: ThreadPurchase[];
}

export interface ResponseMetrics {
  window_days: number;
  new_threads: number;
  median_first_response_seconds: number | null;
  answered_within_24h_share: number | null;
  target_share: number;
}

export interface InboxPage extends Page<ThreadRow> {
  metrics?: ResponseMetrics;
}

export interface SavedReply {
  id: string;
  title: string;
  body: string;
  /** Sent with the reply. */
  attachments?: Attachment[];
  created_at: string;
  updated_at: string;
}

export interface BroadcastAudience {
  kind: 'all' | 'products' | 'members';
  product_ids?: string[];
}

export interface Broadcast {
  id: string;
  audience: BroadcastAudience;
  body: string;
  status: 'sending' | 'completed' | string;
  progress: { recipients: number; sent: number; skipped: number; pending: number };
  created_at: string;
  completed_at: string | null;
}

/**
 * A message to send: a body (placeholders filled by the server) or a saved reply as it is (with
 * its files), plus uploads to attach (`attachment_ids`; then the body may be empty).
 */
export type OutgoingMessage = ({ body: string } | { saved_reply_id: string }) & { attachment_ids?: string[] };

/** The fields of a saved reply; `attachment_ids` replaces its files. */
export interface SavedReplyInput {
  title?: string;
  body?: string;
  attachment_ids?: string[];
}

/** A customer as a broadcast preview lists them. */
export interface BroadcastPerson {
  id: string;
  name: string;
  email: string;
}

/** Who a broadcast would reach now (POST /broadcasts/preview), judged as the send judges. */
export interface BroadcastPreview {
  audience: BroadcastAudience;
  /** Customers in the audience. */
  audience_size: number;
  /** Of them, those who get the message in their conversation. */
  recipients: number;
  /** Left out: blocked; and, with a body, those a placeholder has no value for (null without one). */
  skipped: { blocked: number; unfillable: number | null };
  /** Recipients who unsubscribed from the store's email: the message reaches them without an email. */
  unsubscribed: number;
  emails: number;
  /** The first recipients, in sending order (at most 10). */
  sample: BroadcastPerson[];
  first_message: { customer: BroadcastPerson; body: string } | null;
}

export const messaging = {
  inbox(params: { q?: string; cursor?: string }, signal?: AbortSignal): Promise<InboxPage> {
    return apiRequest<InboxPage>('GET', `/threads${query({ limit: 50, q: params.q || undefined, cursor: params.cursor })}`, undefined, { signal });
  },
  thread(id: string, signal?: AbortSignal): Promise<Thread> {
    return apiRequest<Thread>('GET', `/threads/${enc(id)}`, undefined, { signal });
  },
  reply(threadId: string, message: OutgoingMessage): Promise<ThreadMessage> {
    return apiRequest<ThreadMessage>('POST', `/threads/${enc(threadId)}/messages`, message);
  },
  messageCustomer(customerId: string, message: OutgoingMessage): Promise<ThreadMessage> {
    return apiRequest<ThreadMessage>('POST', `/customers/${enc(customerId)}/messages`, message);
  },
  savedReplies(signal?: AbortSignal): Promise<SavedReply[]> {
    return fetchAll((cursor) => apiRequest<Page<SavedReply>>('GET', `/saved-replies${query({ limit: 100, cursor })}`, undefined, { signal }));
  },
  createSavedReply(input: SavedReplyInput & { title: string; body: string }): Promise<SavedReply> {
    return apiRequest<SavedReply>('POST', '/saved-replies', input);
  },
  updateSavedReply(id: string, input: SavedReplyInput): Promise<SavedReply> {
    return apiRequest<SavedReply>('PATCH', `/saved-replies/${enc(id)}`, input);
  },
  deleteSavedReply(id: string): Promise<unknown> {
    return apiRequest<unknown>('DELETE', `/saved-replies/${enc(id)}`);
  },
  /** Uploads a file to attach to a message or saved reply (raw body; the server sniffs the type). */
  uploadAttachment(file: File, signal?: AbortSignal): Promise<Attachment> {
    return uploadRaw<Attachment>(`/attachments${query({ filename: file.name })}`, file, signal);
  },
  broadcast(input: { audience: BroadcastAudience; body: string }, idempotencyKey?: string): Promise<Broadcast> {
    return apiRequest<Broadcast>('POST', '/broadcasts', input, { idempotencyKey });
  },
  broadcastStatus(id: string, signal?: AbortSignal): Promise<Broadcast> {
    return apiRequest<Broadcast>('GET', `/broadcasts/${enc(id)}`, undefined, { signal });
  },
  /** Who a broadcast would reach; `body` is left out while the seller has not written one. */
  previewBroadcast(input: { audience: BroadcastAudience; body?: string }, signal?: AbortSignal): Promise<BroadcastPreview> {
    return apiRequest<BroadcastPreview>('POST', '/broadcasts/preview', input, { signal });
  },
  /** The store's broadcasts, newest first. */
  broadcasts(params: { cursor?: string; limit?: number } = {}, signal?: AbortSignal): Promise<Page<Broadcast>> {
    return apiRequest<Page<Broadcast>>('GET', `/broadcasts${query({ limit: params.limit ?? 20, cursor: params.cursor })}`, undefined, { signal });
  },
};

export const buyerMessages = {
  threads(signal?: AbortSignal): Promise<Page<ThreadRow>> {
    return apiRequest<Page<ThreadRow>>('GET', `/my/threads${query({ limit: 50 })}`, undefined, { signal });
  },
  thread(id: string, signal?: AbortSignal): Promise<Thread> {
    return apiRequest<Thread>('GET', `/my/threads/${enc(id)}`, undefined, { signal });
  },
  /** Writes to a store by slug, opening the buyer's thread with it if needed. */
  write(store: string, body: string, attachmentIds: string[] = []): Promise<ThreadMessage> {
    return apiRequest<ThreadMessage>('POST', '/my/threads', { store, body, ...(attachmentIds.length ? { attachment_ids: attachmentIds } : {}) });
  },
  reply(threadId: string, body: string, attachmentIds: string[] = []): Promise<ThreadMessage> {
    return apiRequest<ThreadMessage>('POST', `/my/threads/${enc(threadId)}/messages`, { body, ...(attachmentIds.length ? { attachment_ids: attachmentIds } : {}) });
  },
  /** Uploads a file for a message to the store `store` (its slug). */
  uploadAttachment(store: string, file: File, signal?: AbortSignal): Promise<Attachment> {
    return uploadRaw<Attachment>(`/my/attachments${query({ store, filename: file.name })}`, file, signal);
  },
};
