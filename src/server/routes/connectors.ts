/** @module `GET /api/connectors`: each source and destination with its options as JSON Schema, secret fields flagged. */
import type { FastifyInstance } from 'fastify';
import { connectorCatalog } from '../../app/connectors.ts';
import type { ServerServices } from '../services.ts';
import { SESSION } from '../access.ts';

export function register(app: FastifyInstance, s: ServerServices): void {
  app.get('/api/connectors', SESSION, async () => connectorCatalog(s.ctx));
}
