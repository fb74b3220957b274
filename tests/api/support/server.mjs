// Test harness: starts the real `shopdesk serve` binary on a free loopback port with a fresh
// database (SQLite file or a throwaway PostgreSQL database) and a temp data dir.
//
//   const server = await startServer({ backend: 'sqlite' });
//   ... fetch(server.url + '/healthz') ...
//   const { code, signal, ms } = await server.stop();   // SIGTERM by default
//
// Environment:
//   SHOPDESK_BIN                 binary (default <repo>/build/release/shopdesk)
//   SHOPDESK_TEST_BACKEND        sqlite | postgres (default sqlite; set by tests/api/run)
//   SHOPDESK_TEST_PG_ADMIN_URL   postgres://user@host:port/db used to CREATE/DROP databases
//   SHOPDESK_TEST_KEEP=1         keep temp dirs (logs, data) even when everything passed
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, openSync, closeSync, readFileSync, rmSync, existsSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export function binaryPath() {
  const fromEnv = process.env.SHOPDESK_BIN;
  if (fromEnv) return path.resolve(process.cwd(), fromEnv);
  return path.join(REPO_ROOT, 'build/release/shopdesk');
}

export function defaultBackend() {
  return process.env.SHOPDESK_TEST_BACKEND || 'sqlite';
}

const READY_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 15_000;

// Every server started by this process, so failures can print their logs and a crashed test
// process does not leave servers (or databases) behind.
const live = new Set();
let anyFailure = false;

export function markFailure() {
  anyFailure = true;
}

export function liveServers() {
  return [...live];
}

export function logTail(logPath, lines = 60) {
  try {
    const text = readFileSync(logPath, 'utf8');
    const all = text.split('\n');
    return all.slice(Math.max(0, all.length - lines - 1)).join('\n');
  } catch (e) {
    return `(could not read ${logPath}: ${e.message})`;
  }
}

// Text describing every live server's log tail; appended to failing tests' errors.
export function describeServerLogs(lines = 40) {
  const parts = [];
  for (const s of live) {
    parts.push(`--- server ${s.url} (log ${s.logPath}) last ${lines} lines ---\n${logTail(s.logPath, lines)}`);
  }
  return parts.join('\n');
}

export async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------
// PostgreSQL: one fresh database per server instance.

function pgAdminUrl() {
  const url = process.env.SHOPDESK_TEST_PG_ADMIN_URL;
  if (!url) {
    throw new Error('backend postgres needs SHOPDESK_TEST_PG_ADMIN_URL (e.g. postgres://postgres@127.0.0.1:5433/postgres; scripts/with-postgres sets it)');
  }
  return url;
}

function psql(adminUrl, sql) {
  execFileSync('psql', [adminUrl, '-v', 'ON_ERROR_STOP=1', '-q', '-X', '-c', sql], {
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 30_000,
  });
}

