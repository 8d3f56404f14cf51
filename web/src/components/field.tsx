/** @module Labelled form controls: every input gets a <label for>, a hint tied by aria-describedby, and a test id. */
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';

let counter = 0;
const nextId = (prefix: string) => `${prefix}-${++counter}`;

interface FieldProps {
  label: string;
  hint?: string | undefined;
  testId?: string | undefined;
  children: (id: string, hintId: string | undefined) => ComponentChildren;
}

/** Renders label + control + hint; the control comes from a render function so it can be an input, select or textarea. */
export function Field({ label, hint, children }: FieldProps) {
  // Stable across renders, unique across the page: label[for] must keep pointing at the same control.
  const [id] = useState(() => nextId('f'));
  const hintId = hint ? `${id}-hint` : undefined;
  return (
    <div class="field">
      <label for={id}>{label}</label>
      {children(id, hintId)}
      {hint && <small id={hintId} class="hint">{hint}</small>}
    </div>
  );
}

interface TextProps {
  label: string; value: string; onInput: (v: string) => void;
  type?: 'text' | 'password' | 'number' | 'date' | 'email' | 'url'; hint?: string | undefined; testId?: string; required?: boolean; placeholder?: string;
  autoComplete?: string; inputMode?: 'numeric' | 'text'; pattern?: string; maxLength?: number;
}

export function TextField(p: TextProps) {
  return (
    <Field label={p.label} hint={p.hint}>
      {(id, hintId) => (
        // Preact 11 types <input> as a union keyed by `type`; a runtime-chosen type needs this one cast.
        <input id={id} {...({ type: p.type ?? 'text' } as { type: 'text' })} value={p.value} data-testid={p.testId} required={p.required}
          placeholder={p.placeholder} autoComplete={p.autoComplete} inputMode={p.inputMode} pattern={p.pattern}
          maxLength={p.maxLength} aria-describedby={hintId}
          onInput={(e) => p.onInput((e.currentTarget as HTMLInputElement).value)} />
      )}
    </Field>
  );
}

interface SelectProps {
  label: string; value: string; onChange: (v: string) => void;
  options: { value: string; label: string }[]; hint?: string | undefined; testId?: string; required?: boolean;
}

export function SelectField(p: SelectProps) {
  return (
    <Field label={p.label} hint={p.hint}>
      {(id, hintId) => (
        <select id={id} value={p.value} data-testid={p.testId} required={p.required} aria-describedby={hintId}
          onChange={(e) => p.onChange((e.currentTarget as HTMLSelectElement).value)}>
          {p.options.map((o) => <option key={o.value} value={o.value}>{o.label}</option>)}
        </select>
      )}
    </Field>
  );
}

export function CheckField(p: { label: string; checked: boolean; onChange: (v: boolean) => void; testId?: string; hint?: string }) {
  return (
    <label class="check">
      <input type="checkbox" checked={p.checked} data-testid={p.testId}
        onChange={(e) => p.onChange((e.currentTarget as HTMLInputElement).checked)} />
      <span>{p.label}</span>
      {p.hint && <small class="hint">{p.hint}</small>}
    </label>
  );
}
