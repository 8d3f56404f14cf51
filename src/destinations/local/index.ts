/** @module Local disk (or mounted NAS) destination: `local:/path/to/backup`. */
import { resolve } from 'node:path';
import { z } from 'zod';
import { durabilityOption } from '../durability.ts';
import { defineDestination } from '../define.ts';
import { createLocalStore } from './local-store.ts';

export const localOptions = z.object({
  path: z.string().min(1).describe('Folder that receives the library (created if missing)'),
  durability: durabilityOption
    .describe('When bytes are forced to disk: fsync every file (slowest), flush once at the end of each run, or leave it to the OS'),
});

export const localDestination = defineDestination({
  kind: 'local',
  title: 'Local disk or mounted NAS',
  options: localOptions,
  parseTarget: (target) => ({ path: target }),
  idOf: (o) => `local:${resolve(o.path)}`,
  create: (o) => createLocalStore({ root: resolve(o.path), durability: o.durability }),
});
