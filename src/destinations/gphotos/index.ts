/**
 * @module Google Photos destination (a viewing mirror with albums, never a verified backup): `remote add NAME gphotos
 * clientId=… clientSecret=…`, then `photoferry auth gphotos NAME` (browser sign-in; the refresh token goes to the vault).
 * The user's own OAuth client, so the daily quota is theirs.
 */
import { z } from 'zod';
import { TransferError } from '../../core/transfer-error.ts';
import { defineDestination } from '../define.ts';

export const gphotosOptions = z.object({
  clientId: z.string().min(1).describe('OAuth client id of your own Google Cloud project (Desktop app)'),
  clientSecret: z.string().min(1).meta({ secret: true }).describe('OAuth client secret of that client'),
  refreshToken: z.string().min(1).meta({ secret: true }).optional()
    .describe('Refresh token for the photoslibrary scopes; "photoferry auth gphotos NAME" obtains and stores it (Google\'s device flow does not allow these scopes)'),
  testingMode: z.boolean().default(false).describe('The OAuth app is in "Testing" publishing status (refresh tokens expire after 7 days)'),
  dailyQuota: z.int().min(1).default(10_000).describe('Library API requests your project may make per day'),
  apiUrl: z.url().default('https://photoslibrary.googleapis.com').describe('Photos Library API base URL'),
  tokenUrl: z.url().default('https://oauth2.googleapis.com/token').describe('OAuth token endpoint'),
  authUrl: z.url().default('https://accounts.google.com/o/oauth2/v2/auth').describe('OAuth authorization endpoint (the address the sign-in opens)'),
});

export const gphotosDestination = defineDestination({
  kind: 'gphotos',
  title: 'Google Photos (album mirror; copies cannot be verified)',
  options: gphotosOptions,
  parseTarget: () => ({}),
  idOf: (o) => `gphotos:${o.clientId}`,
  create: async ({ refreshToken, ...o }, ctx) => {
    if (refreshToken === undefined) {
      throw new TransferError('auth-required', 'this Google Photos remote has no sign-in yet: run "photoferry auth gphotos NAME" (NAME: the remote) and allow access in the browser', { connector: 'gphotos' });
    }
    return (await import('./gphotos-destination.ts')).createGphotosDestination({ ...o, refreshToken, id: `gphotos:${o.clientId}` }, ctx);
  },
});
