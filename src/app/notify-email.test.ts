/** @module Email notifications against a real SMTP server on loopback (aiosmtpd): settings saved with the password in the vault, "send test", a run's failure. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openContext, type AppContext } from './context.ts';
import { openVault } from './secrets.ts';
import { taskRepository, type TaskRepository } from './tasks.ts';
import { createNotifier } from './notify.ts';
import { loadNotificationSettings, saveNotificationSettings } from './notify-settings.ts';
import { createTaskRunner } from './task-runner.ts';
import type { copyLibrary } from './copy.ts';
import { TransferError } from '../core/transfer-error.ts';
import { silentLogger } from '../connectors/context.ts';
import { smtpAvailable, startSmtp, type SmtpServer } from '../../test/servers/smtp.ts';

const missing = smtpAvailable();
let home = '';
let ctx: AppContext;
let repo: TaskRepository;
let smtp: SmtpServer;

before(async () => {
  if (missing) return;
  process.env['PHOTOFERRY_PASSPHRASE'] ??= 'email test vault';
  home = mkdtempSync(join(tmpdir(), 'pf-email-'));
  ctx = await openContext({ env: { PHOTOFERRY_HOME: home }, openSecrets: (config) => openVault(config, false) });
  repo = taskRepository(ctx.catalog);
  smtp = await startSmtp();
});
after(async () => {
  await smtp?.stop();
  await ctx?.close();
  if (home) rmSync(home, { recursive: true, force: true });
});

test('settings keep the SMTP password in the vault; send test and a failed run each arrive as mail', { skip: missing }, async () => {
  const saved = await saveNotificationSettings(ctx, repo, {
    webhook: null, expiringDays: 7,
    email: { host: smtp.host, port: smtp.port, secure: false, password: 'smtp-secret', from: 'photoferry@example.com', to: 'owner@example.com' },
  });
  assert.equal(saved.email?.password, '***');
  assert.ok(!(await repo.setting('notifications'))!.includes('smtp-secret'), 'the password is not in the catalog');
  assert.equal((await loadNotificationSettings(ctx, repo, true)).email?.password, 'smtp-secret');
  // Saving again with the placeholder keeps the password.
  await saveNotificationSettings(ctx, repo, { ...saved });
  assert.equal((await loadNotificationSettings(ctx, repo, true)).email?.password, 'smtp-secret');

  const notifier = createNotifier(undefined, { log: silentLogger, settings: () => loadNotificationSettings(ctx, repo, true) });
  await notifier.test('email');
  assert.match(await smtp.waitFor(/test message from photoferry/), /^To: owner@example\.com/m);

  const copy = (async () => { throw new TransferError('auth-required', 'Sign in again. Run `photoferry auth icloud me` to do it.', { connector: 'icloud' }); }) as typeof copyLibrary;
  const runner = createTaskRunner({ ctx, tasks: repo, notifier, copy });
  const task = await repo.create({ name: 'Family album', source: 'icloud-me', destination: 'nas', schedule: { type: 'once' } });
  await (await runner.start(task.id, 'schedule')).done;
  const mail = await smtp.waitFor(/Family album/);
  assert.match(mail, /^Subject: photoferry: Family album .* needs sign-in/m);
  assert.match(mail, /sign in again on the Connections page/);
  assert.doesNotMatch(mail, /photoferry auth/, 'no CLI advice in a message for browser users');
});

test('a mail server that is down makes "send test" fail with its reason', { skip: missing }, async () => {
  await saveNotificationSettings(ctx, repo, { webhook: null, expiringDays: 7, email: { host: '127.0.0.1', port: 9, secure: false, from: 'a@example.com', to: 'b@example.com' } });
  const notifier = createNotifier(undefined, { log: silentLogger, timeoutMs: 3000, settings: () => loadNotificationSettings(ctx, repo, true) });
  await assert.rejects(notifier.test('email'), /ECONNREFUSED|connect/i);
});
