/** @module Second factor: HSA2 code from a trusted device or SMS, then 2sv/trust; legacy 2SA through setup. */
import type { AppleHttp } from './http.ts';
import { failure, readBody } from './http.ts';
import { authJsonSchema, bootArgsSchema, codeConflictSchema, listDevicesSchema, serviceErrorsSchema, successSchema, type TrustedPhone } from './schemas.ts';
import type { SourceInteraction } from '../../define.ts';
import { fromAppleResponse, icloudErrors } from '../errors.ts';

/** Apple's "Incorrect verification code" service error (HSA2 and 2SA alike). */
export const WRONG_CODE = '-21669';

export interface MfaOptions {
  /** Where the code should come from; 'device' asks Apple to push it to the trusted devices. */
  readonly delivery?: 'device' | 'sms';
  /** Trusted phone number id (from Apple's list) for SMS; the first one when absent. */
  readonly phoneNumberId?: number;
  /** `--phone`: a trusted number's id or its last digits; implies SMS. */
  readonly phone?: string;
  /** Wrong codes tolerated before giving up (each one re-prompts). */
  readonly maxCodeAttempts?: number;
}

interface DeliveryInfo {
  readonly phones: readonly TrustedPhone[];
  readonly hasTrustedDevices: boolean;
  readonly locked: boolean;
  readonly securityKey: boolean;
}

const isLocked = (pv: { securityCode?: { securityCodeLocked?: boolean | undefined; tooManyCodesValidated?: boolean | undefined } | undefined } | undefined) =>
  pv?.securityCode?.securityCodeLocked === true || pv?.securityCode?.tooManyCodesValidated === true;

function parseAuthPage(body: unknown): DeliveryInfo | null {
  if (typeof body === 'string') {
    // The HTML page carries its data in <script type="application/json" class="boot_args">.
    const m = /<script[^>]*class="boot_args"[^>]*>([\s\S]*?)<\/script>/.exec(body);
    if (m?.[1] === undefined) return null;
    let json: unknown;
    try { json = JSON.parse(m[1]); } catch { return null; }
    const parsed = bootArgsSchema.safeParse(json);
    if (!parsed.success) return null;
    const twoSV = parsed.data.direct.twoSV;
    const pv = twoSV?.phoneNumberVerification;
    const bridge = twoSV?.bridgeInitiateData?.phoneNumberVerification;
    const phones = [...(pv?.trustedPhoneNumbers ?? []), ...(bridge?.trustedPhoneNumbers ?? [])];
    return {
      phones: phones.filter((p, i) => phones.findIndex((q) => q.id === p.id) === i),
      hasTrustedDevices: parsed.data.direct.hasTrustedDevices ?? true,
      locked: isLocked(pv) || isLocked(bridge),
      securityKey: parsed.data.direct.fsaChallenge !== undefined,
    };
  }
  const parsed = authJsonSchema.safeParse(body);
  if (!parsed.success) return null;
  const pv = parsed.data.phoneNumberVerification ?? parsed.data;
  return {
    phones: pv.trustedPhoneNumbers.length > 0 ? pv.trustedPhoneNumbers : parsed.data.trustedPhoneNumbers,
    hasTrustedDevices: (parsed.data.trustedDeviceCount ?? 1) > 0,
    locked: isLocked(pv),
    securityKey: parsed.data.fsaChallenge !== undefined,
  };
}

const phoneLabel = (p: TrustedPhone) => p.numberWithDialCode ?? p.obfuscatedNumber ?? `the number ending in ${p.lastTwoDigits ?? '??'}`;

/** `--phone 2` (Apple's id) or `--phone 81` (last digits of the number). */
export function pickPhone(phones: readonly TrustedPhone[], wanted: string | number | undefined): TrustedPhone | undefined {
  if (wanted === undefined) return phones[0];
  const w = String(wanted).replace(/\D/g, '');
  return phones.find((p) => String(p.id) === w) ?? (w.length >= 2 ? phones.find((p) => (p.lastTwoDigits ?? p.numberWithDialCode?.replace(/\D/g, '') ?? '').endsWith(w.slice(-2))) : undefined);
}

