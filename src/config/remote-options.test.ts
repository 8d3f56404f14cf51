/** @module Remote options against a connector schema: secret convention, text coercion, every problem listed. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { UsageError } from '../core/usage-error.ts';
import { coerceOptionText, isSecretOption, optionKeys, resolveRemoteOptions } from './remote-options.ts';

const sftp = {
  kind: 'sftp',
  options: z.object({
    host: z.string().describe('Host name'),
    port: z.int().min(1).max(65535).default(22),
    user: z.string(),
    password: z.string().meta({ secret: true }).describe('Password').optional(),
    keyPassphrase: z.string().optional().meta({ secret: true }),
    compress: z.boolean().default(false),
  }),
};

test('isSecretOption finds .meta({ secret: true }) through wrappers in any order', () => {
  assert.equal(isSecretOption(sftp.options, 'password'), true);
  assert.equal(isSecretOption(sftp.options, 'keyPassphrase'), true);
  assert.equal(isSecretOption(sftp.options, 'host'), false);
  assert.equal(isSecretOption(sftp.options, 'nope'), false);
  const union = z.union([z.object({ mode: z.literal('key'), key: z.string().meta({ secret: true }) }), z.object({ mode: z.literal('anon') })]);
  assert.equal(isSecretOption(union, 'key'), true);
});

test('optionKeys lists declared options, and nothing for loose schemas', () => {
  assert.deepEqual(optionKeys(sftp.options), ['host', 'port', 'user', 'password', 'keyPassphrase', 'compress']);
  assert.equal(optionKeys(z.looseObject({ a: z.string() })), undefined);
});

test('coerceOptionText turns CLI text into numbers and booleans where the schema wants them', () => {
  assert.deepEqual(coerceOptionText(sftp.options, { host: '10', port: '2222', compress: 'yes', other: 'x' }),
    { host: '10', port: 2222, compress: true, other: 'x' });
  assert.deepEqual(coerceOptionText(sftp.options, { port: 'abc' }), { port: 'abc' });
});

test('resolveRemoteOptions returns the parsed options', () => {
  assert.deepEqual(resolveRemoteOptions(sftp, { host: 'nas', user: 'me', password: 'pw' }),
    { host: 'nas', port: 22, user: 'me', password: 'pw', compress: false });
});

test('resolveRemoteOptions lists every problem, unknown options included, without echoing values', () => {
  try {
    resolveRemoteOptions(sftp, { port: 70000, password: 12345, hots: 'hunter2-typo' });
    assert.fail('expected a UsageError');
  } catch (err) {
    assert.ok(err instanceof UsageError);
    assert.deepEqual(err.problems.map((p) => p.split(':')[0]).sort(), ['host', 'hots', 'password', 'port', 'user']);
    assert.match(err.message, /hots: unknown option/);
    assert.match(err.message, /host: required option is not set/);
    assert.doesNotMatch(err.message, /12345|hunter2|70000/);
  }
});
