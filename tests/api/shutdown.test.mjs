// Graceful shutdown: SIGTERM under write load exits 0 promptly and loses nothing acknowledged.
import assert from 'node:assert/strict';
import { describe, test, after } from './support/test.mjs';
import { startServer } from './support/server.mjs';
import { Client, PASSWORD, uniqueEmail } from './support/client.mjs';

const WORKERS = 8;
const LOAD_MS = 1500;
const EXIT_BUDGET_MS = 10_000;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

describe('graceful shutdown', () => {
  let server;
  after(async () => {
    if (!server) return;
    await server.stop('SIGTERM');
    server.cleanup();
  });

  test('SIGTERM under signup load: exit 0 within 10 s, every acknowledged signup survives a restart', async (t) => {
    server = await startServer();
    const url = server.url;
    const acknowledged = []; // emails answered 2xx
    const problems = []; // answers that are wrong whenever they come
    let connectionErrorsAfter = 0;
    let sigtermAt = null; // set just before the signal is sent
    let exited = false;

    async function worker(n) {
      let i = 0;
      while (!exited) {
        const email = uniqueEmail(`sd${n}-${i++}`);
        try {
          const res = await new Client(url).post('/api/v1/auth/signup', { email, password: PASSWORD, name: `Worker ${n}` });
          if (res.status >= 200 && res.status < 300) {
            acknowledged.push(email);
          } else if (sigtermAt !== null && res.status === 503) {
            // Refusing new work while draining is fine.
          } else {
            problems.push(`${res.status} ${res.text.slice(0, 200)} (${sigtermAt === null ? 'before' : 'after'} SIGTERM)`);
          }
        } catch (e) {
          if (sigtermAt === null) problems.push(`connection error before SIGTERM: ${e.cause?.code ?? e.message}`);
          else connectionErrorsAfter += 1;
          if (sigtermAt !== null) await sleep(20);
        }
      }
    }

    const workers = Array.from({ length: WORKERS }, (_, n) => worker(n));
    await sleep(LOAD_MS);
    const before = acknowledged.length;
    sigtermAt = Date.now();
    const stopped = await server.stop('SIGTERM');
    exited = true;
    await Promise.all(workers);

    assert.deepEqual(problems, [], 'wrong answers under load');
    assert.ok(before >= 1, `no signup succeeded before SIGTERM; the load did not run`);
    assert.ok(!stopped.timedOut, `did not exit within 15 s of SIGTERM (killed)`);
    assert.equal(stopped.signal, null, `exited by signal ${stopped.signal}`);
    assert.equal(stopped.code, 0, `exit code ${stopped.code}`);
    assert.ok(stopped.ms < EXIT_BUDGET_MS, `exit took ${stopped.ms} ms`);

    await server.restart();
    const missing = [];
    const queue = [...acknowledged];
    async function checker() {
      while (queue.length) {
        const email = queue.pop();
        const res = await new Client(server.url).post('/api/v1/auth/login', { email, password: PASSWORD });
        if (res.status !== 200) missing.push(`${email}: ${res.status} ${res.text.slice(0, 120)}`);
      }
    }
    await Promise.all(Array.from({ length: 4 }, checker));
    assert.deepEqual(missing, [], `${missing.length} of ${acknowledged.length} acknowledged signups cannot log in after restart`);
    t.diagnostic(
      `shutdown: ${acknowledged.length} acknowledged signups (${before} before SIGTERM), ` +
        `${connectionErrorsAfter} connection errors after SIGTERM, exit in ${stopped.ms} ms`,
    );
  });
});
