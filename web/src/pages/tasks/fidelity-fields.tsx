/** @module What a task writes besides the photos: sidecars, albums, HEIC conversion — each with its default explained. */
import type { Fidelity } from '../../api/types.ts';
import { CheckField, SelectField } from '../../components/field.tsx';
import { DEFAULT_FIDELITY } from './schedule-text.ts';

const SIDECARS = [
  { value: 'xmp', label: 'XMP sidecar (recommended)' }, { value: 'json', label: 'JSON sidecar' },
  { value: 'both', label: 'XMP and JSON' }, { value: 'none', label: 'None' },
];
const ALBUMS = [
  { value: 'manifest', label: 'Album lists (recommended)' }, { value: 'links', label: 'Album folders' }, { value: 'none', label: 'None' },
];

export function FidelityFields({ value, onChange }: { value: Fidelity | undefined; onChange: (f: Fidelity) => void }) {
  const f = value ?? DEFAULT_FIDELITY;
  return (
    <fieldset data-testid="fidelity-fields">
      <legend>Besides the photos</legend>
      <div class="row wrap">
        <SelectField label="Sidecar files" value={f.sidecars} testId="fidelity-sidecars" options={SIDECARS}
          hint="Small files beside each photo with its date, place, caption and keywords, so other apps read them without touching the original."
          onChange={(v) => onChange({ ...f, sidecars: v as Fidelity['sidecars'] })} />
        <SelectField label="Albums" value={f.albums} testId="fidelity-albums" options={ALBUMS}
          hint="Lists name the files of each album without copying them twice; folders copy each album's photos into its own folder."
          onChange={(v) => onChange({ ...f, albums: v as Fidelity['albums'] })} />
      </div>
      <CheckField label="Also save HEIC photos as JPEG" checked={f.convertHeic} testId="fidelity-convert"
        hint="Off by default: the HEIC original is always kept; turn on for devices that cannot open HEIC."
        onChange={(convertHeic) => onChange({ ...f, convertHeic })} />
    </fieldset>
  );
}
