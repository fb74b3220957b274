// Assertions shared by the API tests.
import assert from 'node:assert/strict';
import { describe as describeRes } from './client.mjs';

// The error `type` each status must carry (API.md "Conventions").
export const TYPE_BY_STATUS = {
  400: 'invalid_request',
  401: 'authentication',
  403: 'permission',
  404: 'not_found',
  405: 'invalid_request',
  409: 'conflict',
  413: 'invalid_request',
  415: 'invalid_request',
  422: 'idempotency',
  429: 'rate_limited',
};

export const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * The response is `status` with body {"error":{type,code,message,param}}.
 * param: expected param (default null: the error names no field), or an array of accepted
 * values; {anyParam:true} skips the check. code: skip with null.
 */
export function expectError(res, status, code, { param = null, anyParam = false, type } = {}) {
  assert.equal(res.status, status, `expected ${status} ${code ?? ''}: ${describeRes(res)}`);
  assert.ok(res.json && typeof res.json === 'object', `error body is not JSON: ${describeRes(res)}`);
  const err = res.json.error;
  assert.ok(err && typeof err === 'object', `no "error" object: ${describeRes(res)}`);
  const wantType = type ?? TYPE_BY_STATUS[status];
  if (wantType && status !== 405) assert.equal(err.type, wantType, `error.type: ${describeRes(res)}`);
  if (status === 405) assert.equal(typeof err.type, 'string', `error.type: ${describeRes(res)}`);
  if (code !== null) assert.equal(err.code, code, `error.code: ${describeRes(res)}`);
  assert.equal(typeof err.message, 'string', `error.message: ${describeRes(res)}`);
  assert.ok(err.message.length > 0, `error.message empty: ${describeRes(res)}`);
  assert.ok('param' in err, `error.param missing (must be null when none): ${describeRes(res)}`);
  if (!anyParam) {
    if (Array.isArray(param)) assert.ok(param.includes(err.param), `error.param not one of ${JSON.stringify(param)}: ${describeRes(res)}`);
    else assert.equal(err.param, param, `error.param: ${describeRes(res)}`);
  }
  return err;
}

export function expectRfc3339(value, what = 'time') {
  assert.equal(typeof value, 'string', `${what} is not a string: ${JSON.stringify(value)}`);
  assert.match(value, RFC3339, `${what} is not RFC 3339: ${value}`);
  assert.ok(!Number.isNaN(Date.parse(value)), `${what} does not parse: ${value}`);
}

export function expectList(res) {
  assert.equal(res.status, 200, describeRes(res));
  assert.ok(Array.isArray(res.json?.data), `list without data[]: ${describeRes(res)}`);
  assert.equal(typeof res.json.has_more, 'boolean', `has_more: ${describeRes(res)}`);
  assert.ok('next_cursor' in res.json, `next_cursor missing: ${describeRes(res)}`);
  return res.json.data;
}
