/** @module rclone bridge: clear, typed errors for a remote that is not configured or a missing rclone, and hashes read back. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { startRcloneLocal, type RcloneRemote } from '../../../test/servers/rclone.ts';
import { bufferStream } from '../../../test/conformance/streams.ts';
import { memoryState, silentLogger } from '../../connectors/context.ts';
import { TransferError } from '../../core/transfer-error.ts';
import type { FileStore } from '../file-store.ts';
import { rcloneDestination } from './index.ts';
import { childEnv } from './cli.ts';

const signal = () => AbortSignal.timeout(30_000);
const store = async (target: string, extra: Record<string, unknown> = {}) =>
  await rcloneDestination.create(rcloneDestination.options.parse({ ...rcloneDestination.parseTarget(target), ...extra }), { log: silentLogger, state: memoryState() }) as FileStore;

describe('rclone bad input', () => {
  let peer: RcloneRemote;
  before(async () => { peer = await startRcloneLocal('pfbad'); Object.assign(process.env, peer.env); });
  after(async () => { await peer?.stop(); });

  it('a remote that is not configured says how to configure it', async () => {
    await assert.rejects((await store('nosuchremote:photos')).write('a.jpg', bufferStream('x'), { size: 1 }, signal()), (err: unknown) => {
      assert.ok(err instanceof TransferError);
      assert.equal(err.kind, 'invalid-input');
      assert.match(err.message, /rclone remote "nosuchremote" is not configured; add it with `rclone config` or set RCLONE_CONFIG_NOSUCHREMOTE_TYPE/);
      return true;
    });
  });

  it('a missing rclone binary is a clear permanent error', async () => {
    await assert.rejects((await store(`${peer.remote}:${peer.path}`, { binary: '/nonexistent/rclone' })).stat('a.jpg', signal()),
      (err: unknown) => err instanceof TransferError && err.kind === 'permanent' && /rclone program was not found/.test(err.message));
  });

  it('stat and write report the hashes the remote has', async () => {
    const stored = await (await store(`${peer.remote}:${peer.path}`)).write('h/x.txt', bufferStream('hash me'), { size: 7 }, signal());
    assert.deepEqual(stored.hashes?.find((h) => h.algorithm === 'md5')?.value, createHash('md5').update('hash me').digest('hex'));
    assert.ok(stored.hashes?.some((h) => h.algorithm === 'sha256'));
  });

  it('parses targets and never passes AWS_CA_BUNDLE to rclone', () => {
    assert.deepEqual(rcloneDestination.parseTarget('gdrive:Backups/Photos'), { remote: 'gdrive', path: 'Backups/Photos' });
    process.env.AWS_CA_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';
    assert.equal(childEnv().AWS_CA_BUNDLE, undefined);
  });
});