/** The `--phone` choices, for messages: "1 (+1 (•••) •••-••81)". */
const phoneChoices = (phones: readonly TrustedPhone[]) => phones.length === 0 ? '<id>' : phones.map((p) => `${p.id}`).join('|') + ` (${phones.map((p) => `${p.id} = ${phoneLabel(p)}`).join(', ')})`;

/** Typing "sms" at the code prompt switches to a text message (the offer made when no push is confirmed). */
const SMS_WORD = /^sms(\d*)$/i;

type Verdict = 'ok' | { readonly sms: string };

/** Asks until Apple accepts a code; `submit` returns 'ok', 'wrong' or throws; "sms" answers come back to the caller. */
async function promptLoop(interaction: SourceInteraction, appleId: string, hint: string, attempts: number, submit: (code: string) => Promise<'ok' | 'wrong'>): Promise<Verdict> {
  for (let i = 0; i < attempts; i++) {
    const code = (await interaction.promptCode(i === 0 ? hint : `Wrong code. ${hint}`)).replace(/\s+/g, '');
    const sms = SMS_WORD.exec(code);
    if (sms !== null) return { sms: sms[1] ?? '' };
    if (await submit(code) === 'ok') return 'ok';
  }
  throw icloudErrors.wrongCode(appleId);
}

/**
 * Apple's verdict on a code. 2xx is success; since mid-2026 a 409 *with* a fresh X-Apple-Session-Token is success
 * too (its headers were captured by AppleHttp.send); a 409 without one is the stuck case of rclone #9730.
 */
async function verdict(what: string, response: Response, appleId: string, smsHint: string): Promise<'ok' | 'wrong'> {
  if (response.ok) { await response.body?.cancel(); return 'ok'; }
  const err = await failure(what, response);
  if (response.status === 409) {
    const token = response.headers.get('x-apple-session-token');
    if (token !== null && token !== '') return 'ok';
    const body = codeConflictSchema.safeParse(err.body);
    if (body.success && body.data.securityCode?.valid === false) return 'wrong';
    throw icloudErrors.codeConflict(appleId, smsHint);
  }
  if (response.status === 400 || response.status === 401 || response.status === 403 || response.status === 423) {
    const errors = serviceErrorsSchema.safeParse(err.body);
    const codes = errors.success ? errors.data.map((e) => e.code) : [];
    if (codes.includes(WRONG_CODE)) return 'wrong';
    // Any other refusal of a well-formed code is Apple locking code entry (too many tries).
    throw icloudErrors.codeLocked(appleId);
  }
  throw fromAppleResponse(err);
}

/**
 * Since iOS 26.4 Apple pushes nothing by itself: ask for the push (PUT, no body). A refusal or a network
 * failure is not fatal; the caller then offers SMS.
 */
async function requestPush(http: AppleHttp, signal: AbortSignal): Promise<boolean> {
  try {
    const r = await http.send('idmsa', `${http.authUrl}/verify/trusteddevice/securitycode`, { method: 'PUT', signal });
    await r.body?.cancel();
    return r.ok;
  } catch (err) {
    if (signal.aborted) throw err;
    return false;
  }
}

async function sendSms(http: AppleHttp, phone: TrustedPhone, signal: AbortSignal): Promise<void> {
  const sent = await http.send('idmsa', `${http.authUrl}/verify/phone`, {
    method: 'PUT', signal, body: JSON.stringify({ phoneNumber: { id: phone.id }, mode: 'sms' }),
  });
  if (!sent.ok) {
    const err = await failure('verify/phone', sent);
    if (sent.status === 429 || sent.status >= 500) throw fromAppleResponse(err);
    throw icloudErrors.codeNotSent(`HTTP ${sent.status} for ${phoneLabel(phone)}`);
  }
  await sent.body?.cancel();
}

