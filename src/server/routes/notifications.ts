/** @module Notification settings (webhook, SMTP email, which events) and "send test" per channel. */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { loadNotificationSettings, notificationSettingsSchema, saveNotificationSettings } from '../../app/notify-settings.ts';
import { describeError } from '../../app/task-runner.ts';
import { parse, type ServerServices } from '../services.ts';
import { CSRF, SESSION } from '../access.ts';

const testBody = z.strictObject({ channel: z.enum(['webhook', 'email']) });

export function register(app: FastifyInstance, s: ServerServices): void {
  app.get('/api/notifications', SESSION, async () => loadNotificationSettings(s.ctx, s.repo, false));
  app.put('/api/notifications', CSRF, async (request) => saveNotificationSettings(s.ctx, s.repo, parse(notificationSettingsSchema, request.body)));
  // A failure is an answer (what the mail server said), not an HTTP error: the page shows it beside the button.
  app.post('/api/notifications/test', CSRF, async (request) => {
    const { channel } = parse(testBody, request.body);
    try { await s.notifier.test(channel); return { ok: true }; } catch (err) { return { ok: false, message: describeError(err).message }; }
  });
}
