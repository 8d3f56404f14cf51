/** @module Secret wrapper and redaction: nothing secret reaches strings, JSON or inspect. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { z } from 'zod';
import { redact, redactObject, Secret } from './redact.ts';

test('a Secret prints as *** everywhere and reveals only on request', () => {
  const s = new Secret('hunter2');
  assert.equal(`${s}`, '***');
  assert.equal(String(s), '***');
  assert.equal(JSON.stringify({ s }), '{"s":"***"}');
  assert.doesNotMatch(inspect({ nested: { s } }), /hunter2/);
  assert.equal(s.reveal(), 'hunter2');
});

test('redact hides any value but keeps "not set" visible', () => {
  assert.equal(redact('x'), '***');
  assert.equal(redact(''), '');
  assert.equal(redact(undefined), '');
});

test('redactObject uses the schema mark, secret-looking names and Secret instances, at any depth', () => {
  const schema = z.object({ host: z.string(), pin: z.string().meta({ secret: true }), apiKey: z.string() });
  const shown = redactObject({ host: 'nas', pin: '1234', apiKey: 'k', nested: { token: 't', keep: 1, list: [new Secret('x')] } }, schema);
  assert.deepEqual(shown, { host: 'nas', pin: '***', apiKey: '***', nested: { token: '***', keep: 1, list: ['***'] } });
});
