/** @module config.yaml writes: atomic, mode 0600, comment-preserving remote edits, never an invalid file. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../core/usage-error.ts';
import { tempDir } from '../../test/temp-dir.ts';
import { readConfigFile, saveConfig, saveRemote } from './config-file.ts';

const tmp = () => tempDir('pf-cfgfile-');

test('saveConfig writes YAML readable by readConfigFile, mode 0600, no temp file left, new folder 0700', () => {
  const path = join(tmp(), 'new', 'config.yaml');
  saveConfig(path, { catalog: '/c.db', defaults: { concurrency: 3 }, remotes: { nas: { type: 'sftp', host: 'h' } } });
  assert.deepEqual(readConfigFile(path), { catalog: '/c.db', defaults: { concurrency: 3 }, remotes: { nas: { type: 'sftp', host: 'h' } } });
  assert.equal(statSync(path).mode & 0o777, 0o600);
  assert.equal(statSync(join(path, '..')).mode & 0o777, 0o700);
  assert.deepEqual(readdirSync(join(path, '..')), ['config.yaml']);
});

test('saveConfig refuses to write an invalid config', () => {
  const path = join(tmp(), 'config.yaml');
  assert.throws(() => saveConfig(path, { defaults: { concurrency: -1 } }), UsageError);
  assert.throws(() => readFileSync(path), /ENOENT/);
});

test('saveRemote adds and removes one remote and keeps the user\'s comments', () => {
  const path = join(tmp(), 'config.yaml');
  writeFileSync(path, '# my photoferry setup\ncatalog: /c.db # on the SSD\n');
  saveRemote(path, 'nas', { type: 'sftp', host: 'nas.local' });
  saveRemote(path, 'b2', { type: 's3', bucket: 'photos' });
  const text = readFileSync(path, 'utf8');
  assert.match(text, /# my photoferry setup/);
  assert.match(text, /# on the SSD/);
  assert.deepEqual(readConfigFile(path).remotes, { nas: { type: 'sftp', host: 'nas.local' }, b2: { type: 's3', bucket: 'photos' } });
  saveRemote(path, 'nas', undefined);
  assert.deepEqual(readConfigFile(path).remotes, { b2: { type: 's3', bucket: 'photos' } });
  assert.equal(statSync(path).mode & 0o777, 0o600);
});

test('saveRemote creates the file when there is none', () => {
  const path = join(tmp(), 'config.yaml');
  saveRemote(path, 'usb', { type: 'local', root: '/mnt/usb' });
  assert.deepEqual(readConfigFile(path), { remotes: { usb: { type: 'local', root: '/mnt/usb' } } });
});
