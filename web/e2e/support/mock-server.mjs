// A small stand-in for `shopdesk serve`, for developing the web app and running the browser
// tests without the C++ server. It serves web/dist (with the index.html fallback the real
// server has) and in-memory versions of the few API endpoints the app shell uses, following
// the contract in API.md: error bodies, session cookie + X-CSRF-Token, Idempotency-Key on POST.
//
// It is strict on purpose where the real server will be (CSRF, idempotency keys, integer
// money), so that a client bug shows up here first.
//
// Run standalone:  node e2e/support/mock-server.mjs [--port 8080]
import { createServer } from 'node:http';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { salesRoute, seedSales } from './mock-sales.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
export const DEFAULT_DIST_DIR = resolve(here, '../../dist');
export const DEFAULT_DEMO = {
  email: 'demo@shopdesk.test',
  password: 'demo-password',
  name: 'Dana Demo',
  storeName: 'Demo Design Co.',
};

const CURRENCIES = ['USD', 'EUR', 'GBP', 'CAD', 'AUD', 'JPY', 'CHF', 'SEK', 'NOK', 'DKK', 'PLN', 'MXN', 'BRL'];
const LOCALES = ['en', 'es'];
const SESSION_COOKIE = 'shopdesk_session';
const LOGIN_FAILURES_MAX = 5;
const LOGIN_LOCK_SECONDS = 15 * 60;
const BODY_BYTES_MAX = 64 * 1024;

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.map': 'application/json',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

class HttpError extends Error {
  constructor(status, type, code, message, param = null, headers = {}) {
    super(message);
    this.status = status;
    this.type = type;
    this.code = code;
    this.param = param;
    this.headers = headers;
  }
}

const invalid = (code, message, param) => new HttpError(400, 'invalid_request', code, message, param);

function slugify(name, taken) {
  const base =
    name
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 40) || 'store';
  let slug = base;
  for (let n = 2; taken.has(slug); n++) slug = `${base}-${n}`;
  return slug;
}

function createState(demo) {
  const state = {
    users: new Map(), // email → {id, email, name, password, storeId}
    stores: new Map(), // id → store object
    sessions: new Map(), // token → {userId, csrf}
    loginFailures: new Map(), // email → {count, lockedUntil}
    idempotency: new Map(), // key → {hash, status, body}
    requests: [], // {method, path, headers, body} — for tests that inspect what the UI sent
    sales: new Map(), // store id → {products, orders}: the demo store's sales (mock-sales.mjs)
  };
  const seller = addAccount(state, { ...demo, storeName: demo.storeName });
  state.sales.set(seller.storeId, seedSales(state.stores.get(seller.storeId)));
  return state;
}

function addAccount(state, { email, password, name, storeName }) {
  const user = { id: `usr_${randomUUID().slice(0, 8)}`, email, name, password, storeId: null };
  if (storeName) {
    const slugs = new Set([...state.stores.values()].map((s) => s.slug));
    const store = {
      id: `str_${randomUUID().slice(0, 8)}`,
      slug: slugify(storeName, slugs),
      name: storeName,
      currency: 'USD',
      support_email: email,
      locale: 'en',
      refund_policy: 'within_days:30',
      hold_period_days: 7,
      refund_window_days: 30,
      fee_percent_bp: 500,
      fee_fixed_minor: 30,
      created_at: new Date().toISOString(),
    };
    state.stores.set(store.id, store);
    user.storeId = store.id;
  }
  state.users.set(email.toLowerCase(), user);
  return user;
}

function sessionAnswer(state, user, csrf) {
  return {
    user: { id: user.id, email: user.email, name: user.name },
    store: user.storeId ? state.stores.get(user.storeId) : null,
    csrf_token: csrf,
  };
}

function startSession(state, res, user) {
  const token = randomBytes(24).toString('base64url');
  const csrf = randomBytes(24).toString('base64url');
  state.sessions.set(token, { userId: user.id, csrf });
  res.setHeader('Set-Cookie', `${SESSION_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Lax`);
  return csrf;
}

