/** @module Keeping secrets out of logs, errors and JSON: the Secret wrapper, redact() and redactObject(). */
import { inspect } from 'node:util';
import type { z } from 'zod';
import { isSecretOption } from '../config/remote-options.ts';

export const REDACTED = '***';

/**
 * Holds a secret value that prints as `***` everywhere: string templates, JSON.stringify, console.log/inspect
 * and pino. Only `reveal()` gives the value, so every place that uses one is easy to find.
 */
export class Secret {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  reveal(): string {
    return this.#value;
  }
  toString(): string {
    return REDACTED;
  }
  toJSON(): string {
    return REDACTED;
  }
  [inspect.custom](): string {
    return REDACTED;
  }
}

export const isSecret = (value: unknown): value is Secret => value instanceof Secret;

/** What to print in place of a secret; an empty or absent value stays visibly empty so "not set" is still told apart. */
export function redact(value: unknown): string {
  return value === undefined || value === null || value === '' ? '' : REDACTED;
}

/**
 * Names that are secrets whatever the schema says: a second line of defence for options a connector forgot to mark
 * and for secrets a user typed into config.yaml by hand.
 */
const SECRET_NAME = /pass(word|phrase)?$|secret|token|api.?key|private.?key|credential|cookie|session/i;

/**
 * A copy of `obj` fit to print: values of options marked secret in `schema` (see isSecretOption), values whose key
 * looks secret, and Secret instances become `***`, at any depth. Other values are copied unchanged.
 */
export function redactObject<T extends Readonly<Record<string, unknown>>>(obj: T, schema?: z.ZodType): Record<keyof T, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(obj)) {
    const secret = isSecret(value) || SECRET_NAME.test(key) || (schema !== undefined && isSecretOption(schema, key));
    out[key] = secret ? redact(value) : redactValue(value);
  }
  return out as Record<keyof T, unknown>;
}

function redactValue(value: unknown): unknown {
  if (isSecret(value)) return REDACTED;
  if (Array.isArray(value)) return value.map(redactValue);
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return redactObject(value as Record<string, unknown>);
  }
  return value;
}
