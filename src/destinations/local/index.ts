/** @module Local disk (or mounted NAS) destination: `local:/path/to/backup`. */
import { resolve } from 'node:path';
import { z } from 'zod';
import { defineDestination } from '../define.ts';
import { createLocalStore } from './local-store.ts';

export const localOptions = z.object({
  path: z.string().min(1).describe('Folder that receives the library (created if missing)'),
  fsync: z.boolean().default(true).describe('Flush every file to disk before it counts as done'),
});

export const localDestination = defineDestination({
  kind: 'local',
  title: 'Local disk or mounted NAS',
  options: localOptions,
  parseTarget: (target) => ({ path: target }),
  idOf: (o) => `local:${resolve(o.path)}`,
  create: (o) => createLocalStore({ root: resolve(o.path), fsync: o.fsync }),
});