function readCookie(req, name) {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return null;
}

function currentSession(state, req) {
  const token = readCookie(req, SESSION_COOKIE);
  const session = token ? state.sessions.get(token) : null;
  if (!session) return null;
  const user = [...state.users.values()].find((u) => u.id === session.userId);
  return user ? { token, session, user } : null;
}

function requireSession(state, req) {
  const current = currentSession(state, req);
  if (!current) throw new HttpError(401, 'authentication', 'unauthenticated', 'You need to log in.');
  if (req.method !== 'GET' && req.headers['x-csrf-token'] !== current.session.csrf) {
    throw new HttpError(403, 'permission', 'csrf_token_invalid', 'The CSRF token is missing or wrong.');
  }
  return current;
}

function requireStore(state, current) {
  const store = current.user.storeId ? state.stores.get(current.user.storeId) : null;
  if (!store) throw new HttpError(404, 'not_found', 'store_not_found', 'This account has no store.');
  return store;
}

function requireString(body, field, { max = 200, optional = false } = {}) {
  const value = body[field];
  if (value === undefined && optional) return undefined;
  if (typeof value !== 'string' || value.trim() === '') throw invalid('parameter_missing', `${field} is required.`, field);
  if (value.length > max) throw invalid('parameter_too_long', `${field} is too long.`, field);
  return value.trim();
}

const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function requireEmail(value, field) {
  if (typeof value !== 'string' || !EMAIL_SHAPE.test(value.trim())) {
    throw invalid('invalid_email', 'Enter a valid email address.', field);
  }
  return value.trim();
}

function requireInteger(body, field, min, max) {
  const value = body[field];
  if (!Number.isInteger(value)) throw invalid('parameter_invalid_integer', `${field} must be an integer.`, field);
  if (value < min || value > max) throw invalid('parameter_out_of_range', `${field} must be between ${min} and ${max}.`, field);
  return value;
}

function validateStorePatch(body) {
  const allowed = new Set([
    'name',
    'support_email',
    'currency',
    'locale',
    'refund_policy',
    'hold_period_days',
    'refund_window_days',
    'fee_percent_bp',
    'fee_fixed_minor',
  ]);
  const changes = {};
  for (const field of Object.keys(body)) {
    if (!allowed.has(field)) throw invalid('parameter_unknown', `${field} cannot be changed.`, field);
  }
  if ('name' in body) changes.name = requireString(body, 'name', { max: 80 });
  if ('support_email' in body) changes.support_email = requireEmail(body.support_email, 'support_email');
  if ('currency' in body) {
    if (!CURRENCIES.includes(body.currency)) throw invalid('currency_unsupported', 'This currency is not supported.', 'currency');
    changes.currency = body.currency;
  }
  if ('locale' in body) {
    if (!LOCALES.includes(body.locale)) throw invalid('locale_unsupported', 'This language is not supported.', 'locale');
    changes.locale = body.locale;
  }
  if ('refund_policy' in body) {
    const p = body.refund_policy;
    const m = typeof p === 'string' ? /^within_days:(\d+)$/.exec(p) : null;
    if (!(p === 'no_refunds' || p === 'discretionary' || (m && Number(m[1]) >= 1 && Number(m[1]) <= 365))) {
      throw invalid('refund_policy_invalid', 'Choose a valid refund policy (1 to 365 days).', 'refund_policy');
    }
    changes.refund_policy = p;
  }
  if ('hold_period_days' in body) changes.hold_period_days = requireInteger(body, 'hold_period_days', 0, 90);
  if ('refund_window_days' in body) changes.refund_window_days = requireInteger(body, 'refund_window_days', 0, 365);
  if ('fee_percent_bp' in body) changes.fee_percent_bp = requireInteger(body, 'fee_percent_bp', 0, 10000);
  if ('fee_fixed_minor' in body) changes.fee_fixed_minor = requireInteger(body, 'fee_fixed_minor', 0, 100000);
  return changes;
}

