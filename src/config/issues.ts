/** @module zod issues → one human line per problem, each naming where it is (path, env var or flag). */
import type { z } from 'zod';

export type PathNamer = (path: readonly PropertyKey[]) => string;

export const dottedPath: PathNamer = (path) =>
  path.length === 0 ? '(top level)' : path.map((p) => (typeof p === 'number' ? `[${p}]` : String(p))).join('.').replace(/\.\[/g, '[');

/**
 * One line per problem. Unknown keys get one line each so that "3 problems" reads as 3 lines.
 * Input values are never echoed: a rejected value may be a password.
 */
export function problemsOf(error: { readonly issues: readonly z.core.$ZodIssue[] }, name: PathNamer = dottedPath): string[] {
  const lines: string[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) lines.push(`${name([...issue.path, key])}: unknown key`);
    } else if (issue.code === 'invalid_key') {
      // zod wraps the key's own issues ("Invalid key in record"); their message says what a valid key is
      lines.push(`${name(issue.path)}: ${issue.issues[0]?.message ?? issue.message}`);
    } else {
      lines.push(`${name(issue.path)}: ${issue.message}`);
    }
  }
  return lines;
}
