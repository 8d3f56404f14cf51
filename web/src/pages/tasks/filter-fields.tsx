/** @module Filter part of the task form: dates, media types, favourites, file-name glob (the engine's filterSchema). */
import type { Filters } from '../../api/types.ts';
import { CheckField, TextField } from '../../components/field.tsx';

const TYPES = ['photo', 'video', 'live', 'raw', 'screenshot'];

/** Drops empty values so an untouched field never narrows the task. */
const set = (f: Filters, key: keyof Filters, v: unknown): Filters => {
  const empty = v === '' || v === false || (Array.isArray(v) && v.length === 0);
  return Object.fromEntries(Object.entries({ ...f, [key]: v }).filter(([k]) => !(empty && k === key))) as Filters;
};

export function FilterFields({ value, onChange }: { value: Filters; onChange: (f: Filters) => void }) {
  const types = value.types ?? [];
  return (
    <fieldset>
      <legend>Filters</legend>
      <div class="row wrap">
        <TextField label="Taken on or after" type="date" value={value.takenAfter?.slice(0, 10) ?? ''} testId="filter-after"
          onInput={(v) => onChange(set(value, 'takenAfter', v))} />
        <TextField label="Taken before" type="date" value={value.takenBefore?.slice(0, 10) ?? ''} testId="filter-before"
          onInput={(v) => onChange(set(value, 'takenBefore', v))} />
        <TextField label="File name" value={value.filename ?? ''} placeholder="*.heic" testId="filter-filename"
          hint="Glob, case-insensitive" onInput={(v) => onChange(set(value, 'filename', v))} />
      </div>
      <div class="row wrap" role="group" aria-label="Media types (none ticked: all)">
        {TYPES.map((t) => (
          <CheckField key={t} label={t} checked={types.includes(t)} testId={`filter-type-${t}`}
            onChange={(on) => onChange(set(value, 'types', on ? [...types, t] : types.filter((x) => x !== t)))} />
        ))}
      </div>
      <CheckField label="Favourites only" checked={value.favoritesOnly === true} testId="filter-favorites"
        onChange={(on) => onChange(set(value, 'favoritesOnly', on))} />
    </fieldset>
  );
}
