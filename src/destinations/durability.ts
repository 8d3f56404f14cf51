/** @module When a file store forces written bytes onto disk: the one choice local disk and SFTP both offer. */
import { z } from 'zod';

/** `file`: before each file gets its name; `run`: in batches, before the run ends; `none`: left to the OS or server. */
export const durabilityOption = z.enum(['file', 'run', 'none']).default('run');
export type Durability = z.output<typeof durabilityOption>;
