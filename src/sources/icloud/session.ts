/** @module IcloudSession: the seam between sign-in (auth/) and the Photos client (api/). */

/** One entry of accountLogin's `webservices` map, e.g. `ckdatabasews`. */
export interface WebService {
  readonly url: string;
  readonly status?: string;
}

export interface IcloudSession {
  readonly appleId: string;
  /** Directory services id from accountLogin (`dsInfo.dsid`); CloudKit calls carry it as a query parameter. */
  readonly dsid: string;
  /** accountLogin's `webservices`: every URL the client uses after sign-in comes from here or from Apple's responses. */
  readonly webservices: Readonly<Record<string, WebService>>;
  /** HTTP with the session's cookies and constant headers; records Set-Cookie and Apple's session headers. */
  fetch(url: string, init: RequestInit & { signal: AbortSignal }): Promise<Response>;
  /**
   * Re-validates the session after CloudKit reported it expired (HTTP 421/450/401): `validate`, then
   * `accountLogin` with the stored token. Throws TransferError('auth-required') when only a new
   * password or 2FA code would help.
   */
  refresh(signal: AbortSignal): Promise<void>;
  /**
   * Advanced Data Protection: asks for fresh PCS cookies after CloudKit refused Photos (they lapse about hourly).
   * False when the account does not need them (the refusal means something else).
   */
  renewPcs?(signal: AbortSignal): Promise<boolean>;
}
