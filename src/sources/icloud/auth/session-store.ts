/** @module What survives a restart (tokens, cookies, client id), stored through the SecretStore under keys namespaced by Apple ID. */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { SecretStore } from '../../define.ts';
import type { StoredCookie } from './cookie-jar.ts';

const cookieSchema = z.object({
  name: z.string(), value: z.string(), domain: z.string(), hostOnly: z.boolean(), path: z.string(),
  secure: z.boolean(), expires: z.number().nullable(),
});

/** Field names follow the response headers of §1.3, the same set icloudpd/pyicloud keep in `<id>.session`. */
const persistedSchema = z.object({
  clientId: z.string(),
  sessionId: z.string().optional(),
  sessionToken: z.string().optional(),
  scnt: z.string().optional(),
  accountCountry: z.string().optional(),
  trustToken: z.string().optional(),
  trustEligible: z.string().optional(),
  authAttributes: z.string().optional(),
  trustTokenAt: z.number().optional(),
  cookies: z.array(cookieSchema),
});

export type PersistedSession = {
  clientId: string;
  sessionId?: string;
  sessionToken?: string;
  scnt?: string;
  accountCountry?: string;
  trustToken?: string;
  trustEligible?: string;
  authAttributes?: string;
  /** When Apple handed out the current trust token (epoch ms): its age says when a new code is due (~30 days). */
  trustTokenAt?: number;
  cookies: StoredCookie[];
};

export type SessionField = Exclude<keyof PersistedSession, 'clientId' | 'cookies' | 'trustTokenAt'>;

/** Response header → persisted field; captured from every idmsa and setup answer. */
export const SESSION_HEADERS: ReadonlyArray<readonly [string, SessionField]> = [
  ['x-apple-id-account-country', 'accountCountry'],
  ['x-apple-id-session-id', 'sessionId'],
  ['x-apple-session-token', 'sessionToken'],
  ['x-apple-twosv-trust-token', 'trustToken'],
  ['x-apple-twosv-trust-eligible', 'trustEligible'],
  ['scnt', 'scnt'],
  ['x-apple-auth-attributes', 'authAttributes'],
];

const keyOf = (appleId: string, what: string) => `icloud:${appleId.trim().toLowerCase()}:${what}`;
export const sessionKey = (appleId: string) => keyOf(appleId, 'session');
export const passwordKey = (appleId: string) => keyOf(appleId, 'password');

/** Apple wants a stable client id across runs (it is the OAuth state and CloudKit's clientId). */
export const newClientId = () => `auth-${randomUUID().toLowerCase()}`;

export class SessionStore {
  constructor(private readonly secrets: SecretStore, readonly appleId: string) {}

  async load(): Promise<PersistedSession | null> {
    const raw = await this.secrets.get(sessionKey(this.appleId));
    if (raw === undefined) return null;
    let parsed: unknown;
    try { parsed = JSON.parse(raw); } catch { return null; }
    const result = persistedSchema.safeParse(parsed);
    // A corrupt or outdated record is treated as "no session": the user signs in again instead of crashing.
    return result.success ? (result.data as PersistedSession) : null;
  }

  save(session: PersistedSession): Promise<void> {
    return this.secrets.set(sessionKey(this.appleId), JSON.stringify(session));
  }

  /** Forgets tokens and cookies but keeps the client id, and the trust token unless `forgetTrust`. */
  async clear(options: { forgetTrust?: boolean } = {}): Promise<void> {
    const current = await this.load();
    if (current === null) return;
    const kept: PersistedSession = { clientId: current.clientId, cookies: [] };
    if (!options.forgetTrust && current.trustToken !== undefined) kept.trustToken = current.trustToken;
    await this.save(kept);
  }

  password(): Promise<string | undefined> {
    return this.secrets.get(passwordKey(this.appleId));
  }

  savePassword(password: string): Promise<void> {
    return this.secrets.set(passwordKey(this.appleId), password);
  }
}