async function readJson(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > BODY_BYTES_MAX) throw new HttpError(413, 'invalid_request', 'body_too_large', 'The request body is too large.');
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text === '') return { text, body: {} };
  try {
    const body = JSON.parse(text);
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw new Error('not an object');
    return { text, body };
  } catch {
    throw invalid('body_invalid_json', 'The body is not a JSON object.', null);
  }
}

async function handleApi(state, req, res, path, params = new URLSearchParams()) {
  const { text, body } = req.method === 'GET' ? { text: '', body: {} } : await readJson(req);
  state.requests.push({ method: req.method, path, headers: { ...req.headers }, body });

  // Idempotency-Key on every POST: a retry replays the first answer.
  let idem = null;
  if (req.method === 'POST') {
    const key = req.headers['idempotency-key'];
    if (!key) throw invalid('idempotency_key_missing', 'Send an Idempotency-Key header with every POST.', null);
    const hash = createHash('sha256').update(`${req.method} ${path} ${text}`).digest('hex');
    const seen = state.idempotency.get(key);
    if (seen && seen.hash !== hash) {
      throw new HttpError(422, 'idempotency', 'idempotency_key_reused', 'This Idempotency-Key was used with a different request.');
    }
    if (seen) return send(res, seen.status, seen.body);
    idem = { key, hash };
  }

  const answer = await route(state, req, res, path, body, params);
  if (idem && answer.status < 500) state.idempotency.set(idem.key, { hash: idem.hash, ...answer });
  if (answer.raw !== undefined) {
    res.writeHead(answer.status, { 'Cache-Control': 'no-store', ...answer.headers });
    return res.end(answer.raw);
  }
  return send(res, answer.status, answer.body);
}

async function route(state, req, res, path, body, params) {
  const m = req.method;
  if (m === 'POST' && path === '/auth/login') {
    const email = typeof body.email === 'string' ? body.email.trim().toLowerCase() : '';
    const failures = state.loginFailures.get(email);
    const now = Date.now();
    if (failures?.lockedUntil && failures.lockedUntil > now) {
      const seconds = Math.ceil((failures.lockedUntil - now) / 1000);
      throw new HttpError(429, 'rate_limited', 'login_rate_limited', 'Too many login attempts.', null, {
        'Retry-After': String(seconds),
      });
    }
    const user = state.users.get(email);
    if (!user || user.password !== body.password) {
      const count = (failures?.count ?? 0) + 1;
      state.loginFailures.set(email, {
        count,
        lockedUntil: count >= LOGIN_FAILURES_MAX ? now + LOGIN_LOCK_SECONDS * 1000 : null,
      });
      throw new HttpError(401, 'authentication', 'invalid_credentials', 'Incorrect email or password.');
    }
    state.loginFailures.delete(email);
    return { status: 200, body: sessionAnswer(state, user, startSession(state, res, user)) };
  }

  if (m === 'POST' && path === '/auth/signup') {
    const name = requireString(body, 'name', { max: 100 });
    const email = requireEmail(body.email, 'email');
    if (typeof body.password !== 'string' || body.password.length < 8) {
      throw invalid('too_short', 'password must be at least 8 characters', 'password');
    }
    const storeName = body.store_name === undefined ? undefined : requireString(body, 'store_name', { max: 80 });
    if (state.users.has(email.toLowerCase())) {
      throw new HttpError(409, 'conflict', 'email_taken', 'An account with this email already exists.', 'email');
    }
    const user = addAccount(state, { email, password: body.password, name, storeName });
    return { status: 201, body: sessionAnswer(state, user, startSession(state, res, user)) };
  }

  if (m === 'POST' && path === '/auth/logout') {
    const current = requireSession(state, req);
    state.sessions.delete(current.token);
    res.setHeader('Set-Cookie', `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0`);
    return { status: 200, body: { ok: true } };
  }

  if (m === 'GET' && path === '/me') {
    const current = requireSession(state, req);
    return { status: 200, body: sessionAnswer(state, current.user, current.session.csrf) };
  }

  if (path === '/store' && (m === 'GET' || m === 'PATCH')) {
    const current = requireSession(state, req);
    const store = requireStore(state, current);
    if (m === 'PATCH') Object.assign(store, validateStorePatch(body));
    return { status: 200, body: store };
  }

  if (m === 'GET' && (path === '/products' || path.startsWith('/sales') || path.startsWith('/orders/') || path.startsWith('/customers/'))) {
    const current = requireSession(state, req);
    const store = requireStore(state, current);
    const answer = salesRoute({ method: m, path, params, store, data: state.sales.get(store.id), HttpError });
    if (answer) return answer;
  }

  throw new HttpError(404, 'not_found', 'route_not_found', `No route for ${m} /api/v1${path}.`);
}

