/** @module toTransferError: Apple answers (idmsa, setup, CloudKit) and transport faults mapped to TransferError kinds. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TransferError } from '../../core/transfer-error.ts';
import { AppleHttpError, IcloudError, icloudErrors, toTransferError } from './errors.ts';

const apple = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  toTransferError(new AppleHttpError('records/query', status, new Headers(headers), body));
const reasonOf = (e: TransferError) => (e instanceof IcloudError ? e.reason : undefined);

test('503 and 429 are rate-limited, with Retry-After in ms', () => {
  const e = apple(503, 'Service Temporary Unavailable', { 'retry-after': '30' });
  assert.equal(e.kind, 'rate-limited');
  assert.equal(e.retryAfterMs, 30_000);
  assert.equal(apple(429, {}).kind, 'rate-limited');
  assert.equal(apple(200, { serverErrorCode: 'THROTTLED' }).kind, 'rate-limited');
  assert.equal(apple(503, { serverErrorCode: 'TRY_AGAIN_LATER', reason: 'Sync zone CAS Op-Lock failed' }).kind, 'rate-limited');
});

test('session gone (401 Invalid global session, 421, 450) is auth-required session-expired', () => {
  for (const status of [401, 421, 450]) {
    const e = apple(status, { error: 'Invalid global session', errorCode: 100 });
    assert.equal(e.kind, 'auth-required');
    assert.equal(reasonOf(e), 'session-expired');
  }
});

test('CloudKit ACCESS_DENIED names ADP and throttling; ZONE_NOT_FOUND means Photos is off; FIDO sessions are unsupported', () => {
  const denied = apple(403, { serverErrorCode: 'ACCESS_DENIED', reason: 'private db access disabled for this account' });
  assert.equal(reasonOf(denied), 'adp-enabled');
  assert.match(denied.message, /Advanced Data Protection.*throttling/s);
  assert.equal(reasonOf(apple(404, { serverErrorCode: 'ZONE_NOT_FOUND' })), 'photos-not-enabled');
  assert.equal(reasonOf(apple(401, { error: 'no auth method found' })), 'security-key-unsupported');
});

test('5xx is transient, 404 not-found, other 4xx permanent', () => {
  assert.equal(apple(500, '').kind, 'transient');
  assert.equal(apple(404, 'File Not Found').kind, 'not-found');
  assert.equal(apple(400, {}).kind, 'permanent');
});

test('network failures are transient, aborts cancelled, TransferErrors pass through', () => {
  assert.equal(toTransferError(new TypeError('fetch failed')).kind, 'transient');
  assert.equal(toTransferError(new DOMException('aborted', 'AbortError')).kind, 'cancelled');
  const original = icloudErrors.libraryIndexing(42);
  assert.equal(toTransferError(original), original);
  assert.equal(original.kind, 'transient');
  assert.match(original.message, /42%.*try again later/);
});

test('every typed error names a next step and is a TransferError for the icloud connector', () => {
  const all = [icloudErrors.wrongPassword('a@b.c'), icloudErrors.wrongCode(), icloudErrors.codeLocked(), icloudErrors.accountLocked(),
    icloudErrors.adpEnabled(), icloudErrors.webAccessDisabled(), icloudErrors.wrongRegion('iCloud.com.cn'), icloudErrors.photosNotEnabled(),
    icloudErrors.libraryIndexing(), icloudErrors.securityKeyUnsupported(), icloudErrors.passwordMissing('a@b.c'), icloudErrors.sessionExpired('a@b.c')];
  for (const e of all) {
    assert.ok(e instanceof TransferError);
    assert.equal(e.connector, 'icloud');
    assert.match(e.message, /(run|turn|try|set|remove|unlock|wait|sign in|check)/i, e.message);
  }
  assert.match(icloudErrors.wrongRegion('iCloud.com.cn').message, /setup\.icloud\.com\.cn/);
});
