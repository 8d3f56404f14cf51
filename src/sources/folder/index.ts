/** @module Folder source definition: `folder:/path/to/export` reads an exported photo folder. */
import { resolve } from 'node:path';
import { z } from 'zod';
import { defineSource } from '../define.ts';

export const folderOptions = z.object({
  path: z.string().min(1).describe('Folder holding the exported photos (iCloud.com download, osxphotos, Photos export)'),
  foldersAsAlbums: z.boolean().default(false)
    .describe('Treat each sub-folder as an album named by its path (off for date-named folders such as 2021/07)'),
  pageSize: z.number().int().min(1).max(10_000).default(500).describe('Assets per listing page'),
  concurrency: z.number().int().min(1).max(64).default(16).describe('Files whose metadata is read at once'),
});

export const folderSource = defineSource({
  kind: 'folder',
  title: 'Folder of exported photos',
  options: folderOptions,
  parseTarget: (target) => ({ path: target }),
  idOf: (o) => `folder:${resolve(o.path)}`,
  // exiftool/exifr load only when a folder is actually read.
  create: async (o, ctx) => new (await import('./folder-source.ts')).FolderSource({ ...o, path: resolve(o.path) }, ctx.log),
});

