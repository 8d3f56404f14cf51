/**
 * @module The library facet: a destination that holds assets (Immich, Google Photos), not a file tree. The engine
 * uploads an asset with its parts and metadata, keeps the remote ids, and mirrors albums by our album id.
 */
import type { Readable } from 'node:stream';
import type { Asset, Resource } from '../core/asset.ts';

/** What a library service can do; the engine plans around it. */
export interface LibraryCapabilities {
  /** A Live Photo's video can be linked to its still (Immich `livePhotoVideoId`); else the parts stay unrelated. */
  readonly livePairing: boolean;
  /** Takes an XMP sidecar with the upload. */
  readonly sidecar: boolean;
  /** Keeps the favourite flag. */
  readonly favorites: boolean;
  /** Reports a checksum of what it stored, so a copy can be verified byte for byte; else copies are unverifiable. */
  readonly verifiableBytes: boolean;
  /** Requests the service allows per day (Google Photos), when limited. */
  readonly dailyQuota?: number;
}

/** One file of an asset, opened only when it must be sent. */
export interface UploadPart {
  readonly resource: Resource;
  /** Opens the bytes (through the engine's hash tap); at most once per attempt. The connector consumes or destroys it. */
  open(signal: AbortSignal): Promise<Readable>;
  /** SHA-1 (hex) of these bytes when already known: sent as the service's duplicate hint. */
  readonly sha1?: string;
  /** Called with the SHA-1 (hex) once the connector has streamed the whole body, before the service answers. */
  onHashed?(sha1: string): void;
}

export interface UploadRequest {
  readonly asset: Asset;
  /** The still (original, RAW or edit) to upload as one service asset. */
  readonly part: UploadPart;
  /** The Live Photo video to upload first and link to the still (only when `capabilities.livePairing`). */
  readonly liveVideo?: UploadPart;
  /** Remote id of the video when a previous run uploaded it. */
  readonly liveVideoRemoteId?: string;
  /** XMP sidecar text for the still (only when `capabilities.sidecar`). */
  readonly sidecar?: string;
}

export interface UploadedPart {
  readonly remoteId: string;
  /** SHA-1 (hex) of the bytes sent. */
  readonly sha1: string;
  readonly bytes: number;
  /** The service already held these bytes (checksum match) and kept its own asset. */
  readonly duplicate: boolean;
}

export interface UploadResult {
  readonly still: UploadedPart;
  readonly liveVideo?: UploadedPart;
}

/** What the service says about a stored asset. */
export type RemoteCheck = 'ok' | 'missing' | 'mismatch' | 'unverifiable';

export interface LibraryDestination {
  readonly facet: 'library';
  readonly id: string;
  readonly kind: string;
  readonly capabilities: LibraryCapabilities;
  /** Proves the URL is the service, the credentials work and carry the permissions a backup needs. */
  check(signal: AbortSignal): Promise<void>;
  /** Uploads one asset (video first for a Live Photo, then the still linked to it) → remote ids. */
  upload(request: UploadRequest, signal: AbortSignal): Promise<UploadResult>;
  /** Remote ids of assets the service already holds, by SHA-1 (hex); absent checksums are not there. */
  findByChecksum(sha1s: readonly string[], signal: AbortSignal): Promise<Map<string, string>>;
  /** Whether the asset `remoteId` is there and holds the bytes whose SHA-1 is `sha1`. */
  verify(remoteId: string, sha1: string, signal: AbortSignal): Promise<RemoteCheck>;
  /**
   * The remote album for our album `albumId`: `knownRemoteId` when it still exists (renamed to `name` if needed),
   * else a new album. Never found by name: names are not unique on these services.
   */
  ensureAlbum(album: { albumId: string; name: string; knownRemoteId?: string }, signal: AbortSignal): Promise<string>;
  renameAlbum(remoteAlbumId: string, name: string, signal: AbortSignal): Promise<void>;
  /** Adds assets to an album (the connector batches); assets already in it are fine. */
  addToAlbum(remoteAlbumId: string, remoteIds: readonly string[], signal: AbortSignal): Promise<void>;
  /** Removes assets from an album; assets not in it are fine. Throws 'unsupported' where the service cannot. */
  removeFromAlbum(remoteAlbumId: string, remoteIds: readonly string[], signal: AbortSignal): Promise<void>;
  /**
   * The deeper test `remote test` runs (beyond `check`): e.g. a large upload that a body-size limit in front of the
   * service would refuse. Returns what it proved, in a few words.
   */
  probe?(signal: AbortSignal): Promise<string>;
  /**
   * Around a run's uploads, when it has any (e.g. Immich pauses its background jobs): `begin` prepares, `end` undoes
   * it, also after errors and Ctrl-C, quickly and without a signal. Both return notices for the user.
   */
  readonly bulk?: { begin(signal: AbortSignal): Promise<string[]>; end(): Promise<string[]> };
  close(): Promise<void>;
}

export const isLibraryDestination = (x: object): x is LibraryDestination => (x as { facet?: unknown }).facet === 'library';
