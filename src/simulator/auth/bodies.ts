/** @module Response bodies of the simulated Apple auth: accountLogin JSON, the 2FA boot_args page, phone verification objects. */
import type { AuthState, SimAccount, SimPhone } from './state.ts';

const requestInfo = { country: 'US', timeZone: 'EST', region: 'NC' };

export const configBag = (setupBase: string, authBase: string) => ({
  urls: {
    accountLoginUI: `${authBase}/signin?widgetKey=`,
    accountLogin: `${setupBase}/accountLogin`,
    repairDone: `${setupBase}/repairDone`,
    getICloudTerms: `${setupBase}/getTerms`,
  },
  accountCreateEnabled: true,
});

/** accountLogin / validate body, with the fields of the 2023 recordings that clients read. */
export function accountLoginBody(state: AuthState, account: SimAccount, trusted: boolean, bases: { setup: string; auth: string }) {
  const f = account.faults;
  if (f.domainToUse !== null) return { domainToUse: f.domainToUse };
  const hsa = account.hsaVersion;
  const ck = state.ckdatabaseUrl;
  const webservices: Record<string, { url?: string; status?: string; pcsRequired?: boolean; uploadUrl?: string }> = {
    account: { url: bases.setup, status: 'active' },
    findme: { url: ck, status: 'active' },
  };
  if (!f.photosDisabled) {
    webservices.ckdatabasews = { pcsRequired: true, url: ck, status: 'active' };
    webservices.photos = { pcsRequired: true, uploadUrl: ck, url: ck, status: 'active' };
    webservices.uploadimagews = { url: ck, status: 'active' };
  }
  return {
    dsInfo: {
      lastName: 'Doe', iCDPEnabled: f.adp, dsid: account.dsid, ...(hsa === 0 ? {} : { hsaEnabled: true, hsaVersion: hsa }),
      locale: 'en-us_US', isManagedAppleID: false, countryCode: 'USA', primaryEmailVerified: true, locked: f.locked,
      hasICloudQualifyingDevice: hsa === 2, primaryEmail: account.appleId,
      appleIdEntries: [{ isPrimary: true, type: 'EMAIL', value: account.appleId }],
      isWebAccessAllowed: !f.webAccessDisabled, fullName: 'John Doe', languageCode: 'en-us', appleId: account.appleId,
      firstName: 'John', pcsDeleted: false, statusCode: 2, familyEligible: true,
    },
    hasMinimumDeviceForPhotosWeb: true,
    iCDPEnabled: f.adp,
    webservices,
    pcsEnabled: true,
    configBag: configBag(bases.setup, bases.auth),
    hsaTrustedBrowser: trusted,
    appsOrder: ['photos'],
    version: 2,
    isExtendedLogin: true,
    pcsServiceIdentitiesIncluded: false,
    hsaChallengeRequired: hsa >= 1 && !trusted,
    requestInfo,
    pcsDeleted: false,
    iCloudInfo: { SafariBookmarksHasMigratedToCloudKit: false },
    apps: { photos: {} },
  };
}

/** validate's 421 body (errors/failed_auth.yml). */
export const validate421Body = (bases: { setup: string; auth: string }) =>
  ({ success: false, error: 'Missing X-APPLE-WEBAUTH-TOKEN cookie', requestInfo: [requestInfo], configBag: configBag(bases.setup, bases.auth) });

const masked = (p: SimPhone) => {
  const last = p.number.replace(/\D/g, '').slice(-2);
  return { numberWithDialCode: `+1 (•••) •••-••${last}`, pushMode: 'sms', obfuscatedNumber: `(•••) •••-••${last}`, lastTwoDigits: last, id: p.id };
};

export function phoneVerification(state: AuthState, account: SimAccount, chosen?: SimPhone) {
  const locked = state.codeLocked(account.appleId);
  const phones = account.phones.map(masked);
  return {
    trustedPhoneNumbers: phones,
    securityCode: { length: 6, tooManyCodesSent: false, tooManyCodesValidated: locked, securityCodeLocked: locked, securityCodeCooldown: false },
    authenticationType: 'hsa2',
    ...(chosen === undefined && phones[0] === undefined ? {} : { trustedPhoneNumber: chosen === undefined ? phones[0] : masked(chosen) }),
    hsa2Account: true,
    restrictedAccount: false,
    managedAccount: false,
  };
}

/** GET /appleauth/auth with Accept: text/html — the page whose boot_args icloudpd parses. */
export function bootArgsPage(state: AuthState, account: SimAccount): string {
  // 2026 (§1.12b.3): the phones sit under bridgeInitiateData instead of directly under twoSV.
  const phones = state.apple2026
    ? { bridgeInitiateData: { apnsTopic: 'com.apple.idmsauthagent', apnsEnvironment: 'prod', phoneNumberVerification: phoneVerification(state, account) } }
    : { phoneNumberVerification: phoneVerification(state, account) };
  const args = {
    direct: {
      authUserType: 'hsa2', hasTrustedDevices: true,
      twoSV: { supportedPushModes: ['voice', 'sms'], ...phones, authFactors: ['robocall', 'sms', 'generatedcode'], sourceAppId: 1159 },
      authType: 'hsa2', authInitialRoute: 'auth/verify/trusteddevice',
    },
    additional: { canRoute2sv: true },
  };
  // The recorded page escapes '<' inside the JSON so it cannot close the script tag.
  return `<script type="application/json" class="boot_args">${JSON.stringify(args).replace(/</g, '\\u003C')}</script>`;
}

/** GET /appleauth/auth with Accept: application/json ([S]); the SMS-oriented shape. */
export const authJson = (state: AuthState, account: SimAccount) =>
  ({ trustedDeviceCount: 1, ...phoneVerification(state, account), phoneNumberVerification: phoneVerification(state, account) });

/** signin/complete 409 for a security-key account ([T]): the challenge the browser would answer with WebAuthn. */
export const fidoChallenge = () => ({
  authType: 'hsa2', fsaChallenge: { challenge: 'c2ltdWxhdGVkLWNoYWxsZW5nZQ', keyHandles: ['c2ltLWtleQ'], rpId: 'apple.com' }, keyNames: ['YubiKey 5C'],
});
