/** @module Immich destination (self-hosted photo library): `immich:https://photos.example.com` or `remote add NAME immich url=… apiKey=…`. */
import { z } from 'zod';
import { defineDestination } from '../define.ts';

const MB = 1000 * 1000;

export const immichOptions = z.object({
  url: z.url({ protocol: /^https?$/ }).describe('Address of the Immich server (as in the browser, without /api)'),
  apiKey: z.string().min(1).meta({ secret: true }).describe('API key (Immich: Account Settings → API Keys) with asset, album and albumAsset permissions'),
  connections: z.int().min(1).max(32).default(4).describe('HTTP connections to the server (uploads in parallel)'),
  probeMB: z.int().min(1).max(10_000).default(110).describe('Size of the test upload `remote test` sends to find a proxy body limit (MB)'),
  pauseJobs: z.boolean().default(false).describe('Pause Immich\'s background jobs (thumbnails, metadata, video, faces, smart search) while a run uploads; needs an admin\'s API key; resumed at the end, also after errors and Ctrl-C (after a kill -9, by the next run)'),
});
export type ImmichConfig = z.output<typeof immichOptions>;

export const immichDestination = defineDestination({
  kind: 'immich',
  title: 'Immich (self-hosted photo library, with albums and Live Photos)',
  options: immichOptions,
  parseTarget: (target) => (target ? { url: target } : {}),
  idOf: (o) => `immich:${o.url.replace(/\/+$/, '').replace(/\/api$/, '')}`,
  create: async (o, ctx) => (await import('./immich-destination.ts')).createImmichDestination({
    id: `immich:${o.url.replace(/\/+$/, '').replace(/\/api$/, '')}`, url: o.url, apiKey: o.apiKey,
    connections: o.connections, probeBytes: o.probeMB * MB, pauseJobs: o.pauseJobs,
  }, ctx),
});
