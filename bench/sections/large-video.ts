/**
 * @module One 4 GiB video (sparse file), photoferry copy folder: → local, S3 (s3rver), SFTP (sshd) and WebDAV
 * (Apache mod_dav): wall time and peak RSS per destination (issue 12, target 4: ≤ 200 MB). Reading a sparse file
 * costs page-cache copies only, so the memory figure is photoferry's. `PF_BENCH_LARGE_TO=s3,sftp` picks destinations.
 */
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import { HeadObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { flush, measure } from '../lib/measure.ts';
import type { BenchContext, Row, Section } from '../lib/types.ts';
import { startS3rver } from '../../test/servers/s3rver.ts';
import { startSshd } from '../../test/servers/sshd.ts';
import { startApacheWebdav } from '../../test/servers/apache-webdav.ts';
import { GIB, sparseVideo } from './immich-large.ts';

const SECTION = 'large-video';
const NAME = 'IMG_0001.MOV';

/** A destination for one run: the `remote add` arguments (none for local), the copy target, and the size it stored. */
interface Target {
  readonly add?: readonly string[];
  readonly target: string;
  storedBytes(): Promise<number>;
  stop(): Promise<void>;
}

const TARGETS: Record<string, (scratch: string) => Promise<Target>> = {
  local: async (scratch) => {
    const out = join(scratch, 'out');
    return { target: `local:${out}`, storedBytes: () => storedUnder(out), stop: async () => {} };
  },
  s3: async () => {
    const server = await startS3rver({ buckets: ['bench-bucket'] });
    const endpoint = server.rawEndpoint;
    const client = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
    return {
      add: ['s3', 'provider=custom', `endpoint=${endpoint}`, 'bucket=bench-bucket', 'accessKeyId=S3RVER', 'secretAccessKey=S3RVER'],
      target: 'bench:bench-bucket/photoferry',
      storedBytes: async () => {
        const page = await client.send(new ListObjectsV2Command({ Bucket: 'bench-bucket', Prefix: 'photoferry/' }));
        const key = page.Contents?.find((o) => o.Key?.endsWith(NAME))?.Key;
        return key ? (await client.send(new HeadObjectCommand({ Bucket: 'bench-bucket', Key: key }))).ContentLength ?? -1 : -1;
      },
      stop: async () => { client.destroy(); await server.stop(); },
    };
  },
  sftp: async () => {
    const server = await startSshd();
    const root = join(server.root, 'photoferry');
    return {
      add: ['sftp', `host=${server.host}`, `port=${server.port}`, `username=${server.username}`,
        `privateKeyPath=${server.privateKeyPath}`, `hostKey=${server.hostKeyFingerprint}`, `root=${root}`],
      target: 'bench:', storedBytes: () => storedUnder(root), stop: () => server.stop(),
    };
  },
  webdav: async () => {
    const server = await startApacheWebdav();
    return {
      add: ['webdav', `url=${server.url}`, `username=${server.username}`, `password=${server.password}`],
      target: 'bench:', storedBytes: () => storedUnder(server.dataDir), stop: () => server.stop(),
    };
  },
};

/** Size of the one video stored somewhere under `dir` (whatever folder layout put it there). */
async function storedUnder(dir: string): Promise<number> {
  const hit = (await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => [])).find((e) => e.isFile() && e.name === NAME);
  return hit ? (await stat(join(hit.parentPath, hit.name))).size : -1;
}

async function run(ctx: BenchContext): Promise<Row[]> {
  const bytes = Number(process.env['PF_BENCH_VIDEO_GIB'] ?? 4) * GIB;
  const names = (process.env['PF_BENCH_LARGE_TO'] ?? 'local,s3,sftp,webdav').split(',').map((s) => s.trim());
  const scratch = join(ctx.work, 'scratch', SECTION);
  const library = join(ctx.work, 'scratch', `${SECTION}-library`);
  await rm(library, { recursive: true, force: true });
  await mkdir(library, { recursive: true });
  await sparseVideo(join(library, NAME), bytes);
  const rows: Row[] = [];
  try {
    for (const name of names) {
      const start = TARGETS[name];
      if (!start) throw new Error(`unknown destination ${name}; known: ${Object.keys(TARGETS).join(', ')}`);
      const runs: { seconds: number; peak: number; load: number }[] = [];
      for (let attempt = 1; attempt <= ctx.runs; attempt++) {
        await rm(scratch, { recursive: true, force: true });
        await mkdir(scratch, { recursive: true });
        const dest = await start(scratch);
        try {
          const env = { ...process.env, PHOTOFERRY_HOME: join(scratch, 'home'), PHOTOFERRY_PASSPHRASE: 'bench' };
          const bin = join(ctx.repo, 'bin/photoferry.js');
          const pf = ['--catalog', join(scratch, 'catalog.db')];
          if (dest.add) {
            const added = await measure(bin, [...pf, 'remote', 'add', 'bench', ...dest.add], env);
            if (added.code !== 0) throw new Error(`remote add failed: ${added.stderr}`);
          }
          await flush();
          const load = loadavg()[0]!;
          const m = await measure(bin, [...pf, '--quiet', 'copy', `folder:${library}`, dest.target], env);
          if (m.code !== 0) throw new Error(`photoferry copy → ${name} failed (exit ${m.code}):\n${m.stderr.slice(-2000)}`);
          const stored = await dest.storedBytes();
          if (stored !== bytes) throw new Error(`${name} holds ${stored} bytes of the video; expected ${bytes}`);
          runs.push({ seconds: m.seconds, peak: m.peakMainRssMb, load });
          ctx.log(`  → ${name} run ${attempt}/${ctx.runs}: ${m.seconds.toFixed(1)} s, peak RSS ${m.peakMainRssMb.toFixed(0)} MB, load ${load.toFixed(1)}`);
        } finally {
          await dest.stop();
          await rm(scratch, { recursive: true, force: true });
        }
      }
      const mid = [...runs].sort((a, b) => a.seconds - b.seconds)[Math.floor(runs.length / 2)]!;
      rows.push({
        section: SECTION, what: `copy one ${bytes / GIB} GiB video → ${name}`, tool: 'photoferry', seconds: mid.seconds,
        mbPerSec: bytes / 1e6 / mid.seconds, peakRssMb: Math.max(...runs.map((r) => r.peak)),
        note: `median of ${runs.length}, load ${mid.load.toFixed(1)}; peak RSS is the highest VmHWM of the runs; target ≤ 200 MB`,
      });
    }
  } finally {
    await rm(library, { recursive: true, force: true });
  }
  return rows;
}

export const largeVideo: Section = {
  name: SECTION,
  description: 'one 4 GiB video (sparse file) copied folder: → local, s3 (s3rver), sftp (sshd), webdav (Apache); peak RSS (target ≤ 200 MB)',
  run,
};
