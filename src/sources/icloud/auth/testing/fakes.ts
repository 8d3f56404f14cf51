/** @module Test doubles for sign-in: an in-memory SecretStore and a prompt that answers from a script. */
import type { SecretStore, SourceInteraction } from '../../../define.ts';
import { silentLogger, type Logger } from '../../../../connectors/context.ts';

export function memorySecrets(initial: Record<string, string> = {}): SecretStore & { readonly map: Map<string, string> } {
  const map = new Map(Object.entries(initial));
  return {
    map,
    get: async (k) => map.get(k),
    set: async (k, v) => { map.set(k, v); },
    delete: async (k) => { map.delete(k); },
  };
}

/** Answers each promptCode with the next entry (a string, or a function of the hint); records the hints. */
export function scriptedPrompt(answers: Array<string | ((hint: string) => string | Promise<string>)>): SourceInteraction & { readonly hints: string[] } {
  const hints: string[] = [];
  return {
    hints,
    promptCode: async (hint) => {
      hints.push(hint);
      const next = answers.shift();
      if (next === undefined) throw new Error(`unexpected code prompt: ${hint}`);
      return typeof next === 'string' ? next : next(hint);
    },
  };
}

export function testCtx(secrets: SecretStore = memorySecrets(), interaction: SourceInteraction = scriptedPrompt([])): { secrets: SecretStore; interaction: SourceInteraction; log: Logger } {
  return { secrets, interaction, log: silentLogger };
}
