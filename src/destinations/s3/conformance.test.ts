/** @module The S3 store runs the shared FileStore suite against s3rver on 127.0.0.1. */
import { describeFileStore } from '../../../test/conformance/file-store.suite.ts';
import { startS3rver, type S3rverServer } from '../../../test/servers/s3rver.ts';
import { memoryState, silentLogger } from '../../connectors/context.ts';
import type { FileStore } from '../file-store.ts';
import { s3Destination } from './index.ts';

let server: S3rverServer | undefined;
describeFileStore('s3 (s3rver)', {
  async create() {
    server = await startS3rver();
    const options = s3Destination.options.parse({
      ...s3Destination.parseTarget('photos/backup'), provider: 'custom', endpoint: server.endpoint,
      accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey, partSizeMiB: 5, multipartThresholdMiB: 8,
    });
    return s3Destination.create(options, { log: silentLogger, state: memoryState() }) as FileStore;
  },
  teardown: async () => { await server?.stop(); },
});
