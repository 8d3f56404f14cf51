/** @module Second factor: HSA2 code from a trusted device or SMS, then 2sv/trust; legacy 2SA through setup. */
import type { AppleHttp } from './http.ts';
import { failure, readBody } from './http.ts';
import { authJsonSchema, bootArgsSchema, listDevicesSchema, serviceErrorsSchema, successSchema, type TrustedPhone } from './schemas.ts';
import type { SourceInteraction } from '../../define.ts';
import { fromAppleResponse, icloudErrors } from '../errors.ts';

/** Apple's "Incorrect verification code" service error (HSA2 and 2SA alike). */
export const WRONG_CODE = '-21669';

export interface MfaOptions {
  /** Where the code should come from; 'device' relies on Apple's automatic push to trusted devices. */
  readonly delivery?: 'device' | 'sms';
  /** Trusted phone number id (from Apple's list) for SMS; the first one when absent. */
  readonly phoneNumberId?: number;
  /** Wrong codes tolerated before giving up (each one re-prompts). */
  readonly maxCodeAttempts?: number;
}

interface DeliveryInfo {
  readonly phones: readonly TrustedPhone[];
  readonly hasTrustedDevices: boolean;
  readonly locked: boolean;
  readonly securityKey: boolean;
}

function parseAuthPage(body: unknown): DeliveryInfo | null {
  if (typeof body === 'string') {
    // The HTML page carries its data in <script type="application/json" class="boot_args">.
    const m = /<script[^>]*class="boot_args"[^>]*>([\s\S]*?)<\/script>/.exec(body);
    if (m?.[1] === undefined) return null;
    let json: unknown;
    try { json = JSON.parse(m[1]); } catch { return null; }
    const parsed = bootArgsSchema.safeParse(json);
    if (!parsed.success) return null;
    const pv = parsed.data.direct.twoSV?.phoneNumberVerification;
    return {
      phones: pv?.trustedPhoneNumbers ?? [],
      hasTrustedDevices: parsed.data.direct.hasTrustedDevices ?? true,
      locked: pv?.securityCode?.securityCodeLocked === true || pv?.securityCode?.tooManyCodesValidated === true,
      securityKey: parsed.data.direct.fsaChallenge !== undefined,
    };
  }
  const parsed = authJsonSchema.safeParse(body);
  if (!parsed.success) return null;
  const pv = parsed.data.phoneNumberVerification ?? parsed.data;
  return {
    phones: pv.trustedPhoneNumbers,
    hasTrustedDevices: (parsed.data.trustedDeviceCount ?? 1) > 0,
    locked: pv.securityCode?.securityCodeLocked === true || pv.securityCode?.tooManyCodesValidated === true,
    securityKey: parsed.data.fsaChallenge !== undefined,
  };
}

const phoneLabel = (p: TrustedPhone) => p.numberWithDialCode ?? p.obfuscatedNumber ?? `the number ending in ${p.lastTwoDigits ?? '??'}`;

/** Asks until Apple accepts a code; `submit` returns 'ok', 'wrong' or throws. */
async function promptLoop(interaction: SourceInteraction, hint: string, attempts: number, submit: (code: string) => Promise<'ok' | 'wrong'>): Promise<void> {
  for (let i = 0; i < attempts; i++) {
    const code = (await interaction.promptCode(i === 0 ? hint : `Wrong code. ${hint}`)).replace(/\s+/g, '');
    if (await submit(code) === 'ok') return;
  }
  throw icloudErrors.wrongCode();
}

async function verdict(what: string, response: Response): Promise<'ok' | 'wrong'> {
  if (response.ok) { await response.body?.cancel(); return 'ok'; }
  const err = await failure(what, response);
  if (response.status === 400 || response.status === 401 || response.status === 403 || response.status === 423) {
    const errors = serviceErrorsSchema.safeParse(err.body);
    const codes = errors.success ? errors.data.map((e) => e.code) : [];
    if (codes.includes(WRONG_CODE)) return 'wrong';
    // Any other refusal of a well-formed code is Apple locking code entry (too many tries).
    throw icloudErrors.codeLocked();
  }
  throw fromAppleResponse(err);
}

