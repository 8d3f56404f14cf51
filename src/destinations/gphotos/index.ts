/**
 * @module Google Photos destination (a viewing mirror with albums, never a verified backup): `remote add NAME gphotos
 * clientId=… clientSecret=… refreshToken=…`, with the user's own OAuth client so the daily quota is theirs.
 */
import { z } from 'zod';
import { defineDestination } from '../define.ts';

export const gphotosOptions = z.object({
  clientId: z.string().min(1).describe('OAuth client id of your own Google Cloud project (Desktop app)'),
  clientSecret: z.string().min(1).meta({ secret: true }).describe('OAuth client secret of that client'),
  refreshToken: z.string().min(1).meta({ secret: true }).describe('Refresh token for the photoslibrary.appendonly and edit.appcreateddata scopes'),
  testingMode: z.boolean().default(false).describe('The OAuth app is in "Testing" publishing status (refresh tokens expire after 7 days)'),
  dailyQuota: z.int().min(1).default(10_000).describe('Library API requests your project may make per day'),
  apiUrl: z.url().default('https://photoslibrary.googleapis.com').describe('Photos Library API base URL'),
  tokenUrl: z.url().default('https://oauth2.googleapis.com/token').describe('OAuth token endpoint'),
});

export const gphotosDestination = defineDestination({
  kind: 'gphotos',
  title: 'Google Photos (album mirror; copies cannot be verified)',
  options: gphotosOptions,
  parseTarget: () => ({}),
  idOf: (o) => `gphotos:${o.clientId}`,
  create: async (o, ctx) => (await import('./gphotos-destination.ts')).createGphotosDestination({ ...o, id: `gphotos:${o.clientId}` }, ctx),
});
