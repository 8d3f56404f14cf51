/** @module zod schemas for CloudKit answers (records, zones, counts, changes) plus typed field readers: nothing from Apple is trusted before it passes here. */
import { z } from 'zod';
import { checkRecord, RecordShapeError, type CkRecord } from './record-guard.ts';

export type { CkField, CkRecord } from './record-guard.ts';
export const zoneIdSchema = z.object({
  zoneName: z.string(),
  ownerRecordName: z.string().optional(),
  zoneType: z.string().optional(),
});
export type ZoneId = z.infer<typeof zoneIdSchema>;

/** One record through the hand-written check, where a bad record fails the whole answer (modify) with its path. */
export const recordSchema = z.unknown().transform((raw, ctx): CkRecord => {
  const checked = checkRecord(raw);
  if (!(checked instanceof RecordShapeError)) return checked;
  ctx.issues.push({ code: 'custom', message: `${checked.path}: ${checked.message}`, input: raw });
  return z.NEVER;
});

/** A record Apple sent that is not a record at all (no recordName, wrong types), kept aside with why. */
export interface InvalidRecord { readonly record: string; readonly reason: string }

/** Records one by one: a malformed one is set aside in `invalid` instead of failing the whole page. */
export const recordListSchema = z.array(z.unknown()).transform((list) => {
  const records: CkRecord[] = [];
  const invalid: InvalidRecord[] = [];
  list.forEach((raw, i) => {
    const checked = checkRecord(raw);
    if (!(checked instanceof RecordShapeError)) { records.push(checked); return; }
    const name = typeof raw === 'object' && raw !== null && typeof (raw as { recordName?: unknown }).recordName === 'string' ? (raw as { recordName: string }).recordName : `#${i} of the page`;
    invalid.push({ record: name, reason: `malformed record (${checked.path}: ${checked.message})` });
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

export interface ResValue { readonly fileChecksum: string; readonly size: number; readonly wrappingKey?: string; readonly referenceChecksum?: string; readonly downloadURL?: string }

const optionalString = (v: unknown) => v === undefined || typeof v === 'string';

/**
 * `res<Variant>Res` of a record, or undefined when absent or malformed. Checked by hand, without a copy: a listing
 * reads each asset's resources about seven times (skip check, roles, download cache), and a zod parse copied each.
 */
export function res(r: CkRecord, prefix: string): ResValue | undefined {
  const v = fieldOf(r, `${prefix}Res`) as Record<string, unknown> | null | undefined;
  if (typeof v !== 'object' || v === null || typeof v['fileChecksum'] !== 'string') return undefined;
  const size = v['size'];
  if (typeof size !== 'number' || !Number.isInteger(size) || size < 0) return undefined;
  if (!optionalString(v['wrappingKey']) || !optionalString(v['referenceChecksum']) || !optionalString(v['downloadURL'])) return undefined;
  return v as unknown as ResValue;
}

export function refName(r: CkRecord, name: string): string | undefined {
  const v = fieldOf(r, name) as { recordName?: unknown } | null | undefined;
  return typeof v === 'object' && v !== null && typeof v.recordName === 'string' ? v.recordName : undefined;
}
