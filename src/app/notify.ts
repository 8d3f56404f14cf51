/** @module Notifications on run finished/failed, sign-in needed, session expiring, destination unreachable: JSON webhooks and email. */
import type { z } from 'zod';
import type { NOTIFICATION_EVENTS, notificationsSchema } from '../config/app-config.ts';
import type { RunSummary } from '../core/outcome.ts';
import type { Logger } from '../connectors/context.ts';
import { UsageError } from '../core/usage-error.ts';
import type { EmailSettings } from './notify-settings.ts';
import { sendEmail } from './notify-email.ts';

export type NotificationsConfig = z.output<typeof notificationsSchema>;
export type NotificationEventName = (typeof NOTIFICATION_EVENTS)[number];

/** The webhook body. Secrets never go in: no passwords, tokens or connector options. */
export interface Notification {
  readonly event: NotificationEventName;
  readonly task?: { readonly id: string; readonly name: string };
  readonly run?: { readonly id: string | null; readonly status: string; readonly startedAt?: string; readonly finishedAt?: string };
  readonly summary?: RunSummary;
  readonly account?: string;
  readonly daysLeft?: number;
  /** Why a run failed or what the user should do, in user terms. */
  readonly message?: string;
  readonly at: string;
}

export interface Notifier {
  /** Never throws: a broken receiver must not break a run; failures are logged without the URL's query or headers. */
  send(notification: Omit<Notification, 'at'>): Promise<void>;
}

export const noNotifier: Notifier = { send: async () => {} };

export interface NotifierDeps {
  readonly log: Logger;
  readonly fetch?: typeof globalThis.fetch;
  readonly timeoutMs?: number;
}

/** Host and path only: webhook URLs often carry a token in the query. */
const safeUrl = (url: string) => { const u = new URL(url); return `${u.origin}${u.pathname}`; };

/** Where notifications go: the config.yaml webhook, and the dashboard's settings (webhook and email) read at each send. */
export interface NotifyTargets {
  readonly webhook?: { readonly url: string; readonly headers?: Record<string, string> | undefined; readonly events?: readonly NotificationEventName[] | undefined } | null;
  readonly email?: EmailSettings | null;
}

export interface SettingsNotifier extends Notifier {
  /** Sends a test message through one channel; throws the channel's error so the user sees why it failed. */
  test(channel: 'webhook' | 'email'): Promise<void>;
}

export function createNotifier(config: NotificationsConfig | undefined, deps: NotifierDeps & { settings?: () => Promise<NotifyTargets> }): SettingsNotifier {
  const fetchImpl = deps.fetch ?? globalThis.fetch;
  const timeoutMs = deps.timeoutMs ?? 10_000;
  const postHook = async (hook: NonNullable<NotifyTargets['webhook']>, n: Notification) => {
    const response = await fetchImpl(hook.url, {
      method: 'POST', body: JSON.stringify(n), signal: AbortSignal.timeout(timeoutMs),
      headers: { 'content-type': 'application/json', 'user-agent': 'photoferry', ...hook.headers },
    });
    await response.body?.cancel();
    if (!response.ok) throw new Error(`the webhook answered HTTP ${response.status}`);
  };
  const targets = async (): Promise<NotifyTargets[]> => [
    ...(config?.webhook ? [{ webhook: config.webhook }] : []),
    ...(deps.settings ? [await deps.settings()] : []),
  ];
  const wants = (events: readonly string[] | undefined, event: string) => events === undefined || events.length === 0 || events.includes(event);
  return {
    async send(partial) {
      const n: Notification = { ...partial, at: new Date().toISOString() };
      let all: NotifyTargets[];
      try { all = await targets(); } catch (err) {
        deps.log.warn({ event: n.event, err: err instanceof Error ? err.message : String(err) }, 'notification settings unreadable');
        return;
      }
      for (const t of all) {
        if (t.webhook && wants(t.webhook.events, n.event)) {
          const url = safeUrl(t.webhook.url);
          await postHook(t.webhook, n).catch((err: unknown) => deps.log.warn({ url, event: n.event, err: err instanceof Error ? err.message : String(err) }, 'webhook failed'));
        }
        if (t.email && wants(t.email.events, n.event)) {
          const host = t.email.host;
          await sendEmail(t.email, n, timeoutMs).catch((err: unknown) => deps.log.warn({ host, event: n.event, err: err instanceof Error ? err.message : String(err) }, 'email failed'));
        }
      }
    },
    async test(channel) {
      const settings = deps.settings ? await deps.settings() : {};
      const n: Notification = { event: 'run.finished', message: 'This is a test message from photoferry: notifications reach you.', at: new Date().toISOString() };
      if (channel === 'webhook') {
        if (!settings.webhook) throw new UsageError('No webhook is saved yet: save the settings first.');
        await postHook(settings.webhook, n);
      } else {
        if (!settings.email) throw new UsageError('No email settings are saved yet: save the settings first.');
        await sendEmail(settings.email, n, timeoutMs);
      }
    },
  };
}
