/** @module zod schemas for CloudKit answers (records, zones, counts, changes) plus typed field readers: nothing from Apple is trusted before it passes here. */
import { z } from 'zod';

/** `{value, type}`; recordings show fields whose value is missing, so both are optional. */
export const fieldSchema = z.object({ value: z.unknown().optional(), type: z.string().optional() });
export type CkField = z.infer<typeof fieldSchema>;

/**
 * A field Apple sent in a shape we do not expect (a bare value, a numeric `type`, null) is kept as far as it reads
 * and otherwise dropped: the typed readers below then see "absent", never a crash.
 */
const lenientField = z.unknown().transform((f): CkField | null => {
  if (f === null || typeof f !== 'object' || Array.isArray(f)) return null;
  const o = f as { value?: unknown; type?: unknown };
  return { ...(o.value === undefined ? {} : { value: o.value }), ...(typeof o.type === 'string' ? { type: o.type } : {}) };
});

export const zoneIdSchema = z.object({
  zoneName: z.string(),
  ownerRecordName: z.string().optional(),
  zoneType: z.string().optional(),
});
export type ZoneId = z.infer<typeof zoneIdSchema>;

const stampSchema = z.object({ timestamp: z.number() }).partial();

/** A record, a tombstone (`deleted: true`, no type) or a per-record error (`serverErrorCode`). */
export const recordSchema = z.object({
  recordName: z.string(),
  recordType: z.string().optional(),
  fields: z.record(z.string(), lenientField).nullish().transform((f) => f ?? undefined),
  recordChangeTag: z.string().optional(),
  created: stampSchema.optional(),
  modified: stampSchema.optional(),
  deleted: z.boolean().optional(),
  zoneID: zoneIdSchema.optional(),
  expirationTime: z.number().optional(),
  serverErrorCode: z.string().optional(),
  reason: z.string().optional(),
});
export type CkRecord = z.infer<typeof recordSchema>;

/** A record Apple sent that is not a record at all (no recordName, wrong types), kept aside with why. */
export interface InvalidRecord { readonly record: string; readonly reason: string }

/** Records one by one: a malformed one is set aside in `invalid` instead of failing the whole page. */
export const recordListSchema = z.array(z.unknown()).transform((list) => {
  const records: CkRecord[] = [];
  const invalid: InvalidRecord[] = [];
  list.forEach((raw, i) => {
    const parsed = recordSchema.safeParse(raw);
    if (parsed.success) { records.push(parsed.data); return; }
    const name = typeof raw === 'object' && raw !== null && typeof (raw as { recordName?: unknown }).recordName === 'string' ? (raw as { recordName: string }).recordName : `#${i} of the page`;
    const issue = parsed.error.issues[0];
    invalid.push({ record: name, reason: `malformed record (${issue === undefined ? 'bad shape' : `${issue.path.join('.') || 'record'}: ${issue.message}`})` });
  });
  return { records, invalid };
});

export const queryResponseSchema = z.object({
  records: recordListSchema,
  continuationMarker: z.string().optional(),
  syncToken: z.string().optional(),
}).transform(({ records, ...rest }) => ({ ...rest, records: records.records, invalid: records.invalid }));
export type QueryResponse = z.output<typeof queryResponseSchema>;

export const modifyResponseSchema = z.object({ records: z.array(recordSchema).default([]) });

export const batchResponseSchema = z.object({ batch: z.array(queryResponseSchema) });

export const zonesListSchema = z.object({
  syncToken: z.string().optional(),
  moreComing: z.boolean().optional(),
  zones: z.array(z.object({ zoneID: zoneIdSchema, syncToken: z.string().optional(), deleted: z.boolean().optional() })),
});

export const changesDatabaseSchema = z.object({
  syncToken: z.string(),
  moreComing: z.boolean().optional(),
  zones: z.array(z.object({ zoneID: zoneIdSchema, syncToken: z.string().optional() })),
});

export const zoneChangesSchema = z.object({
  zoneID: zoneIdSchema.optional(),
  syncToken: z.string().optional(),
  moreComing: z.boolean().optional(),
  records: recordListSchema.optional().transform((r) => r?.records),
  serverErrorCode: z.string().optional(),
  reason: z.string().optional(),
});
export const changesZoneSchema = z.object({ zones: z.array(zoneChangesSchema) });
export type ZoneChanges = z.infer<typeof zoneChangesSchema>;

/** Error envelopes seen with HTTP 200 (`{"success":false,"error":"Api Error","errorCode":"100"}`) or with an error status. */
export const errorEnvelopeSchema = z.object({
  success: z.boolean().optional(),
  error: z.string().optional(),
  errorCode: z.union([z.string(), z.number()]).optional(),
  serverErrorCode: z.string().optional(),
  reason: z.string().optional(),
  hasError: z.boolean().optional(),
});

// ---- typed field readers --------------------------------------------------------------

const fieldOf = (r: CkRecord, name: string): unknown => r.fields?.[name]?.value;

export function str(r: CkRecord, name: string): string | undefined {
  const v = fieldOf(r, name);
  return typeof v === 'string' ? v : undefined;
}

export function num(r: CkRecord, name: string): number | undefined {
  const v = fieldOf(r, name);
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

export const flag = (r: CkRecord, name: string): boolean => num(r, name) === 1;

/** Encoded text fields: `ENCRYPTED_BYTES` carry base64, `STRING` the text itself. */
export function encField(r: CkRecord, name: string): { raw: string; base64: boolean } | undefined {
  const f = r.fields?.[name];
  if (f === undefined || f === null || typeof f.value !== 'string') return undefined;
  return { raw: f.value, base64: f.type !== 'STRING' };
}

export const resSchema = z.object({
  fileChecksum: z.string(),
  size: z.number().int().nonnegative(),
  wrappingKey: z.string().optional(),
  referenceChecksum: z.string().optional(),
  downloadURL: z.string().optional(),
});
export type ResValue = z.infer<typeof resSchema>;

/** `res<Variant>Res` of a record, or undefined when absent or malformed. */
export function res(r: CkRecord, prefix: string): ResValue | undefined {
  const parsed = resSchema.safeParse(fieldOf(r, `${prefix}Res`));
  return parsed.success ? parsed.data : undefined;
}

export function refName(r: CkRecord, name: string): string | undefined {
  const v = fieldOf(r, name);
  const parsed = z.object({ recordName: z.string() }).safeParse(v);
  return parsed.success ? parsed.data.recordName : undefined;
}
