/** @module The iCloud Photos source definition: kind, options schema (CLI flags, forms, docs) and factory. */
import { z } from 'zod';
import { defineSource } from '../define.ts';

export const icloudOptions = z.object({
  appleId: z.string().min(3).describe('Apple ID (email or phone) of the iCloud account to copy from'),
  authUrl: z.string().url().default('https://idmsa.apple.com/appleauth/auth').describe('Apple ID sign-in service (idmsa); the simulator prints its own'),
  setupUrl: z.string().url().default('https://setup.icloud.com/setup/ws/1').describe('iCloud setup service; the simulator prints its own'),
  libraries: z.array(z.enum(['personal', 'shared'])).min(1).default(['personal', 'shared'])
    .describe('Which libraries to copy: the personal library (PrimarySync) and/or the iCloud Shared Photo Library'),
  concurrency: z.number().int().min(1).max(16).default(6).describe('Most CloudKit requests in flight; lowered automatically when Apple throttles'),
  minRequestIntervalMs: z.number().int().min(0).max(5000).default(20).describe('Least time between two CloudKit requests when Apple is calm'),
  requestsPerSecond: z.number().positive().max(1000).default(50)
    .describe('Most requests per second to Apple for this Apple ID, for all workers together on a shared (PostgreSQL) catalog; keep it under what Apple tolerates'),
  stallTimeoutSec: z.number().positive().max(3600).default(60).describe('A download with no data for this long is abandoned and retried'),
  pcsPollSec: z.number().positive().max(600).default(10).describe('Advanced Data Protection: seconds between checks for your approval on a trusted device'),
  pcsWaitSec: z.number().positive().max(3600).default(300).describe('Advanced Data Protection: how long to wait for that approval before giving up'),
});

/** The ADP approval timing of an account's options, for signIn. */
export const pcsTiming = (o: IcloudOptions) => ({ pollIntervalMs: o.pcsPollSec * 1000, maxWaitMs: o.pcsWaitSec * 1000 });
export type IcloudOptions = z.output<typeof icloudOptions>;

export const icloudSource = defineSource({
  kind: 'icloud',
  title: 'iCloud Photos',
  options: icloudOptions,
  parseTarget: (target) => ({ appleId: target }),
  idOf: (o) => `icloud:${o.appleId.toLowerCase()}`,
  create: async (o, ctx) => {
    const [{ signIn }, { IcloudSource }, { oneSignInAtATime }] = await Promise.all([import('./auth/index.ts'), import('./icloud-source.ts'), import('./pacer.ts')]);
    // Apple throttles per account: with workers on a shared catalog, one bucket and one sign-in for all of them.
    const shared = ctx.accountPacing?.(o.appleId.toLowerCase(), o.requestsPerSecond);
    return new IcloudSource({
    appleId: o.appleId,
    signIn: (signal) => oneSignInAtATime(shared, () => signIn({ appleId: o.appleId, authUrl: o.authUrl, setupUrl: o.setupUrl, pcs: pcsTiming(o) }, ctx, signal), signal),
    state: ctx.state, log: ctx.log, libraries: o.libraries,
    pacing: { maxConcurrency: o.concurrency, minIntervalMs: o.minRequestIntervalMs, ...(shared ? { shared } : {}) },
    downloads: { stallMs: o.stallTimeoutSec * 1000 },
    });
  },
});