function createPgDatabase() {
  const admin = pgAdminUrl();
  const name = `sd_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  psql(admin, `CREATE DATABASE ${name}`);
  const u = new URL(admin);
  u.pathname = `/${name}`;
  return { name, url: u.toString(), admin };
}

function dropPgDatabase(db) {
  try {
    psql(db.admin, `DROP DATABASE IF EXISTS ${db.name} WITH (FORCE)`);
  } catch (e) {
    process.stderr.write(`warning: could not drop database ${db.name}: ${e.stderr || e.message}\n`);
  }
}

// ---------------------------------------------------------------------------------------------

process.on('exit', () => {
  for (const s of live) {
    try {
      s.proc?.kill('SIGKILL');
    } catch {}
    if (s.pg && !s.keepDatabase) dropPgDatabase(s.pg);
  }
});

/**
 * Start `shopdesk serve`. Options:
 *   backend     'sqlite' | 'postgres' (default from SHOPDESK_TEST_BACKEND)
 *   testMode    pass --test-mode (default true)
 *   extraArgs   appended to the command line
 *   env         extra environment variables
 *   dataDir     reuse this data dir (default: fresh temp dir)
 *   databaseUrl reuse this database (default: fresh sqlite file / PG database)
 */
export async function startServer(opts = {}) {
  const backend = opts.backend || defaultBackend();
  if (backend !== 'sqlite' && backend !== 'postgres') throw new Error(`unknown backend ${backend}`);
  const bin = binaryPath();
  if (!existsSync(bin)) throw new Error(`server binary not found: ${bin} (set SHOPDESK_BIN)`);

  const root = mkdtempSync(path.join(os.tmpdir(), 'shopdesk-api-'));
  const dataDir = opts.dataDir || path.join(root, 'data');
  const logPath = path.join(root, 'server.log');

  let pg = null;
  let databaseUrl = opts.databaseUrl;
  if (!databaseUrl) {
    if (backend === 'postgres') {
      pg = createPgDatabase();
      databaseUrl = pg.url;
    } else {
      databaseUrl = `sqlite:${path.join(dataDir, 'shopdesk.db')}`;
    }
  }

  const server = {
    backend,
    url: null,
    port: null,
    proc: null,
    root,
    dataDir,
    databaseUrl,
    logPath,
    pg,
    keepDatabase: false,
    testMode: opts.testMode !== false,
    extraArgs: opts.extraArgs || [],
    env: opts.env || {},
    exited: null, // promise resolving to {code, signal} of the current process
    stopping: false,
    starts: 0,
    stop: (signal = 'SIGTERM') => stopServer(server, signal),
    kill9: () => stopServer(server, 'SIGKILL'),
    restart: () => spawnUntilReady(server),
    cleanup: () => cleanupServer(server),
    logTail: (lines) => logTail(logPath, lines),
  };
  live.add(server);
  try {
    await spawnUntilReady(server);
  } catch (e) {
    await stopServer(server, 'SIGKILL').catch(() => {});
    cleanupServer(server, { keep: true });
    throw e;
  }
  return server;
}

async function spawnUntilReady(server) {
  if (server.proc && server.proc.exitCode === null && server.proc.signalCode === null) {
    throw new Error('server is still running; stop it before restart()');
  }
  let lastError;
  // A port picked by freePort() can be taken by someone else before the server binds it;
  // retry a couple of times with a new port when the process dies before it is ready.
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await spawnOnce(server);
      return server;
    } catch (e) {
      lastError = e;
      if (!e.processExited) break;
    }
  }
  throw lastError;
}

async function spawnOnce(server) {
  const port = await freePort();
  const args = [
    'serve',
    '--host', '127.0.0.1',
    '--port', String(port),
    '--database', server.databaseUrl,
    '--data-dir', server.dataDir,
  ];
  if (server.testMode) args.push('--test-mode');
  args.push(...server.extraArgs);

  const fd = openSync(server.logPath, 'a');
  const proc = spawn(binaryPath(), args, {
    stdio: ['ignore', fd, fd],
    env: { ...process.env, ...server.env },
  });
  closeSync(fd);
  server.starts += 1;
  server.proc = proc;
  server.port = port;
  server.url = `http://127.0.0.1:${port}`;
  server.stopping = false;
  server.exited = new Promise((resolve) => {
    proc.on('exit', (code, signal) => {
      if (!server.stopping && server.ready) {
        process.stderr.write(
          `\n!!! shopdesk server ${server.url} exited unexpectedly (code ${code}, signal ${signal})\n` +
            `--- ${server.logPath} ---\n${logTail(server.logPath, 60)}\n`,
        );
        anyFailure = true;
      }
      resolve({ code, signal });
    });
  });
  proc.on('error', (e) => process.stderr.write(`spawn error: ${e.message}\n`));
  server.ready = false;

  const deadline = Date.now() + READY_TIMEOUT_MS;
  let exitInfo = null;
  server.exited.then((info) => (exitInfo = info));
  while (Date.now() < deadline) {
    if (exitInfo) {
      const err = new Error(
        `shopdesk exited before it was ready (code ${exitInfo.code}, signal ${exitInfo.signal}); ` +
          `args: ${args.join(' ')}\n--- ${server.logPath} ---\n${logTail(server.logPath, 60)}`,
      );
      err.processExited = true;
      throw err;
    }
    try {
      const res = await fetch(`${server.url}/readyz`, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      if (res.status === 200) {
        server.ready = true;
        return;
      }
    } catch {}
    await sleep(50);
  }
  throw new Error(
    `shopdesk did not answer 200 on /readyz within ${READY_TIMEOUT_MS} ms; args: ${args.join(' ')}\n` +
      `--- ${server.logPath} ---\n${logTail(server.logPath, 60)}`,
  );
}

async function stopServer(server, signal) {
  const proc = server.proc;
  if (!proc) return { code: null, signal: null, ms: 0 };
  if (proc.exitCode !== null || proc.signalCode !== null) {
    const info = await server.exited;
    return { ...info, ms: 0 };
  }
  server.stopping = true;
  const t0 = Date.now();
  proc.kill(signal);
  let timer;
  const timeout = new Promise((resolve) => {
    timer = setTimeout(() => resolve('timeout'), STOP_TIMEOUT_MS);
  });
  const first = await Promise.race([server.exited, timeout]);
  clearTimeout(timer);
  if (first === 'timeout') {
    proc.kill('SIGKILL');
    const info = await server.exited;
    return { ...info, ms: Date.now() - t0, timedOut: true };
  }
  return { ...first, ms: Date.now() - t0 };
}

function cleanupServer(server, { keep = false } = {}) {
  live.delete(server);
  const keepAll = keep || anyFailure || process.env.SHOPDESK_TEST_KEEP === '1';
  if (server.pg && !keepAll) dropPgDatabase(server.pg);
  if (server.pg && keepAll) {
    server.keepDatabase = true;
    process.stderr.write(`kept PostgreSQL database ${server.pg.name} for inspection\n`);
  }
  if (!keepAll) {
    try {
      rmSync(server.root, { recursive: true, force: true });
    } catch {}
  } else {
    process.stderr.write(`kept server files in ${server.root}\n`);
  }
}

/**
 * Register before/after hooks for one server per file (or per describe block) and return a
 * holder: `srv.server`, `srv.url`, `srv.client()`.
 */
export function serverHooks({ before, after }, opts = {}) {
  const holder = {
    server: null,
    get url() {
      return holder.server.url;
    },
  };
  before(async () => {
    holder.server = await startServer(opts);
  });
  after(async () => {
    if (!holder.server) return;
    const s = holder.server;
    await s.stop('SIGTERM');
    s.cleanup();
  });
  return holder;
}
