/** @module SimState: everything one simulator instance holds (library, indexes, history, faults, web sessions, URL signing). */
import { createHmac, randomBytes } from 'node:crypto';
import { History } from './library/history.ts';
import { headerOf, sha256Of as sha256OfContent, type ContentSpec } from './library/media-bytes.ts';
import type { LibraryOptions, ResourceSpec } from './library/generate.ts';
import { resourceChecksum, type ResourceKey } from './library/render.ts';
import { LibraryState, type ZoneKey } from './library/state.ts';
import { Views } from './library/views.ts';
import { defaultFaults, FaultClock, type Faults } from './faults.ts';
import { DeletionState } from './deletion/deletion-state.ts';
import type { RoleName } from './roles.ts';
import { FIELD_OF_ROLE } from './roles.ts';

export interface SimUrls { baseUrl: string; authUrl: string; setupUrl: string; ckUrl: string; contentUrl: string }

export class SimState {
  readonly library: LibraryState;
  readonly views: Views;
  readonly history: History;
  /** Recently Deleted window, storage usage, delete throttling and half-way refusals (deletion/). */
  readonly deletion: DeletionState;
  readonly faults: Faults = defaultFaults();
  readonly clock = new FaultClock(this.faults);
  /** Web-session tokens CloudKit accepts (the `X-APPLE-WEBAUTH-TOKEN` cookie) when no auth module is mounted. */
  readonly sessions = new Set<string>();
  /** Requests served, by route group, for tests that count calls. */
  readonly requests = { cloudkit: 0, content: 0, byOp: new Map<string, number>() };
  readonly urls: SimUrls = { baseUrl: '', authUrl: '', setupUrl: '', ckUrl: '', contentUrl: '' };
  private readonly secret = randomBytes(16);
  /** The Apple ID the CloudKit answer being built belongs to (see `signingFor`). */
  private signingOwner = '';

  constructor(options: LibraryOptions) {
    this.library = new LibraryState(options);
    this.views = new Views(this.library);
    this.history = new History(this.library);
    this.deletion = new DeletionState(this.library);
  }

  /** Mints a web session accepted by CloudKit routes (used by tests and by the auth routes' fallback). */
  newSession(): string {
    const token = randomBytes(12).toString('hex');
    this.sessions.add(token);
    return token;
  }

  expireSessions(): void { this.sessions.clear(); }

  // ---- signed content URLs -----------------------------------------------------------

  private sign(payload: string, expires: number): string {
    return createHmac('sha256', this.secret).update(`${payload}|${expires}`).digest('base64url').slice(0, 27);
  }

  /**
   * Builds a CloudKit answer whose download URLs are signed for `appleId`, as Apple's are per account, so a download
   * counts against that account's request ceiling. `build` is synchronous: nothing else signs in between.
   */
  signingFor<T>(appleId: string | undefined, build: () => T): T {
    this.signingOwner = appleId?.toLowerCase() ?? '';
    try { return build(); } finally { this.signingOwner = ''; }
  }

  /** An Apple-shaped download URL: `/B/<checksum>/${f}?o=<key>&e=<expiry>&s=<sig>`. */
  readonly signUrl = (key: ResourceKey): string => {
    const o = Buffer.from(`${key.zone}|${key.index}|${key.field}|${key.revision}|${this.signingOwner}`).toString('base64url');
    const e = Math.floor(Date.now() / 1000) + this.faults.urlTtlSec;
    const a = this.library.asset(key.index);
    const r = a.resources.find((x) => x.field === key.field);
    const checksum = r === undefined ? a.masterName : resourceChecksum(a, r, key.revision);
    return `${this.urls.contentUrl}/B/${Buffer.from(checksum, 'base64').toString('base64url')}/\${f}?o=${o}&v=1&x=3&e=${e}&fl=&ckc=com.apple.photos.cloud&ckz=${key.zone === 'primary' ? 'PrimarySync' : 'SharedSync'}&y=1&p=61&s=${this.sign(o, e)}`;
  };

  /** Checks a content URL's query; returns the resource key and the account it was signed for, or why it is refused. */
  verifyUrl(o: string, e: string, s: string): { key: ResourceKey; owner: string | undefined } | { error: 'expired' | 'bad-signature' } {
    if (this.sign(o, Number(e)) !== s) return { error: 'bad-signature' };
    if (Number(e) * 1000 < Date.now()) return { error: 'expired' };
    const [zone, index, field, revision, owner] = Buffer.from(o, 'base64url').toString().split('|');
    return { key: { zone: zone as ZoneKey, index: Number(index), field: field as ResourceSpec['field'], revision: Number(revision) }, owner: owner || undefined };
  }

  /** Bytes recipe of one resource revision. */
  contentOf(key: ResourceKey): ContentSpec | undefined {
    if (key.index < 0 || key.index >= this.library.size) return undefined;
    const a = this.library.asset(key.index);
    const r = a.resources.find((x) => x.field === key.field);
    if (r === undefined) return undefined;
    return { key: `${this.library.options.seed}:${key.index}:${key.field}:${key.revision}`, format: r.format, size: r.size, takenAt: new Date(a.assetDate), utcOffsetMinutes: a.tzOffsetSec / 60 };
  }

  /** SHA-256 (hex) of what a download of this asset's resource returns now; undefined when there is no such resource. */
  sha256Of(assetRecordName: string, role: RoleName = 'original'): string | undefined {
    const i = this.library.indexOf(assetRecordName);
    if (i === undefined) return undefined;
    const a = this.library.asset(i);
    const field = FIELD_OF_ROLE[role](a.shape);
    const spec = this.contentOf({ zone: a.zone, index: i, field, revision: field === 'resJPEGFull' || field === 'resVidFull' ? a.editRevision : 0 });
    return spec === undefined ? undefined : sha256OfContent(spec);
  }

  headerOf(spec: ContentSpec): Buffer { return headerOf(spec); }
}