/** HSA2: find delivery options, get a code to the user, verify it, and trust this "browser". */
export async function hsa2(http: AppleHttp, interaction: SourceInteraction, opts: MfaOptions, signal: AbortSignal): Promise<void> {
  const page = await http.send('idmsa', http.authUrl, { method: 'GET', signal, headers: { Accept: 'text/html' } });
  if (!page.ok) throw fromAppleResponse(await failure('2FA options', page));
  const info = parseAuthPage(await readBody(page)) ?? { phones: [], hasTrustedDevices: true, locked: false, securityKey: false };
  if (info.securityKey) throw icloudErrors.securityKeyUnsupported();
  if (info.locked) throw icloudErrors.codeLocked();
  const attempts = opts.maxCodeAttempts ?? 3;
  const useSms = opts.delivery === 'sms' || (!info.hasTrustedDevices && info.phones.length > 0);
  if (useSms) {
    const phone = info.phones.find((p) => opts.phoneNumberId === undefined || p.id === opts.phoneNumberId);
    if (phone === undefined) throw icloudErrors.codeNotSent('no matching trusted phone number on the account');
    const sent = await http.send('idmsa', `${http.authUrl}/verify/phone`, {
      method: 'PUT', signal, body: JSON.stringify({ phoneNumber: { id: phone.id }, mode: 'sms' }),
    });
    if (!sent.ok) {
      const err = await failure('verify/phone', sent);
      if (sent.status === 429 || sent.status >= 500) throw fromAppleResponse(err);
      throw icloudErrors.codeNotSent(`HTTP ${sent.status}`);
    }
    await sent.body?.cancel();
    await promptLoop(interaction, `Enter the verification code Apple sent by SMS to ${phoneLabel(phone)}`, attempts, async (code) =>
      verdict('verify/phone/securitycode', await http.send('idmsa', `${http.authUrl}/verify/phone/securitycode`, {
        method: 'POST', signal, body: JSON.stringify({ phoneNumber: { id: phone.id }, securityCode: { code }, mode: 'sms' }),
      })));
  } else {
    await promptLoop(interaction, 'Enter the verification code shown on your trusted Apple device', attempts, async (code) =>
      verdict('verify/trusteddevice/securitycode', await http.send('idmsa', `${http.authUrl}/verify/trusteddevice/securitycode`, {
        method: 'POST', signal, body: JSON.stringify({ securityCode: { code } }),
      })));
  }
  const trust = await http.send('idmsa', `${http.authUrl}/2sv/trust`, { method: 'GET', signal });
  if (!trust.ok) throw fromAppleResponse(await failure('2sv/trust', trust));
  await trust.body?.cancel();
}

/** Legacy two-step verification (hsaVersion 1): codes go through setup, and 2sv/trust does not apply. */
export async function twoStep(http: AppleHttp, dsid: string, interaction: SourceInteraction, opts: MfaOptions, signal: AbortSignal): Promise<void> {
  const list = await http.send('setup', http.setupEndpoint('/listDevices', dsid), { method: 'GET', signal });
  if (!list.ok) throw fromAppleResponse(await failure('listDevices', list));
  const devices = listDevicesSchema.safeParse(await readBody(list));
  if (!devices.success) throw icloudErrors.unexpected('listDevices');
  const device = devices.data.devices.find((d) => opts.phoneNumberId === undefined || d.deviceId === String(opts.phoneNumberId));
  if (device === undefined) throw icloudErrors.codeNotSent('no trusted device on the account');
  const json = { 'Content-Type': 'application/json' };
  const sent = await http.send('setup', http.setupEndpoint('/sendVerificationCode', dsid), { method: 'POST', signal, headers: json, body: JSON.stringify(device) });
  if (!sent.ok) throw fromAppleResponse(await failure('sendVerificationCode', sent));
  const sentBody = successSchema.safeParse(await readBody(sent));
  if (!sentBody.success || !sentBody.data.success) throw icloudErrors.codeNotSent(sentBody.success ? sentBody.data.errorMessage ?? 'refused' : 'unexpected answer');
  const where = device.phoneNumber === undefined ? 'your trusted device' : `the phone number ${device.phoneNumber}`;
  await promptLoop(interaction, `Enter the verification code Apple sent to ${where}`, opts.maxCodeAttempts ?? 3, async (code) => {
    const r = await http.send('setup', http.setupEndpoint('/validateVerificationCode', dsid), {
      method: 'POST', signal, headers: json, body: JSON.stringify({ ...device, verificationCode: code, trustBrowser: true }),
    });
    if (!r.ok) throw fromAppleResponse(await failure('validateVerificationCode', r));
    const body = successSchema.safeParse(await readBody(r));
    if (body.success && body.data.success) return 'ok';
    if (body.success && String(body.data.errorCode) === WRONG_CODE) return 'wrong';
    throw icloudErrors.codeLocked();
  });
}
