// A small HTTP client for the API tests: a cookie jar (sd_session), the CSRF token from the
// last answer that carried one, an optional bearer token, and a fresh Idempotency-Key on every
// POST unless the caller passes one.
import { randomBytes, randomUUID } from 'node:crypto';
import net from 'node:net';
import assert from 'node:assert/strict';

export const PASSWORD = 'correct-horse-battery-staple';
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export function uniqueEmail(prefix = 'user') {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(5).toString('hex')}@example.com`;
}

export function randomKey() {
  return randomUUID();
}

function parseSetCookie(line) {
  const parts = line.split(';').map((p) => p.trim());
  const [nameValue, ...attrs] = parts;
  const eq = nameValue.indexOf('=');
  const name = nameValue.slice(0, eq).trim();
  const value = nameValue.slice(eq + 1).trim();
  const attributes = {};
  for (const a of attrs) {
    if (!a) continue;
    const i = a.indexOf('=');
    if (i < 0) attributes[a.toLowerCase()] = true;
    else attributes[a.slice(0, i).trim().toLowerCase()] = a.slice(i + 1).trim();
  }
  return { name, value, attributes, raw: line };
}

export { parseSetCookie };

export class Client {
  /** @param {string|{url:string}} base server URL or a server object */
  constructor(base, { bearer = null } = {}) {
    this.base = base;
    this.cookies = new Map();
    this.csrf = null;
    this.bearer = bearer;
  }

  get baseUrl() {
    return typeof this.base === 'string' ? this.base : this.base.url;
  }

  /** The sd_session cookie value, or undefined. */
  get session() {
    return this.cookies.get('sd_session');
  }

  cookieHeader() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  /**
   * options:
   *   json            value sent as application/json
   *   body            raw body (string/Buffer); set content-type yourself via headers
   *   headers         extra headers
   *   idempotencyKey  undefined → fresh key on POST; null → none; string → that key
   *   csrf            undefined → this.csrf on unsafe methods; false → none; string → that
   *   cookies         false → send no cookies
   *   bearer          undefined → this.bearer; null/false → none; string → that token
   */
  async request(method, path, opts = {}) {
    method = method.toUpperCase();
    const headers = {};
    let body;
    if (opts.json !== undefined) {
      body = JSON.stringify(opts.json);
      headers['content-type'] = 'application/json';
    } else if (opts.body !== undefined) {
      body = opts.body;
    }
    if (method === 'POST') {
      if (opts.idempotencyKey === undefined) headers['idempotency-key'] = randomKey();
      else if (opts.idempotencyKey !== null) headers['idempotency-key'] = opts.idempotencyKey;
    } else if (opts.idempotencyKey) {
      headers['idempotency-key'] = opts.idempotencyKey;
    }
    if (UNSAFE.has(method)) {
      if (opts.csrf === undefined) {
        if (this.csrf) headers['x-csrf-token'] = this.csrf;
      } else if (opts.csrf !== false && opts.csrf !== null) {
        headers['x-csrf-token'] = opts.csrf;
      }
    }
    if (opts.cookies !== false && this.cookies.size > 0) headers.cookie = this.cookieHeader();
    const bearer = opts.bearer === undefined ? this.bearer : opts.bearer;
    if (bearer) headers.authorization = `Bearer ${bearer}`;
    Object.assign(headers, opts.headers || {});

    const res = await fetch(this.baseUrl + path, {
      method,
      headers,
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(opts.timeoutMs ?? 30_000),
    });
    const text = await res.text();
    let json = null;
    try {
      json = text.length ? JSON.parse(text) : null;
    } catch {
      json = null;
    }
    const setCookies = typeof res.headers.getSetCookie === 'function' ? res.headers.getSetCookie() : [];
    for (const line of setCookies) {
      const c = parseSetCookie(line);
      const maxAge = c.attributes['max-age'];
      const expires = c.attributes.expires ? Date.parse(c.attributes.expires) : NaN;
      if ((maxAge !== undefined && Number(maxAge) <= 0) || (!Number.isNaN(expires) && expires < Date.now()) || c.value === '') {
        this.cookies.delete(c.name);
      } else {
        this.cookies.set(c.name, c.value);
      }
    }
    if (json && typeof json === 'object' && typeof json.csrf_token === 'string' && json.csrf_token) {
      this.csrf = json.csrf_token;
    }
    return { status: res.status, headers: res.headers, json, text, setCookies, method, path };
  }

  get(path, opts) {
    return this.request('GET', path, opts);
  }
  post(path, json, opts = {}) {
    return this.request('POST', path, json === undefined ? opts : { ...opts, json });
  }
  patch(path, json, opts = {}) {
    return this.request('PATCH', path, json === undefined ? opts : { ...opts, json });
  }
  put(path, json, opts = {}) {
    return this.request('PUT', path, json === undefined ? opts : { ...opts, json });
  }
  delete(path, opts) {
    return this.request('DELETE', path, opts);
  }
}

/** Short description of a response for assertion messages. */
export function describe(res) {
  const body = res.text && res.text.length > 600 ? res.text.slice(0, 600) + '…' : res.text;
  return `${res.method} ${res.path} → ${res.status} ${body}`;
}

export function expectStatus(res, status) {
  assert.equal(res.status, status, `expected ${status}: ${describe(res)}`);
}

async function signup(client, body) {
  const res = await client.post('/api/v1/auth/signup', body);
  expectStatus(res, 201);
  return res;
}

/** Sign up a seller (with a store). Returns {res, email, password, user, store, csrf}. */
export async function signupSeller(client, { email, name, store_name, password = PASSWORD } = {}) {
  email ??= uniqueEmail('seller');
  name ??= 'Sam Seller';
  store_name ??= `Store ${randomBytes(3).toString('hex')}`;
  const res = await signup(client, { email, password, name, store_name });
  return { res, email, password, user: res.json.user, store: res.json.store, csrf: res.json.csrf_token };
}

/** Sign up a buyer (no store). Returns {res, email, password, user, csrf}. */
export async function signupBuyer(client, { email, name, password = PASSWORD } = {}) {
  email ??= uniqueEmail('buyer');
  name ??= 'Bea Buyer';
  const res = await signup(client, { email, password, name });
  return { res, email, password, user: res.json.user, store: res.json.store, csrf: res.json.csrf_token };
}

export async function login(client, email, password = PASSWORD) {
  const res = await client.post('/api/v1/auth/login', { email, password });
  expectStatus(res, 200);
  return res;
}

/** Create an API token; returns the creation answer's JSON ({id, name, token, created_at}). */
export async function createToken(client, name = `token-${randomBytes(3).toString('hex')}`) {
  const res = await client.post('/api/v1/api-tokens', { name });
  expectStatus(res, 201);
  return res.json;
}

// ---------------------------------------------------------------------------------------------
// Raw sockets: for malformed HTTP and bodies the server may refuse before reading them.

/**
 * Send raw bytes to 127.0.0.1:port and collect the answer until the server closes the
 * connection, a complete response (by Content-Length) has arrived, or the timeout.
 * Resolves {status, headers, body, raw, error, closed}; status is null if no response came.
 */
export function rawRequest(port, data, { timeoutMs = 10_000, host = '127.0.0.1' } = {}) {
  return new Promise((resolve) => {
    const chunks = [];
    let done = false;
    let error = null;
    const sock = net.connect({ port, host });
    const finish = (closed) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      resolve({ ...parseRawResponse(Buffer.concat(chunks)), error, closed });
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    sock.on('connect', () => {
      const bufs = Array.isArray(data) ? data : [data];
      for (const b of bufs) sock.write(b);
    });
    sock.on('data', (d) => {
      chunks.push(d);
      const parsed = parseRawResponse(Buffer.concat(chunks));
      if (parsed.complete) finish(false);
    });
    sock.on('error', (e) => {
      error = e; // EPIPE / ECONNRESET after an early answer are fine; the caller decides
    });
    sock.on('close', () => finish(true));
  });
}

export function parseRawResponse(buf) {
  const raw = buf.toString('latin1');
  const headEnd = raw.indexOf('\r\n\r\n');
  if (headEnd < 0) return { status: null, headers: {}, body: '', raw, complete: false };
  const lines = raw.slice(0, headEnd).split('\r\n');
  const m = /^HTTP\/\d\.\d (\d{3})/.exec(lines[0]);
  const headers = {};
  for (const l of lines.slice(1)) {
    const i = l.indexOf(':');
    if (i > 0) headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
  }
  let body = buf.subarray(Buffer.byteLength(raw.slice(0, headEnd + 4), 'latin1'));
  let complete = false;
  if (headers['content-length'] !== undefined) {
    const n = Number(headers['content-length']);
    complete = body.length >= n;
    body = body.subarray(0, n);
  } else if ((headers['transfer-encoding'] || '').toLowerCase().includes('chunked')) {
    const decoded = decodeChunked(body);
    complete = decoded.complete;
    body = decoded.body;
  }
  const text = body.toString('utf8');
  let json = null;
  try {
    json = JSON.parse(text);
  } catch {}
  return { status: m ? Number(m[1]) : null, headers, body: text, json, raw, complete };
}

function decodeChunked(buf) {
  const out = [];
  let pos = 0;
  for (;;) {
    const lineEnd = buf.indexOf('\r\n', pos, 'latin1');
    if (lineEnd < 0) return { body: Buffer.concat(out), complete: false };
    const size = parseInt(buf.subarray(pos, lineEnd).toString('latin1'), 16);
    if (Number.isNaN(size)) return { body: Buffer.concat(out), complete: false };
    if (size === 0) return { body: Buffer.concat(out), complete: true };
    const start = lineEnd + 2;
    if (buf.length < start + size) return { body: Buffer.concat(out), complete: false };
    out.push(buf.subarray(start, start + size));
    pos = start + size + 2;
  }
}
