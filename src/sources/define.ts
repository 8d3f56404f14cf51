/** @module defineSource: how a source connector declares its kind, options schema and factory. */
import type { z } from 'zod';
import type { Source } from './source.ts';
import type { ConnectorContext } from '../connectors/context.ts';

/** Interactive needs of a source (the 2FA code prompt); the CLI reads a TTY, the server asks the dashboard. */
export interface SourceInteraction {
  /** Asks the user for a one-time code; `hint` says where Apple sent it. */
  promptCode(hint: string): Promise<string>;
  /** Something the user must do elsewhere meanwhile (approve on a trusted device), with a countdown; optional. */
  notice?(notice: SignInNotice): void;
}

export type SignInNotice =
  | { readonly kind: 'approve-on-device'; readonly message: string; readonly deadline: number; readonly secondsLeft: number }
  | { readonly kind: 'approved' | 'ended'; readonly message: string };

export interface SourceContext extends ConnectorContext {
  readonly interaction: SourceInteraction;
  /** Encrypted secret storage (passwords, session tokens). */
  readonly secrets: SecretStore;
  /** With a shared catalog: the account's pacer across every process, at most `requestsPerSecond` for all (absent: pace in this process only). */
  readonly accountPacing?: (account: string, requestsPerSecond?: number) => SharedPacing;
}

/** One account's pacing shared by every worker: tokens from one bucket, one cooldown, one sign-in at a time. */
export interface SharedPacing {
  /** Takes up to `want` request tokens; none while a cooldown runs (then `waitMs` says how long). */
  take(want: number): Promise<{ readonly granted: number; readonly waitMs: number; readonly cooldownUntil: number }>;
  /** The service throttled: nobody sends for this account before `until` (epoch ms). */
  cooldown(until: number): Promise<void>;
  /** Holds the account's sign-in lease for `ttlMs` when free; false when another process holds it. */
  lease(holder: string, ttlMs: number): Promise<boolean>;
  release(holder: string): Promise<void>;
}

export interface SecretStore {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
}

export interface SourceDefinition<O extends z.ZodType = z.ZodType> {
  readonly kind: string;
  readonly title: string;
  readonly options: O;
  /** Options implied by the text after `kind:`, e.g. `folder:/photos` or `icloud:user@example.com`. */
  parseTarget(target: string): Record<string, unknown>;
  idOf(options: z.output<O>): string;
  /** May resolve asynchronously so a connector loads its heavy dependencies only when used. */
  create(options: z.output<O>, ctx: SourceContext): Source | Promise<Source>;
}

export const defineSource = <O extends z.ZodType>(d: SourceDefinition<O>): SourceDefinition<O> => d;
