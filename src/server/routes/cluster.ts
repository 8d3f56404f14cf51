/** @module `/api/cluster`: workers and the job queue when the catalog is PostgreSQL (empty lists on SQLite). */
import type { FastifyInstance } from 'fastify';
import type { ServerServices } from '../services.ts';
import { SESSION } from '../access.ts';

export function register(app: FastifyInstance, s: ServerServices): void {
  app.get('/api/cluster', SESSION, async () => s.cluster.status());
}
