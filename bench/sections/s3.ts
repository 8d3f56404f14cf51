/** @module photoferry copy folder: → s3: vs `rclone copy` to the same s3rver (fresh per run), mixed ≥ 2 GB library and 10k small files. */
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { startS3rver } from '../../test/servers/s3rver.ts';
import { versusRcloneSection, type Peer } from '../lib/versus-rclone.ts';
import type { Section } from '../lib/types.ts';

const BUCKET = 'bench-bucket';

export const s3rver: Peer = {
  section: 's3', server: 's3rver',
  async start() {
    const server = await startS3rver({ buckets: [BUCKET] });
    // Both tools talk to s3rver directly: the store-and-forward front is for fault tests and would time the proxy.
    const endpoint = server.rawEndpoint;
    const client = new S3Client({
      endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    });
    return {
      photoferry: {
        addArgs: ['s3', 'provider=custom', `endpoint=${endpoint}`, `bucket=${BUCKET}`, 'accessKeyId=S3RVER', 'secretAccessKey=S3RVER'],
        target: `bench:${BUCKET}/photoferry`,
      },
      rclone: {
        target: `pfbench:${BUCKET}/rclone`,
        env: {
          RCLONE_CONFIG_PFBENCH_TYPE: 's3', RCLONE_CONFIG_PFBENCH_PROVIDER: 'Other', RCLONE_CONFIG_PFBENCH_ENDPOINT: endpoint,
          RCLONE_CONFIG_PFBENCH_ACCESS_KEY_ID: 'S3RVER', RCLONE_CONFIG_PFBENCH_SECRET_ACCESS_KEY: 'S3RVER',
          RCLONE_CONFIG_PFBENCH_FORCE_PATH_STYLE: 'true', RCLONE_CONFIG_PFBENCH_REGION: 'us-east-1',
        },
      },
      async stored(tool) {
        let files = 0, bytes = 0;
        let token: string | undefined;
        do {
          const page = await client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: `${tool}/`, ...(token ? { ContinuationToken: token } : {}) }));
          for (const o of page.Contents ?? []) { files += 1; bytes += o.Size ?? 0; }
          token = page.IsTruncated ? page.NextContinuationToken : undefined;
        } while (token);
        return { files, bytes };
      },
      dataDir: server.dir,
      async stop() { client.destroy(); await server.stop(); },
    };
  },
};

export const s3: Section = versusRcloneSection('s3', 'photoferry copy → s3: vs rclone copy to the same s3rver (throughput ratio, peak RSS)', s3rver);
