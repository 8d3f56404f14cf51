/** @module loadConfig: precedence flags > env > file > defaults, and one error listing every problem. Real files in a temp folder. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../core/usage-error.ts';
import { tempDir } from '../../test/temp-dir.ts';
import { loadConfig } from './load-config.ts';

function home(yaml?: string): { dir: string; env: Record<string, string> } {
  const dir = tempDir('pf-config-');
  if (yaml !== undefined) writeFileSync(join(dir, 'config.yaml'), yaml);
  return { dir, env: { PHOTOFERRY_HOME: dir } };
}

function usageErrorOf(fn: () => unknown): UsageError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof UsageError, `expected UsageError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected a UsageError');
}

test('a missing default file is an empty config with PHOTOFERRY_HOME paths', () => {
  const { dir, env } = home();
  const config = loadConfig({ env });
  assert.equal(config.configPath, join(dir, 'config.yaml'));
  assert.equal(config.catalog, join(dir, 'catalog.db'));
  assert.equal(config.vault, join(dir, 'vault.json'));
  assert.deepEqual(config.remotes, {});
  assert.deepEqual(config.defaults, { concurrency: 4, template: '{yyyy}/{mm}/{dd}/{filename}', retries: 3, logLevel: 'info' });
});

test('XDG folders are used when PHOTOFERRY_HOME is not set', () => {
  const config = loadConfig({ env: { XDG_CONFIG_HOME: '/x/conf', XDG_DATA_HOME: '/x/data', HOME: '/h' } });
  assert.equal(config.configPath, '/x/conf/photoferry/config.yaml');
  assert.equal(config.catalog, '/x/data/photoferry/catalog.db');
  assert.equal(config.vault, '/x/conf/photoferry/vault.json');
  assert.equal(loadConfig({ env: { HOME: '/h' } }).catalog, '/h/.local/share/photoferry/catalog.db');
});

test('a postgres:// catalog URL is kept as is from the file, PHOTOFERRY_CATALOG_URL or --catalog', () => {
  const url = 'postgres://pf:secret@db.lan:5432/photoferry';
  const { env } = home(`catalog: "${url}"\n`);
  assert.equal(loadConfig({ env }).catalog, url);
  assert.equal(loadConfig({ env: { ...env, PHOTOFERRY_CATALOG: '/old.db', PHOTOFERRY_CATALOG_URL: 'postgresql://h/x' } }).catalog, 'postgresql://h/x');
  assert.equal(loadConfig({ env, flags: { catalog: 'postgres://flag/db' } }).catalog, 'postgres://flag/db');
});

test('flags override env, env overrides the file, the file overrides defaults', () => {
  const { dir, env } = home('catalog: from-file.db\ndefaults:\n  concurrency: 2\n  retries: 7\n  template: "{yyyy}/{filename}"\n');
  const fileOnly = loadConfig({ env });
  assert.equal(fileOnly.catalog, join(dir, 'from-file.db'), 'relative file paths resolve against the config folder');
  assert.deepEqual(fileOnly.defaults, { concurrency: 2, retries: 7, template: '{yyyy}/{filename}', logLevel: 'info' });

  const withEnv = loadConfig({ env: { ...env, PHOTOFERRY_CATALOG: '/env.db', PHOTOFERRY_CONCURRENCY: '5', PHOTOFERRY_LOG_LEVEL: 'debug' } });
  assert.equal(withEnv.catalog, '/env.db');
  assert.deepEqual(withEnv.defaults, { concurrency: 5, retries: 7, template: '{yyyy}/{filename}', logLevel: 'debug' });

  const withFlags = loadConfig({
    env: { ...env, PHOTOFERRY_CATALOG: '/env.db', PHOTOFERRY_CONCURRENCY: '5' },
    flags: { catalog: '/flag.db', concurrency: '9' },
  });
  assert.equal(withFlags.catalog, '/flag.db');
  assert.equal(withFlags.defaults.concurrency, 9);
  assert.equal(withFlags.defaults.retries, 7);
});

test('the config file can be chosen by flag, by PHOTOFERRY_CONFIG or by argument', () => {
  const { dir } = home();
  const other = join(dir, 'other.yaml');
  writeFileSync(other, 'vault: ~/v.json\n');
  assert.equal(loadConfig({ env: { PHOTOFERRY_CONFIG: other, HOME: '/h' } }).vault, '/h/v.json');
  assert.equal(loadConfig({ env: { HOME: '/h' }, flags: { config: other } }).configPath, other);
  assert.equal(loadConfig({ env: { HOME: '/h' }, configPath: other }).configPath, other);
});

test('a missing explicit config file is a UsageError', () => {
  const { dir, env } = home();
  const err = usageErrorOf(() => loadConfig({ env, configPath: join(dir, 'nope.yaml') }));
  assert.match(err.message, /nope\.yaml: config file not found/);
});

test('every problem is listed at once, each with its path', () => {
  const { env } = home('defaults:\n  concurrency: 0\n  retries: many\n  logLevel: loud\n');
  const err = usageErrorOf(() => loadConfig({ env }));
  assert.equal(err.problems.length, 3);
  assert.equal(err.message.split('\n').filter((l) => l.startsWith('  - ')).length, 3);
  assert.match(err.problems.join('\n'), /defaults\.concurrency: /);
  assert.match(err.problems.join('\n'), /defaults\.retries: expected a whole number/);
  assert.match(err.problems.join('\n'), /defaults\.logLevel: /);
});

test('unknown keys are problems, at the top level and nested', () => {
  const { env } = home('catalgo: x.db\ndefaults:\n  concurency: 3\nremotes:\n  nas: { bucket: b }\n  "bad/name": { type: s3 }\n');
  const err = usageErrorOf(() => loadConfig({ env }));
  assert.deepEqual([...err.problems].sort(), [
    'catalgo: unknown key',
    'defaults.concurency: unknown key',
    'remotes.bad/name: remote names are 1–64 letters, digits, "_", ".", "@" or "-", starting with a letter or digit',
    'remotes.nas.type: every remote needs a "type" (e.g. s3, sftp, local)',
  ].sort());
});

test('env and flag problems are named by the env var or flag, together with file problems', () => {
  const { env } = home('defaults:\n  retries: -1\n');
  const err = usageErrorOf(() => loadConfig({ env: { ...env, PHOTOFERRY_CONCURRENCY: 'lots' }, flags: { logLevel: 'chatty' } }));
  assert.equal(err.problems.length, 3);
  assert.match(err.problems[0] ?? '', /^defaults\.retries: /);
  assert.match(err.problems[1] ?? '', /^PHOTOFERRY_CONCURRENCY: expected a whole number/);
  assert.match(err.problems[2] ?? '', /^--log-level: /);
});

test('YAML syntax errors are reported as problems, not thrown raw', () => {
  const { env } = home('defaults: [unclosed\n');
  const err = usageErrorOf(() => loadConfig({ env }));
  assert.ok(err.problems.length >= 1);
  assert.match(err.problems[0] ?? '', /YAML syntax/);
});

test('remotes keep their connector options untouched for the connector schema to check', () => {
  const { env } = home('remotes:\n  nas:\n    type: sftp\n    host: nas.local\n    port: 2222\n');
  assert.deepEqual(loadConfig({ env }).remotes, { nas: { type: 'sftp', host: 'nas.local', port: 2222 } });
});
