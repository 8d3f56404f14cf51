/** @module known_hosts matching: plain, [host]:port, hashed, wildcard and negated entries; fingerprint format. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { checkKnownHosts, fingerprintOf } from './host-key.ts';

const key = Buffer.from('AAAAC3NzaC1lZDI1NTE5AAAAIHostKeyBlobForTestsOnly', 'base64');
const other = Buffer.from('AAAAC3NzaC1lZDI1NTE5AAAAIAnotherKeyBlobForTests', 'base64');
const line = (hosts: string, k = key) => `${hosts} ssh-ed25519 ${k.toString('base64')}`;

test('fingerprint is SHA256: plus unpadded base64, as ssh-keygen prints it', () => {
  assert.match(fingerprintOf(key), /^SHA256:[A-Za-z0-9+/]{43}$/);
});

test('plain host on port 22, [host]:port elsewhere', () => {
  assert.equal(checkKnownHosts(line('nas.local'), 'nas.local', 22, key), 'match');
  assert.equal(checkKnownHosts(line('nas.local'), 'nas.local', 2222, key), 'unknown');
  assert.equal(checkKnownHosts(line('[nas.local]:2222'), 'nas.local', 2222, key), 'match');
});

test('a listed host with a different key is a mismatch, an unlisted host is unknown', () => {
  const text = `# comment\n\n${line('nas.local,10.0.0.2', other)}\n`;
  assert.equal(checkKnownHosts(text, '10.0.0.2', 22, key), 'mismatch');
  assert.equal(checkKnownHosts(text, 'elsewhere', 22, key), 'unknown');
});

test('hashed entries (HashKnownHosts yes) match', () => {
  const salt = Buffer.from('0123456789abcdef0123');
  const hash = createHmac('sha1', salt).update('[h.example]:2200').digest('base64');
  assert.equal(checkKnownHosts(line(`|1|${salt.toString('base64')}|${hash}`), 'h.example', 2200, key), 'match');
});

test('wildcards match and a negated pattern excludes', () => {
  assert.equal(checkKnownHosts(line('*.example.org,!bad.example.org'), 'nas.example.org', 22, key), 'match');
  assert.equal(checkKnownHosts(line('*.example.org,!bad.example.org'), 'bad.example.org', 22, key), 'unknown');
});

test('@revoked keys are refused and @cert-authority lines ignored', () => {
  assert.equal(checkKnownHosts(`@revoked ${line('*')}\n${line('nas')}`, 'nas', 22, key), 'mismatch');
  assert.equal(checkKnownHosts(`@cert-authority ${line('*')}`, 'nas', 22, key), 'unknown');
});
