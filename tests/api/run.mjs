#!/usr/bin/env node
// Black-box API suite runner.
//
//   tests/api/run (or node tests/api/run.mjs) [--backend sqlite|postgres] [--concurrency N] [FILE.test.mjs ...] [-- NODE_TEST_ARGS...]
//
// Env: SHOPDESK_BIN (default build/release/shopdesk), SHOPDESK_TEST_PG_ADMIN_URL (postgres),
//      SHOPDESK_EXPECT_WEB=1 (require GET / to serve the web app), SHOPDESK_TEST_KEEP=1.
// Prints the node test runner's TAP output (with its `# pass N` / `# fail N` summary) and a
// last line `api-<backend>: N passed, M failed`; exits non-zero on any failure.
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../..');

let backend = 'sqlite';
let concurrency = 2;
const files = [];
const passthrough = [];
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  if (a === '--') {
    passthrough.push(...argv.slice(i + 1));
    break;
  } else if (a === '--backend') backend = argv[++i];
  else if (a.startsWith('--backend=')) backend = a.slice('--backend='.length);
  else if (a === '--concurrency') concurrency = Number(argv[++i]);
  else if (a.startsWith('--concurrency=')) concurrency = Number(a.slice('--concurrency='.length));
  else if (a === '-h' || a === '--help') {
    console.log('usage: tests/api/run [--backend sqlite|postgres] [--concurrency N] [FILE.test.mjs ...] [-- node --test args]');
    process.exit(0);
  } else {
    const inCwd = path.resolve(process.cwd(), a);
    files.push(existsSync(inCwd) ? inCwd : path.join(here, a));
  }
}

function finish(passed, failed, code) {
  console.log(`api-${backend}: ${passed} passed, ${failed} failed`);
  process.exit(code);
}

if (backend !== 'sqlite' && backend !== 'postgres') {
  console.error(`unknown backend: ${backend} (sqlite|postgres)`);
  process.exit(2);
}

const bin = process.env.SHOPDESK_BIN
  ? path.resolve(process.cwd(), process.env.SHOPDESK_BIN)
  : path.join(repo, 'build/release/shopdesk');
if (!existsSync(bin)) {
  console.error(`server binary not found: ${bin} (build it or set SHOPDESK_BIN)`);
  finish(0, 1, 1);
}

if (backend === 'postgres') {
  const admin = process.env.SHOPDESK_TEST_PG_ADMIN_URL;
  if (!admin) {
    console.error('--backend postgres needs SHOPDESK_TEST_PG_ADMIN_URL (scripts/with-postgres sets it)');
    finish(0, 1, 1);
  }
  try {
    execFileSync('psql', [admin, '-X', '-q', '-c', 'SELECT 1'], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 15_000 });
  } catch (e) {
    console.error(`cannot reach PostgreSQL at ${admin}: ${e.stderr?.toString() || e.message}`);
    finish(0, 1, 1);
  }
}

const testFiles = files.length
  ? files
  : readdirSync(here)
      .filter((f) => f.endsWith('.test.mjs'))
      .sort()
      .map((f) => path.join(here, f));

const args = [
  '--test',
  '--test-reporter=tap',
  `--test-concurrency=${concurrency}`,
  '--test-timeout=180000',
  ...passthrough,
  ...testFiles,
];

const child = spawn(process.execPath, args, {
  cwd: repo,
  env: { ...process.env, SHOPDESK_BIN: bin, SHOPDESK_TEST_BACKEND: backend },
  stdio: ['ignore', 'pipe', 'inherit'],
});

let out = '';
child.stdout.on('data', (d) => {
  process.stdout.write(d);
  out += d.toString();
  if (out.length > 1 << 20) out = out.slice(-(1 << 19)); // only the summary at the end matters
});

const forward = (sig) => process.on(sig, () => child.kill(sig));
forward('SIGINT');
forward('SIGTERM');

child.on('exit', (code, signal) => {
  const num = (name) => {
    const m = [...out.matchAll(new RegExp(`^# ${name} (\\d+)$`, 'gm'))].pop();
    return m ? Number(m[1]) : 0;
  };
  const passed = num('pass');
  const failed = num('fail') + num('cancelled');
  const sawSummary = /^# pass \d+$/m.test(out);
  const bad = code !== 0 || signal !== null || failed > 0 || !sawSummary;
  if (!sawSummary) console.error(`node --test ended without a summary (code ${code}, signal ${signal})`);
  finish(passed, bad && failed === 0 ? 1 : failed, bad ? 1 : 0);
});
