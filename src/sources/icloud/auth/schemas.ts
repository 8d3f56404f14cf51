/** @module zod schemas for Apple's idmsa and setup answers: nothing from Apple is trusted before it passes here. */
import { z } from 'zod';

export const signinInitSchema = z.object({
  iteration: z.number().int().positive(),
  salt: z.string().min(1),
  protocol: z.enum(['s2k', 's2k_fo']),
  b: z.string().min(1),
  c: z.string().min(1),
});

const serviceError = z.object({ code: z.union([z.string(), z.number()]).transform(String), title: z.string().optional(), message: z.string().optional() });

/** idmsa spells the list both ways (`serviceErrors` on signin, `service_errors` on verify). */
export const serviceErrorsSchema = z.object({
  serviceErrors: z.array(serviceError).optional(),
  service_errors: z.array(serviceError).optional(),
}).transform((b) => [...(b.serviceErrors ?? []), ...(b.service_errors ?? [])]);

export const trustedPhoneSchema = z.object({
  id: z.number(),
  numberWithDialCode: z.string().optional(),
  obfuscatedNumber: z.string().optional(),
  lastTwoDigits: z.string().optional(),
  pushMode: z.string().optional(),
});
export type TrustedPhone = z.infer<typeof trustedPhoneSchema>;

const securityCodeSchema = z.object({
  length: z.number().optional(),
  tooManyCodesSent: z.boolean().optional(),
  tooManyCodesValidated: z.boolean().optional(),
  securityCodeLocked: z.boolean().optional(),
}).optional();

/** signin/complete 409 body; `fsaChallenge`/`keyNames` only for security-key accounts. */
export const challengeSchema = z.object({
  authType: z.string().optional(),
  auth_type: z.string().optional(),
  trustedPhoneNumbers: z.array(trustedPhoneSchema).optional(),
  securityCode: securityCodeSchema,
  fsaChallenge: z.unknown().optional(),
  keyNames: z.array(z.string()).optional(),
});

/** What GET /appleauth/auth tells us about code delivery, from the HTML boot_args or the JSON form. */
export const phoneVerificationSchema = z.object({
  trustedPhoneNumbers: z.array(trustedPhoneSchema).default([]),
  securityCode: securityCodeSchema,
  authenticationType: z.string().optional(),
});
/** Since 2026 the phones may sit under `twoSV.bridgeInitiateData` instead (protocol notes §1.12b.3); both are read. */
export const bootArgsSchema = z.object({
  direct: z.object({
    authType: z.string().optional(),
    hasTrustedDevices: z.boolean().optional(),
    fsaChallenge: z.unknown().optional(),
    twoSV: z.object({
      phoneNumberVerification: phoneVerificationSchema.optional(),
      bridgeInitiateData: z.object({ phoneNumberVerification: phoneVerificationSchema.optional() }).optional(),
    }).optional(),
  }),
});
export const authJsonSchema = phoneVerificationSchema.extend({
  trustedDeviceCount: z.number().optional(),
  phoneNumberVerification: phoneVerificationSchema.optional(),
  fsaChallenge: z.unknown().optional(),
});

const webServiceSchema = z.object({ url: z.string().optional(), status: z.string().optional(), pcsRequired: z.boolean().optional() });

/** A code answer with HTTP 409 (mid-2026): `securityCode.valid` says whether Apple took the code. */
export const codeConflictSchema = z.object({ securityCode: z.object({ valid: z.boolean().optional() }).optional() });

/** setup/requestPCS: `status` is "success" once the trusted device uploaded the PCS cookies. */
export const requestPcsSchema = z.object({
  isWebAccessAllowed: z.boolean().optional(),
  status: z.string().optional(),
  message: z.string().optional(),
});

export const accountLoginSchema = z.object({
  dsInfo: z.object({
    dsid: z.union([z.string(), z.number()]).transform(String),
    hsaVersion: z.number().optional(),
    hasICloudQualifyingDevice: z.boolean().optional(),
    isWebAccessAllowed: z.boolean().optional(),
    iCDPEnabled: z.boolean().optional(),
    locked: z.boolean().optional(),
    countryCode: z.string().optional(),
  }),
  hsaChallengeRequired: z.boolean().optional(),
  hsaTrustedBrowser: z.boolean().optional(),
  iCDPEnabled: z.boolean().optional(),
  termsUpdateNeeded: z.boolean().optional(),
  domainToUse: z.string().optional(),
  webservices: z.record(z.string(), webServiceSchema).default({}),
});
export type AccountLogin = z.infer<typeof accountLoginSchema>;

/** setup's failure envelope, e.g. {"success":false,"error":"Invalid Session Token"} or a bare {"domainToUse":...}. */
export const setupFailureSchema = z.object({
  success: z.boolean().optional(),
  error: z.string().optional(),
  domainToUse: z.string().optional(),
});

export const listDevicesSchema = z.object({
  devices: z.array(z.object({ deviceType: z.string(), phoneNumber: z.string().optional(), deviceId: z.string(), areaCode: z.string().optional() }).loose()),
});

export const successSchema = z.object({
  success: z.boolean(),
  errorTitle: z.string().optional(),
  errorMessage: z.string().optional(),
  errorCode: z.union([z.string(), z.number()]).optional(),
});
