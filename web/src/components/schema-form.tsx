/** @module Form fields generated from a connector's JSON Schema: required options first, the rest under "More options". */
import type { JsonSchema } from '../api/types.ts';
import { CheckField, SelectField, TextField } from './field.tsx';

export type FormValues = Record<string, string | boolean>;

/** `secretAccessKey` → "Secret access key", `partSizeMiB` → "Part size MiB"; the schema has descriptions but no titles. */
export const humanize = (key: string): string => {
  const words = key.match(/MiB|[A-Z]{2,}(?![a-z])|[A-Z]?[a-z0-9]+/g) ?? [key];
  const text = words.map((w, i) => (i > 0 && w !== 'MiB' && !/^[A-Z]{2,}$/.test(w) ? w.toLowerCase() : w)).join(' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
};

const typeOf = (s: JsonSchema): string => {
  const t = Array.isArray(s.type) ? s.type.find((x) => x !== 'null') : s.type;
  return t ?? (s.enum ? 'string' : 'string');
};

/** Only what the user set: defaults stay the server's business, and numbers go back as numbers. */
export function toOptions(schema: JsonSchema, values: FormValues): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, prop] of Object.entries(schema.properties ?? {})) {
    const v = values[key];
    if (v === undefined || v === '') continue;
    const t = typeOf(prop);
    out[key] = t === 'integer' || t === 'number' ? Number(v) : v;
  }
  return out;
}

interface Props { schema: JsonSchema; values: FormValues; onChange: (values: FormValues) => void; testPrefix: string }

export function SchemaFields({ schema, values, onChange, testPrefix }: Props) {
  const required = new Set(schema.required ?? []);
  const entries = Object.entries(schema.properties ?? {});
  const field = ([key, prop]: [string, JsonSchema]) => (
    <SchemaField key={key} name={key} prop={prop} required={required.has(key)} value={values[key]}
      testId={`${testPrefix}-${key}`} onChange={(v) => onChange({ ...values, [key]: v })} />
  );
  const optional = entries.filter(([k]) => !required.has(k));
  return (
    <>
      {entries.filter(([k]) => required.has(k)).map(field)}
      {optional.length > 0 && (
        <details class="more">
          <summary>More options ({optional.length})</summary>
          {optional.map(field)}
        </details>
      )}
    </>
  );
}

interface FieldProps {
  name: string; prop: JsonSchema; required: boolean; value: string | boolean | undefined;
  testId: string; onChange: (v: string | boolean) => void;
}

function SchemaField({ name, prop, required, value, testId, onChange }: FieldProps) {
  const label = prop.title ?? humanize(name);
  const t = typeOf(prop);
  if (t === 'boolean') {
    const checked = typeof value === 'boolean' ? value : prop.default === true;
    return <CheckField label={label} checked={checked} onChange={onChange} testId={testId} hint={prop.description ?? ''} />;
  }
  if (prop.enum) {
    const choices = prop.enum.map((e) => ({ value: String(e), label: String(e) }));
    const def = prop.default === undefined ? '' : String(prop.default);
    return (
      <SelectField label={label} hint={prop.description} testId={testId} value={typeof value === 'string' ? value : def}
        onChange={onChange} options={required ? choices : [{ value: '', label: def ? `(default: ${def})` : '(not set)' }, ...choices]} />
    );
  }
  const placeholder = prop.default !== undefined && prop.default !== '' ? `default: ${String(prop.default)}` : '';
  return (
    <TextField label={`${label}${required ? ' *' : ''}`} hint={prop.description} testId={testId} required={required}
      type={prop.secret ? 'password' : t === 'integer' || t === 'number' ? 'number' : 'text'}
      autoComplete={prop.secret ? 'new-password' : 'off'} placeholder={placeholder}
      value={typeof value === 'string' ? value : ''} onInput={onChange} />
  );
}
