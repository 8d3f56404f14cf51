/** @module Notifications on run finished/failed and iCloud session expiring/expired: a JSON webhook (config.yaml `notifications:`). */
import type { z } from 'zod';
import type { NOTIFICATION_EVENTS, notificationsSchema } from '../config/app-config.ts';
import type { RunSummary } from '../core/outcome.ts';
import type { Logger } from '../connectors/context.ts';

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

export function createNotifier(config: NotificationsConfig | undefined, deps: NotifierDeps): Notifier {
  const hook = config?.webhook;
  if (hook === undefined) return noNotifier;
  const fetchImpl = deps.fetch ?? globalThis.fetch;
  return {
    async send(n) {
      if (hook.events !== undefined && !hook.events.includes(n.event)) return;
      const body = JSON.stringify({ ...n, at: new Date().toISOString() });
      try {
        const response = await fetchImpl(hook.url, {
          method: 'POST', body, signal: AbortSignal.timeout(deps.timeoutMs ?? 10_000),
          headers: { 'content-type': 'application/json', 'user-agent': 'photoferry', ...hook.headers },
        });
        await response.body?.cancel();
        if (!response.ok) deps.log.warn({ url: safeUrl(hook.url), status: response.status, event: n.event }, 'webhook refused the notification');
      } catch (err) {
        deps.log.warn({ url: safeUrl(hook.url), event: n.event, err: err instanceof Error ? err.message : String(err) }, 'webhook failed');
      }
    },
  };
}
