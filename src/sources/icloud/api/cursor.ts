/** @module The source cursor: an opaque JSON string with the database token and each zone's sync token. */
import { z } from 'zod';
import { zoneIdSchema } from './records.ts';

const cursorSchema = z.object({
  v: z.literal(1),
  db: z.string().optional(),
  zones: z.array(z.object({ db: z.enum(['private', 'shared']), zoneID: zoneIdSchema, token: z.string() })),
});
export type Cursor = z.infer<typeof cursorSchema>;

export const encodeCursor = (c: Cursor): string => JSON.stringify(c);

/** Undefined for anything unreadable: the caller falls back to a full listing. */
export function decodeCursor(text: string | null): Cursor | undefined {
  if (text === null) return undefined;
  try {
    const parsed = cursorSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
