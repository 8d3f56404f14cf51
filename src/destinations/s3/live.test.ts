/** @module The FileStore suite against a real S3 account when TEST_S3_* is set (see .env.example); skipped otherwise. */
import { describe } from 'node:test';
import { describeFileStore } from '../../../test/conformance/file-store.suite.ts';
import { memoryState, silentLogger } from '../../connectors/context.ts';
import type { FileStore } from '../file-store.ts';
import { s3Destination } from './index.ts';

const env = process.env;
const reason = env.TEST_S3_BUCKET ? false : 'set TEST_S3_BUCKET (and TEST_S3_PROVIDER, TEST_S3_ENDPOINT, TEST_S3_REGION, keys) to run against a real bucket';

describe('s3 live account', { skip: reason }, () => {
  describeFileStore(`s3 live (${env.TEST_S3_PROVIDER ?? 'aws'})`, {
    async create() {
      const options = s3Destination.options.parse(Object.fromEntries(Object.entries({
        bucket: env.TEST_S3_BUCKET, prefix: env.TEST_S3_PREFIX ?? 'photoferry-test', provider: env.TEST_S3_PROVIDER,
        endpoint: env.TEST_S3_ENDPOINT, region: env.TEST_S3_REGION,
        accessKeyId: env.TEST_S3_ACCESS_KEY_ID, secretAccessKey: env.TEST_S3_SECRET_ACCESS_KEY,
      }).filter(([, v]) => v !== undefined && v !== '')));
      return s3Destination.create(options, { log: silentLogger, state: memoryState() }) as FileStore;
    },
    largeFileBytes: 32 * 1024 * 1024,
  });
});