function send(res, status, body, headers = {}) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
    ...headers,
  });
  res.end(text);
}

async function serveStatic(distDir, req, res, pathname) {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { Allow: 'GET, HEAD' });
    return res.end();
  }
  const root = resolve(distDir);
  let file = normalize(join(root, decodeURIComponent(pathname)));
  if (file !== root && !file.startsWith(root + sep)) file = join(root, 'index.html');
  let info = await stat(file).catch(() => null);
  // Unknown paths get the app, which routes on the client (as the real server does).
  if (!info || info.isDirectory()) {
    file = join(root, 'index.html');
    info = await stat(file).catch(() => null);
  }
  if (!info) {
    res.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8' });
    return res.end(`web/dist is missing: run "npm run build" in web/ first (looked in ${root}).\n`);
  }
  const data = await readFile(file);
  res.writeHead(200, {
    'Content-Type': MIME[extname(file)] ?? 'application/octet-stream',
    'Content-Length': data.length,
    'Cache-Control': file.includes(`${sep}assets${sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache',
  });
  res.end(req.method === 'HEAD' ? undefined : data);
}

/**
 * Starts the mock on `port` (0: any free port). Resolves to {url, state, close()}.
 */
export async function startMockServer({
  port = 0,
  host = '127.0.0.1',
  distDir = DEFAULT_DIST_DIR,
  demo = DEFAULT_DEMO,
  log = false,
} = {}) {
  const state = createState(demo);
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (log) console.log(req.method, url.pathname);
    try {
      if (url.pathname.startsWith('/api/v1/')) {
        await handleApi(state, req, res, url.pathname.slice('/api/v1'.length), url.searchParams);
      } else if (url.pathname.startsWith('/api/')) {
        throw new HttpError(404, 'not_found', 'route_not_found', 'Unknown API version.');
      } else {
        await serveStatic(distDir, req, res, url.pathname);
      }
    } catch (error) {
      if (error instanceof HttpError) {
        send(res, error.status, { error: { type: error.type, code: error.code, message: error.message, param: error.param } }, error.headers);
      } else {
        console.error(error);
        if (!res.headersSent) send(res, 500, { error: { type: 'api', code: 'internal', message: 'Internal error.', param: null } });
        else res.destroy();
      }
    }
  });
  await new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, host, ok);
  });
  const address = server.address();
  return {
    url: `http://${host}:${address.port}`,
    state,
    close: () =>
      new Promise((ok) => {
        server.closeAllConnections?.();
        server.close(() => ok());
      }),
  };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf('--port');
  const port = Number(i > 0 ? process.argv[i + 1] : (process.env.PORT ?? 8080));
  const demo = {
    ...DEFAULT_DEMO,
    email: process.env.SHOPDESK_DEMO_EMAIL ?? DEFAULT_DEMO.email,
    password: process.env.SHOPDESK_DEMO_PASSWORD ?? DEFAULT_DEMO.password,
  };
  const mock = await startMockServer({ port, demo, log: true });
  console.log(`Shopdesk mock server on ${mock.url}`);
  console.log(`Demo seller: ${demo.email} / ${demo.password}`);
  const stop = () => mock.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
