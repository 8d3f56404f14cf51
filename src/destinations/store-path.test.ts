/** @module checkStorePath: what no store may be handed, down to a segment's length in UTF-8 bytes. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TransferError } from '../core/transfer-error.ts';
import { checkStorePath } from './store-path.ts';

const refused = (path: string, why: RegExp) => assert.throws(() => checkStorePath(path, 'test'),
  (err: unknown) => err instanceof TransferError && err.kind === 'invalid-input' && why.test(err.message), path);

test('a segment may hold 255 bytes of UTF-8, not 256, however many characters that is', () => {
  assert.equal(checkStorePath(`2024/${'€'.repeat(85)}`, 'test'), `2024/${'€'.repeat(85)}`);
  assert.doesNotThrow(() => checkStorePath(`a/${'é'.repeat(127)}x`, 'test'));
  refused(`2024/${'€'.repeat(86)}`, /longer than 255 bytes/);
  refused(`${'é'.repeat(128)}/x.jpg`, /longer than 255 bytes/);
  refused(`a/${'x'.repeat(256)}`, /longer than 255 bytes/);
});

test('empty, absolute, dot segments and control characters are refused with the path named', () => {
  refused('', /empty/);
  refused('/etc/passwd', /absolute/);
  refused('C:/x', /absolute/);
  refused('a/../b', /"\.\." segment/);
  refused('a//b', /segment/);
  refused('a/b\u0000c', /control character/);
  refused('a\\b', /backslash/);
});
