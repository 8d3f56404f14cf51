/** @module Free-up e2e world: a simulator library copied by the real binary to a local folder and to S3 (s3rver), plus readers of what the simulator, the catalog and the destinations say. */
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import Database from 'better-sqlite3';
import { DeleteObjectCommand, GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { runCli, type CliResult } from '../cli.ts';
import { manifestFiles, signIn, startWorld, REMOTE, type IcloudWorld, type PlacedFile } from '../icloud/harness.ts';
import { startS3Backend, type Backend } from '../storage-backends.ts';

export interface FreeUpWorld extends IcloudWorld {
  readonly local: string;
  readonly s3: Backend & { endpoint: string };
  readonly files: readonly PlacedFile[];
  readonly cli: (args: string[], input?: string) => Promise<CliResult>;
}

export async function startFreeUpWorld(): Promise<FreeUpWorld> {
  // Newest photo yesterday: about a third of the ten years' worth is younger than a year.
  const world = await startWorld({ assets: 90, seed: 16, meanSize: 3000, sharedLibrary: false, newest: new Date(Date.now() - 86_400_000) }, ['minRequestIntervalMs=0']);
  const s3 = await startS3Backend('s3t');
  const local = join(world.home, 'backup');
  const cli = (args: string[], input?: string) => runCli(args, world.env, input);
  const fail = (what: string, r: CliResult) => { throw new Error(`${what}: ${r.code} ${r.stderr}`); };
  const auth = await signIn(world);
  if (auth.code !== 0) fail('auth', auth);
  const added = await cli(['remote', 'add', s3.remote, ...s3.addArgs]);
  if (added.code !== 0) fail('remote add s3', added);
  for (const dest of [`local:${local}`, s3.target]) {
    const r = await cli(['copy', `${REMOTE}:`, dest]);
    if (r.code !== 0) fail(`copy to ${dest}`, r);
  }
  return {
    ...world, local, s3, files: await manifestFiles(local), cli,
    stop: async () => { await s3.stop().catch(() => undefined); await world.stop(); },
  };
}

const s3Client = (w: FreeUpWorld) => new S3Client({
  endpoint: w.s3.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED',
});

export async function deleteS3Object(w: FreeUpWorld, rel: string): Promise<void> {
  const client = s3Client(w);
  try { await client.send(new DeleteObjectCommand({ Bucket: 'test-bucket', Key: `photos/${rel}` })); } finally { client.destroy(); }
}

export async function readS3Text(w: FreeUpWorld, rel: string): Promise<string> {
  const client = s3Client(w);
  try {
    const body = (await client.send(new GetObjectCommand({ Bucket: 'test-bucket', Key: `photos/${rel}` }))).Body as Readable;
    const chunks: Buffer[] = [];
    for await (const c of body) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  } finally { client.destroy(); }
}

/** Asset record names the simulator has in Recently Deleted now. */
export const trashedInSim = (w: FreeUpWorld): Set<string> =>
  new Set(w.sim.state.deletion.trashed().map((i) => w.sim.state.library.asset(i).assetName));

export const usageInSim = (w: FreeUpWorld): number => w.sim.state.deletion.usage().photosBytes;

export interface AuditRow { run_id: string; asset_id: string; state: string; entry: string }

/** Audit rows in the catalog (read-only, straight from the SQLite file the binary writes). */
export function auditRows(w: FreeUpWorld): AuditRow[] {
  const db = new Database(join(w.env.PHOTOFERRY_HOME!, 'catalog.db'), { readonly: true, fileMustExist: true });
  try { return db.prepare('select run_id, asset_id, state, entry from free_up_audit order by run_id, batch').all() as AuditRow[]; } finally { db.close(); }
}
