/** @module Contract between the simulator's HTTP shell and its route groups (auth/ and cloudkit/). */
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface SimRequest {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly url: URL;
  /** Parsed JSON body (or the raw text when not JSON; `null` text stays the string "null"). */
  readonly body: unknown;
  readonly rawBody: Buffer;
}

/** A route group answers the requests it owns and returns false for the others. */
export type SimRoutes = (request: SimRequest) => Promise<boolean>;
