/** @module Advanced Data Protection: `requestPCS` until the user approves on a trusted device, so Photos gets its PCS cookies (protocol notes §1.12b.6). */
import { setTimeout as sleep } from 'node:timers/promises';
import type { SourceInteraction } from '../../define.ts';
import type { AppleHttp } from './http.ts';
import { failure, readBody } from './http.ts';
import { requestPcsSchema } from './schemas.ts';
import { fromAppleResponse, icloudErrors } from '../errors.ts';

export interface PcsOptions {
  /** Between two `requestPCS` calls while the user has not approved yet (rclone: 10 s). */
  readonly pollIntervalMs?: number;
  /** Give up after this long (rclone: 5 min). */
  readonly maxWaitMs?: number;
}

/** Both are needed for Photos ([S]); Apple sets them once the device uploaded the keys. */
export const PCS_COOKIES = ['X-APPLE-WEBAUTH-PCS-Photos', 'X-APPLE-WEBAUTH-PCS-Sharing'] as const;

/** "Still waiting" answers (rclone, [T]); anything else that is not a success is the user saying no. */
const WAITING = /requested the device to upload cookies|cookies not available yet|waiting/i;

export const hasPcsCookies = (http: AppleHttp): boolean => PCS_COOKIES.every((name) => http.jar.find(name) !== undefined);

/**
 * Asks Apple for the Photos PCS cookies, telling the user (through `interaction.notice`) to approve the request on a
 * trusted device, and polls until approved, declined, or `maxWaitMs` passed. Nothing is saved by this function:
 * the caller persists the session (cookies included) only once it returns.
 */
export async function requestPcs(http: AppleHttp, appleId: string, dsid: string, interaction: SourceInteraction, options: PcsOptions, signal: AbortSignal): Promise<void> {
  const interval = options.pollIntervalMs ?? 10_000;
  const maxWait = options.maxWaitMs ?? 5 * 60_000;
  const started = Date.now();
  let asked = false;
  for (;;) {
    const response = await http.send('setup', http.setupEndpoint('/requestPCS', dsid), {
      method: 'POST', signal, headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ appName: 'photos', derivedFromUserAction: true }),
    });
    if (!response.ok) throw fromAppleResponse(await failure('requestPCS', response));
    const parsed = requestPcsSchema.safeParse(await readBody(response));
    if (!parsed.success) throw icloudErrors.unexpected('requestPCS');
    const answer = parsed.data;
    if (answer.isWebAccessAllowed === false) throw icloudErrors.webAccessDisabled();
    if (answer.status === 'success' && hasPcsCookies(http)) {
      if (asked) interaction.notice?.({ kind: 'approved', message: 'Approved on your device: reading iCloud Photos.' });
      return;
    }
    if (answer.status !== 'success' && !WAITING.test(answer.message ?? '')) throw icloudErrors.pcsNotApproved(appleId, 'declined', (Date.now() - started) / 1000);
    const left = maxWait - (Date.now() - started);
    if (left <= 0) {
      interaction.notice?.({ kind: 'ended', message: 'No approval arrived in time.' });
      throw icloudErrors.pcsNotApproved(appleId, 'timeout', maxWait / 1000);
    }
    asked = true;
    interaction.notice?.({
      kind: 'approve-on-device', deadline: Date.now() + left, secondsLeft: Math.ceil(left / 1000),
      message: `Advanced Data Protection is on for ${appleId}: approve the request on your iPhone (or another trusted device) to let photoferry read iCloud Photos.`,
    });
    await sleep(Math.min(interval, left), undefined, { signal });
  }
}
