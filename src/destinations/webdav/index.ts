/** @module WebDAV destination (Apache, nginx, NAS boxes, Nextcloud/ownCloud): `webdav:https://host/remote.php/dav/files/me/Photos`. */
import { z } from 'zod';
import { defineDestination } from '../define.ts';

const MiB = 1024 * 1024;

/** Nextcloud's chunk endpoint for a files URL: …/remote.php/dav/files/<user>/… → …/remote.php/dav/uploads/<user>/ */
export function nextcloudUploadsUrl(url: string, username: string): string | undefined {
  const u = new URL(url);
  const files = /^(.*\/remote\.php\/dav)\/files\/([^/]+)/.exec(u.pathname);
  if (files) return new URL(`${files[1]}/uploads/${files[2]}/`, u).toString();
  const legacy = /^(.*\/remote\.php)\/webdav(\/|$)/.exec(u.pathname);
  return legacy ? new URL(`${legacy[1]}/dav/uploads/${encodeURIComponent(username)}/`, u).toString() : undefined;
}

export const webdavOptions = z.object({
  url: z.url({ protocol: /^https?$/ }).describe('URL of the WebDAV folder that receives the library'),
  username: z.string().min(1).describe('Login name'),
  password: z.string().meta({ secret: true }).describe('Password (on Nextcloud: an app password)'),
  nextcloud: z.boolean().default(false).describe('The server is Nextcloud or ownCloud: chunked, resumable uploads and OC-Checksum'),
  chunkThresholdMiB: z.int().min(5).default(64).describe('Nextcloud: files at least this large go up in chunks'),
  chunkSizeMiB: z.int().min(5).max(5120).default(16).describe('Nextcloud: chunk size in MiB (held in memory while sent)'),
  chunkRetries: z.int().min(0).max(20).default(4).describe('Nextcloud: retries of one chunk after a dropped connection'),
  uploadsUrl: z.url().optional().describe('Nextcloud: chunk upload URL (derived from url when it is …/remote.php/dav/files/<user>/…)'),
  // mod_dav removes an existing target and then rename(2)s: a reader may briefly find nothing, never a partial file.
  atomicMove: z.boolean().default(true).describe("The server's MOVE is a rename, so a reader never sees a partial file (Apache mod_dav_fs, Nextcloud, rclone); false if it copies"),
  depthInfinity: z.boolean().default(false).describe('List with one PROPFIND Depth: infinity (faster; Apache refuses it unless DavDepthInfinity On)'),
  connections: z.int().min(1).max(64).default(8).describe('HTTP connections kept open to the server'),
}).superRefine((o, ctx) => {
  if (o.nextcloud && o.uploadsUrl === undefined && nextcloudUploadsUrl(o.url, o.username) === undefined) {
    ctx.addIssue({ code: 'custom', message: 'set uploadsUrl: it cannot be derived from this url (expected …/remote.php/dav/files/<user>/…)', path: ['uploadsUrl'] });
  }
});
export type WebdavOptions = z.output<typeof webdavOptions>;

export const webdavDestination = defineDestination({
  kind: 'webdav',
  title: 'WebDAV server (Nextcloud, ownCloud, Apache, NAS)',
  options: webdavOptions,
  parseTarget: (target) => ({ url: target }),
  idOf: (o) => `webdav:${o.url.replace(/\/+$/, '')}`,
  create: async (o, ctx) => (await import('./webdav-store.ts')).createWebdavStore({
    url: o.url, username: o.username, password: o.password, connections: o.connections,
    atomicMove: o.atomicMove, depthInfinity: o.depthInfinity,
    ...(o.nextcloud ? {
      nextcloud: {
        chunkThreshold: o.chunkThresholdMiB * MiB, chunkSize: o.chunkSizeMiB * MiB, chunkRetries: o.chunkRetries,
        uploadsUrl: (o.uploadsUrl ?? nextcloudUploadsUrl(o.url, o.username) ?? '').replace(/\/?$/, '/'),
      },
    } : {}),
  }, ctx),
});