/** HSA2: find delivery options, get a code to the user, verify it, and trust this "browser". */
export async function hsa2(http: AppleHttp, appleId: string, interaction: SourceInteraction, opts: MfaOptions, signal: AbortSignal): Promise<void> {
  const page = await http.send('idmsa', http.authUrl, { method: 'GET', signal, headers: { Accept: 'text/html' } });
  if (!page.ok) throw fromAppleResponse(await failure('2FA options', page));
  const info = parseAuthPage(await readBody(page)) ?? { phones: [], hasTrustedDevices: true, locked: false, securityKey: false };
  if (info.securityKey) throw icloudErrors.securityKeyUnsupported();
  if (info.locked) throw icloudErrors.codeLocked(appleId);
  const attempts = opts.maxCodeAttempts ?? 3;
  const smsHint = phoneChoices(info.phones);
  const wanted = opts.phone ?? opts.phoneNumberId;
  let useSms = opts.delivery === 'sms' || opts.phone !== undefined || (!info.hasTrustedDevices && info.phones.length > 0);
  let chosen = wanted;
  if (!useSms) {
    const pushed = await requestPush(http, signal);
    const offer = info.phones.length === 0 ? '' : ` If no code arrives, type "sms" to get one by text message to ${phoneLabel(info.phones[0]!)}${info.phones.length > 1 ? ` (or "sms<id>", id ${smsHint})` : ''}.`;
    const hint = `Enter the verification code shown on your trusted Apple device (${pushed ? 'Apple sent a code to your trusted Apple devices' : 'Apple did not confirm sending a code to your devices'}).${offer}`;
    const result = await promptLoop(interaction, appleId, hint, attempts, async (code) =>
      verdict('verify/trusteddevice/securitycode', await http.send('idmsa', `${http.authUrl}/verify/trusteddevice/securitycode`, {
        method: 'POST', signal, body: JSON.stringify({ securityCode: { code } }),
      }), appleId, smsHint));
    if (result !== 'ok') { useSms = true; chosen = result.sms === '' ? wanted : result.sms; }
  }
  if (useSms) {
    const phone = pickPhone(info.phones, chosen);
    if (phone === undefined) throw icloudErrors.codeNotSent(info.phones.length === 0 ? 'no trusted phone number on the account' : `no trusted phone number matches "${String(chosen)}"; choose one of ${smsHint}`);
    await sendSms(http, phone, signal);
    const result = await promptLoop(interaction, appleId, `Enter the verification code Apple sent by SMS to ${phoneLabel(phone)}`, attempts, async (code) =>
      verdict('verify/phone/securitycode', await http.send('idmsa', `${http.authUrl}/verify/phone/securitycode`, {
        method: 'POST', signal, body: JSON.stringify({ phoneNumber: { id: phone.id }, securityCode: { code }, mode: 'sms' }),
      }), appleId, smsHint));
    if (result !== 'ok') throw icloudErrors.wrongCode(appleId);
  }
  const trust = await http.send('idmsa', `${http.authUrl}/2sv/trust`, { method: 'GET', signal });
  if (!trust.ok) throw fromAppleResponse(await failure('2sv/trust', trust));
  await trust.body?.cancel();
}

/** Legacy two-step verification (hsaVersion 1): codes go through setup, and 2sv/trust does not apply. */
export async function twoStep(http: AppleHttp, appleId: string, dsid: string, interaction: SourceInteraction, opts: MfaOptions, signal: AbortSignal): Promise<void> {
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
  const result = await promptLoop(interaction, appleId, `Enter the verification code Apple sent to ${where}`, opts.maxCodeAttempts ?? 3, async (code) => {
    const r = await http.send('setup', http.setupEndpoint('/validateVerificationCode', dsid), {
      method: 'POST', signal, headers: json, body: JSON.stringify({ ...device, verificationCode: code, trustBrowser: true }),
    });
    if (!r.ok) throw fromAppleResponse(await failure('validateVerificationCode', r));
    const body = successSchema.safeParse(await readBody(r));
    if (body.success && body.data.success) return 'ok';
    if (body.success && String(body.data.errorCode) === WRONG_CODE) return 'wrong';
    throw icloudErrors.codeLocked(appleId);
  });
  if (result !== 'ok') throw icloudErrors.wrongCode(appleId);
}
