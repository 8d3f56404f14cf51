/** @module A connector's options as text for `remote add TYPE --help`: from its zod schema, with defaults and which are secret. */
import { z } from 'zod';
import { isSecretOption } from '../config/remote-options.ts';
import { sourceDefinitions } from '../sources/index.ts';
import { destinationDefinitions } from '../destinations/index.ts';

interface Definition { readonly kind: string; readonly title: string; readonly options: z.ZodType }

const definitions = (): Definition[] => [...sourceDefinitions, ...destinationDefinitions];

export const connectorTypes = (): string[] => [...new Set(definitions().map((d) => d.kind))];

const valueOf = (v: unknown) => (typeof v === 'string' && v !== '' ? v : JSON.stringify(v));

/** One paragraph per option: name, required/default/secret, its description and allowed values. */
export function connectorOptionsHelp(type: string): string | undefined {
  const matching = definitions().filter((d) => d.kind === type);
  if (matching.length === 0) return undefined;
  const out: string[] = [];
  for (const d of matching) {
    const json = z.toJSONSchema(d.options, { io: 'input', unrepresentable: 'any' }) as {
      properties?: Record<string, { description?: string; default?: unknown; enum?: unknown[]; type?: string }>; required?: string[];
    };
    const required = new Set(json.required ?? []);
    out.push(`Options of "${type}" (${d.title}), given as key=value:`);
    for (const [key, prop] of Object.entries(json.properties ?? {})) {
      const notes = [
        required.has(key) ? 'required' : prop.default !== undefined ? `default ${valueOf(prop.default)}` : 'optional',
        ...(isSecretOption(d.options, key) ? ['secret: kept in the vault, shown as ***'] : []),
        ...(prop.enum ? [`one of ${prop.enum.map(valueOf).join(', ')}`] : prop.type ? [prop.type] : []),
      ];
      out.push(`  ${key} (${notes.join('; ')})`, ...(prop.description ? [`      ${prop.description}`] : []));
    }
  }
  return out.join('\n');
}
