/** @module `photoferry remote test NAME`: open a named remote as a destination, write, read back and remove a marker, and say in the user's terms what is wrong. */
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { memoryState, silentLogger } from '../connectors/context.ts';
import { TransferError } from '../core/transfer-error.ts';
import { UsageError } from '../core/usage-error.ts';
import type { DestinationDefinition, Made } from '../destinations/define.ts';
import { isFileStore } from '../destinations/define.ts';
import { createFileDestination } from '../destinations/file-destination.ts';
import type { FileStore } from '../destinations/file-store.ts';
import { destinationDefinitions } from '../destinations/index.ts';
import { isLibraryDestination } from '../destinations/library-destination.ts';
import { resolveRemote, type RemotesDeps } from './remotes.ts';

/** A store with its own pre-flight check (S3: keys, bucket, Object Lock), which names problems better than a failed write. */
type CheckedStore = FileStore & { check(signal: AbortSignal): Promise<void> };
const hasOwnCheck = (s: FileStore): s is CheckedStore => typeof (s as Partial<CheckedStore>).check === 'function';

const MARKER_DIR = '.photoferry';

const TLS_CODES = new Set(['DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID', 'ERR_TLS_CERT_ALTNAME_INVALID', 'EPROTO',
  'ERR_SSL_WRONG_VERSION_NUMBER']);

/** Codes and messages along the cause chain: connectors wrap the socket error that says what really happened. */
function causes(err: unknown): { codes: Set<string>; text: string } {
  const codes = new Set<string>();
  const texts: string[] = [];
  for (let e: unknown = err, depth = 0; e && depth < 8; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') codes.add(code);
    if (e instanceof Error) texts.push(e.message);
  }
  return { codes, text: texts.join(' | ') };
}

/** What the user can do about a failure the connector's own message may only describe. */
function hintFor(err: unknown): string | undefined {
  const { codes, text } = causes(err);
  const has = (...c: string[]) => c.some((x) => codes.has(x));
  if ([...codes].some((c) => TLS_CODES.has(c)) || /certificate|\bTLS\b|\bSSL\b|wrong version number/i.test(text)) {
    return 'the TLS (https) connection failed. A self-signed or private-CA certificate must be trusted by this computer '
      + '(NODE_EXTRA_CA_CERTS=/path/to/ca.pem); a server that speaks plain HTTP needs an http:// endpoint; an expired certificate must be renewed on the server';
  }
  if (has('ECONNREFUSED')) return 'nothing accepts connections there: check the host (or endpoint) and port, and that the server is running';
  if (has('ENOTFOUND', 'EAI_AGAIN')) return 'the server name does not resolve: check its spelling and this computer\'s network/DNS';
  if (has('ETIMEDOUT', 'ECONNRESET') || /timed? ?out/i.test(text)) return 'the server did not answer in time: a firewall, a VPN or a wrong port?';
  return undefined;
}

/** The connector's message (already in the user's terms for keys, buckets, permissions, clock skew) plus a hint, same kind. */
export function explainFailure(err: unknown, name: string, id: string): Error {
  if (err instanceof UsageError) return err;
  const hint = hintFor(err);
  const base = err instanceof Error ? err.message : String(err);
  const message = `remote "${name}" (${id}) failed the test: ${base}${hint ? `; ${hint}` : ''}`;
  const kind = err instanceof TransferError ? err.kind : 'permanent';
  const connector = err instanceof TransferError ? err.connector : 'remote-test';
  return new TransferError(kind, message, { connector, cause: err });
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.from(c as Uint8Array));
  return Buffer.concat(chunks);
}

/** Writes a uniquely named marker, reads it back byte for byte, removes it, and checks it is gone. */
async function roundTrip(store: FileStore, id: string, signal: AbortSignal): Promise<void> {
  const path = `${MARKER_DIR}/remote-test-${randomUUID()}`;
  const body = Buffer.from(`photoferry remote test ${new Date().toISOString()}\n`);
  const fail = (what: string) => new TransferError('permanent', `${id}: ${what}`, { connector: store.kind });
  await store.write(path, Readable.from([body]), { size: body.length }, signal);
  try {
    const stat = await store.stat(path, signal);
    if (!stat || stat.size !== body.length) throw fail(`a test file was written but ${stat ? `holds ${stat.size} bytes, not ${body.length}` : 'is not there'}`);
    if (store.capabilities.read && store.read) {
      const back = await readAll(await store.read(path, signal));
      if (!back.equals(body)) throw fail('a test file was written but reads back with different bytes');
    }
  } finally {
    await store.remove(path, signal).catch(() => undefined);
  }
  if (await store.stat(path, signal)) throw fail('a test file could not be removed (no delete permission?)');
}

/**
 * Opens the remote the way `copy` would (options from config.yaml, secrets from the vault) but with a throwaway
 * connector state: a test must leave no trace in the catalog. Returns a one-line verdict; throws the explained failure.
 */
export async function testRemote(
  deps: RemotesDeps, name: string, signal: AbortSignal, definitions: readonly DestinationDefinition[] = destinationDefinitions,
): Promise<string> {
  const remote = await resolveRemote(deps, name);
  const definition = definitions.find((d) => d.kind === remote.definition.kind);
  if (definition === undefined) {
    throw new UsageError(`Remote "${name}" is a ${remote.definition.kind} source; "remote test" checks destinations (try a copy or "auth" instead).`);
  }
  const id = definition.idOf(remote.options as never);
  const started = performance.now();
  let made: Made | undefined;
  let proved: string | undefined;
  try {
    made = await definition.create(remote.options as never, { log: silentLogger, state: memoryState() });
    if (isFileStore(made)) {
      if (hasOwnCheck(made)) await made.check(signal);
      // The same check `copy` runs first, then a read-back the check does not do.
      await createFileDestination(id, made).check(signal);
      await roundTrip(made, id, signal);
    } else {
      await made.check(signal);
      if (isLibraryDestination(made)) proved = await made.probe?.(signal);
    }
  } catch (err) {
    throw explainFailure(err, name, id);
  } finally {
    await made?.close().catch(() => undefined);
  }
  if (proved !== undefined) return `Remote "${name}" (${id}) works: ${proved} in ${((performance.now() - started) / 1000).toFixed(1)} s.`;
  const how = made !== undefined && isFileStore(made) && made.capabilities.read ? 'wrote, read back and removed' : 'wrote and removed';
  return `Remote "${name}" (${id}) works: ${how} a test file in ${((performance.now() - started) / 1000).toFixed(1)} s.`;
}
