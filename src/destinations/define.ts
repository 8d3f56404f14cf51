/** @module defineDestination: how a destination connector declares its kind, options schema and factory. */
import type { z } from 'zod';
import type { Destination } from './destination.ts';
import type { FileStore } from './file-store.ts';
import { isLibraryDestination, type LibraryDestination } from './library-destination.ts';
import type { ConnectorContext } from '../connectors/context.ts';

export interface DestinationDefinition<O extends z.ZodType = z.ZodType> {
  readonly kind: string;
  readonly title: string;
  /** zod schema of the options: typed options, CLI flags, env vars, web form and docs all come from it. */
  readonly options: O;
  /** Options implied by the text after `kind:` in a target such as `local:/backup` or `s3:bucket/prefix`. */
  parseTarget(target: string): Record<string, unknown>;
  /** A stable id for the configured destination (what placements are recorded under). */
  idOf(options: z.output<O>): string;
  /** May resolve asynchronously so a connector loads its heavy client library (AWS SDK, ssh2…) only when used. */
  create(options: z.output<O>, ctx: ConnectorContext): Made | Promise<Made>;
}

/** What a destination connector makes: a path-addressed store, a full destination, or a photo library. */
export type Made = FileStore | Destination | LibraryDestination;

export const defineDestination = <O extends z.ZodType>(d: DestinationDefinition<O>): DestinationDefinition<O> => d;

export const isFileStore = (x: Made): x is FileStore => !('put' in x) && !isLibraryDestination(x);
