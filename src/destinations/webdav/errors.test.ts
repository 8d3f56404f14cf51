/** @module WebDAV status and socket errors map to the TransferError kinds the engine retries on. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DavStatusError } from './api/dav-client.ts';
import { toTransferError } from './errors.ts';

const status = (code: number, retryAfterMs?: number) => toTransferError(new DavStatusError('PUT', 'http://h/dav/a%20b.jpg', code, retryAfterMs), 'write a b.jpg');

test('statuses map to kinds', () => {
  const kinds = Object.fromEntries([401, 403, 404, 409, 412, 413, 423, 429, 500, 502, 503, 507].map((s) => [s, status(s).kind]));
  assert.deepEqual(kinds, {
    401: 'auth-required', 403: 'permanent', 404: 'not-found', 409: 'conflict', 412: 'conflict', 413: 'permanent',
    423: 'transient', 429: 'rate-limited', 500: 'transient', 502: 'transient', 503: 'transient', 507: 'quota-exceeded',
  });
});

test('Retry-After is carried and the message names the operation and decoded path', () => {
  const err = status(429, 30_000);
  assert.equal(err.retryAfterMs, 30_000);
  assert.match(err.message, /^write a b\.jpg: too many requests/);
  assert.match(String((err.cause as Error).message), /PUT \/dav\/a b\.jpg → HTTP 429/);
});

test('socket failures are transient, aborts are cancelled, length mismatches are corrupted', () => {
  const coded = (code: string) => Object.assign(new Error(code), { code });
  assert.equal(toTransferError(coded('ECONNRESET'), 'x').kind, 'transient');
  assert.equal(toTransferError(coded('UND_ERR_SOCKET'), 'x').kind, 'transient');
  assert.equal(toTransferError(Object.assign(new Error('aborted'), { name: 'AbortError' }), 'x').kind, 'cancelled');
  assert.equal(toTransferError(coded('UND_ERR_REQ_CONTENT_LENGTH_MISMATCH'), 'x').kind, 'corrupted');
  assert.equal(toTransferError(coded('ENOTFOUND'), 'x').kind, 'permanent');
});
