// node:test wrappers: a failing test gets the tail of every live server's log appended to its
// error, so a server-side cause (panic, SQL error) shows up next to the assertion.
import * as nodeTest from 'node:test';
import { describeServerLogs, markFailure } from './server.mjs';

export const { describe, before, after, beforeEach, afterEach } = nodeTest;

function wrap(fn) {
  return async function wrapped(t) {
    try {
      return await fn(t);
    } catch (e) {
      markFailure();
      const logs = describeServerLogs(40);
      if (logs && e && typeof e === 'object') {
        try {
          e.message = `${e.message}\n${logs}`;
        } catch {}
      }
      throw e;
    }
  };
}

/** test(name, [options], fn) — like node:test's, with server logs on failure. */
export function test(name, options, fn) {
  if (typeof options === 'function') return nodeTest.test(name, wrap(options));
  return nodeTest.test(name, options, wrap(fn));
}
export const it = test;
