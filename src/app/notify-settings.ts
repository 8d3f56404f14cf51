/**
 * @module Notification settings edited in the dashboard: a webhook and SMTP email, each with its events. Kept in the
 * catalog's server settings; the SMTP password lives in the vault and is never sent back (`***` says one is saved).
 */
import { z } from 'zod';
import { NOTIFICATION_EVENTS } from '../config/app-config.ts';
import type { AppContext } from './context.ts';
import type { TaskRepository } from './tasks.ts';

const KEY = 'notifications';
const PASSWORD_KEY = 'notifications.smtp.password';
export const SAVED_SECRET = '***';

const events = z.array(z.enum(NOTIFICATION_EVENTS)).optional().describe('Only these events (default all)');

export const notificationSettingsSchema = z.strictObject({
  webhook: z.strictObject({ url: z.url({ protocol: /^https?$/ }), events }).nullable().default(null),
  email: z.strictObject({
    host: z.string().trim().min(1).max(255),
    port: z.int().min(1).max(65535).default(587),
    /** TLS from the first byte (port 465); otherwise STARTTLS when the server offers it. */
    secure: z.boolean().default(false),
    user: z.string().max(255).optional(),
    /** Omitted or `***`: keep the saved one; empty string: remove it. */
    password: z.string().max(1024).optional(),
    from: z.email(),
    to: z.email(),
    events,
  }).nullable().default(null),
  expiringDays: z.int().min(1).max(90).default(7),
});
export type NotificationSettings = z.output<typeof notificationSettingsSchema>;
export type EmailSettings = NonNullable<NotificationSettings['email']>;

const EMPTY: NotificationSettings = { webhook: null, email: null, expiringDays: 7 };

/** The settings as stored (the password, if any, comes from the vault only when `withSecret`). */
export async function loadNotificationSettings(ctx: Pick<AppContext, 'secrets'>, repo: TaskRepository, withSecret: boolean): Promise<NotificationSettings> {
  const raw = await repo.setting(KEY);
  const parsed = raw === undefined ? EMPTY : notificationSettingsSchema.parse(JSON.parse(raw));
  if (parsed.email === null || parsed.email.password !== SAVED_SECRET || !withSecret) return parsed;
  const password = await (await ctx.secrets()).get(PASSWORD_KEY);
  const { password: _omit, ...email } = parsed.email;
  return { ...parsed, email: password === undefined ? email : { ...email, password } };
}

export async function saveNotificationSettings(ctx: Pick<AppContext, 'secrets'>, repo: TaskRepository, input: NotificationSettings): Promise<NotificationSettings> {
  let email = input.email;
  if (email !== null) {
    const { password, ...rest } = email;
    const store = await ctx.secrets();
    if (password !== undefined && password !== SAVED_SECRET && password !== '') await store.set(PASSWORD_KEY, password);
    if (password === '') await store.delete(PASSWORD_KEY);
    const saved = password === '' ? undefined : await store.get(PASSWORD_KEY);
    email = saved === undefined ? rest : { ...rest, password: SAVED_SECRET };
  }
  const stored: NotificationSettings = { ...input, email };
  await repo.setSetting(KEY, JSON.stringify(stored));
  return stored;
}
