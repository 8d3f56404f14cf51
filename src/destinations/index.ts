/** @module The explicit list of destination connectors (a meta-test checks every folder is here). */
import type { DestinationDefinition } from './define.ts';
import { gphotosDestination } from './gphotos/index.ts';
import { immichDestination } from './immich/index.ts';
import { localDestination } from './local/index.ts';
import { rcloneDestination } from './rclone/index.ts';
import { s3Destination } from './s3/index.ts';
import { sftpDestination } from './sftp/index.ts';
import { webdavDestination } from './webdav/index.ts';

export const destinationDefinitions: readonly DestinationDefinition[] = [
  localDestination,
  s3Destination,
  rcloneDestination,
  webdavDestination,
  sftpDestination,
  immichDestination,
  gphotosDestination,
];
