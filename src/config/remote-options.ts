/**
 * @module A remote's options against its connector's zod schema: the secret-option convention, text coercion
 * for `--opt key=value`, and resolveRemoteOptions (every problem listed, unknown options included).
 */
import { z } from 'zod';
import { UsageError } from '../core/usage-error.ts';
import { problemsOf } from './issues.ts';

/** The part of a source or destination definition that remotes need; both definition kinds fit it. */
export interface OptionsDefinition<O extends z.ZodType = z.ZodType> {
  readonly kind?: string;
  readonly options: O;
}

type Def = { type: string; innerType?: z.ZodType; in?: z.ZodType; getter?: () => z.ZodType };
const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

/** Wrappers that do not change what a field *is*: optional, default, pipe (its input side), lazy, ... */
function* layers(schema: z.ZodType): Generator<z.ZodType> {
  let current: z.ZodType | undefined = schema;
  for (let depth = 0; current !== undefined && depth < 20; depth++) {
    yield current;
    const def = defOf(current);
    current = def.innerType ?? def.in ?? def.getter?.();
  }
}

const innermost = (schema: z.ZodType): z.ZodType => [...layers(schema)].at(-1) ?? schema;

/** The object shapes a connector schema accepts (several for a union of auth modes). */
function shapesOf(schema: z.ZodType): z.ZodObject[] {
  const inner = innermost(schema);
  if (inner instanceof z.ZodObject) return [inner];
  if (inner instanceof z.ZodUnion) return (inner.options as z.ZodType[]).flatMap(shapesOf);
  if (inner instanceof z.ZodIntersection) return [...shapesOf(inner.def.left as z.ZodType), ...shapesOf(inner.def.right as z.ZodType)];
  return [];
}

function fieldOf(schema: z.ZodType, key: string): z.ZodType | undefined {
  for (const shape of shapesOf(schema)) {
    const field = shape.shape[key] as z.ZodType | undefined;
    if (field !== undefined) return field;
  }
  return undefined;
}

/**
 * The convention: a connector marks a secret option with `.meta({ secret: true })` (plain zod, so connectors
 * need no project import). The mark is found through optional/default/describe wrappers in either order.
 */
export function isSecretOption(schema: z.ZodType, key: string): boolean {
  const field = fieldOf(schema, key);
  if (field === undefined) return false;
  return [...layers(field)].some((layer) => z.globalRegistry.get(layer)?.['secret'] === true);
}

/** Option names the schema declares; `undefined` when it accepts any key (loose object or no object at all). */
export function optionKeys(schema: z.ZodType): string[] | undefined {
  const shapes = shapesOf(schema);
  if (shapes.length === 0 || shapes.some((s) => s.def.catchall !== undefined && !(s.def.catchall instanceof z.ZodNever))) return undefined;
  return [...new Set(shapes.flatMap((s) => Object.keys(s.shape)))];
}

const TRUE = new Set(['true', 'yes', 'on', '1']);
const FALSE = new Set(['false', 'no', 'off', '0']);

/** `--opt port=22` arrives as text; turn it into what the field expects, and leave anything doubtful to the schema. */
export function coerceOptionText(schema: z.ZodType, raw: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    const field = fieldOf(schema, key);
    out[key] = typeof value === 'string' && field !== undefined ? coerce(innermost(field), value) : value;
  }
  return out;
}

function coerce(field: z.ZodType, text: string): unknown {
  const t = text.trim();
  switch (defOf(field).type) {
    case 'number': return t !== '' && Number.isFinite(Number(t)) ? Number(t) : text;
    case 'boolean': return TRUE.has(t.toLowerCase()) ? true : FALSE.has(t.toLowerCase()) ? false : text;
    case 'array': return t === '' ? [] : t.split(',').map((s) => s.trim());
    default: return text;
  }
}

/**
 * Validates a remote's options against its connector's schema. Throws one UsageError listing every problem
 * with the option's name, including options the connector does not know (typos would otherwise be dropped).
 * Values are never quoted in the problems, since any of them may be a secret.
 */
export function resolveRemoteOptions<O extends z.ZodType>(def: OptionsDefinition<O>, raw: Readonly<Record<string, unknown>>): z.output<O> {
  const problems: string[] = [];
  const known = optionKeys(def.options);
  if (known !== undefined) {
    const strict = shapesOf(def.options).some((s) => s.def.catchall instanceof z.ZodNever);
    if (!strict) for (const key of Object.keys(raw)) if (!known.includes(key)) problems.push(`${key}: unknown option`);
  }
  const parsed = def.options.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push(...(missing(issue, raw) ?? problemsOf({ issues: [issue] })));
  }
  if (problems.length > 0) {
    const what = def.kind === undefined ? 'remote' : `a "${def.kind}" remote`;
    throw new UsageError(`Invalid options for ${what}:`, problems);
  }
  return (parsed as { data: z.output<O> }).data;
}

/** zod says "expected string, received undefined" for a missing option; users understand "required". */
function missing(issue: z.core.$ZodIssue, raw: Readonly<Record<string, unknown>>): string[] | undefined {
  const key = issue.path[0];
  if (issue.code !== 'invalid_type' || issue.path.length !== 1 || typeof key !== 'string' || key in raw) return undefined;
  return [`${key}: required option is not set`];
}
