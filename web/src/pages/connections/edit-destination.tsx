/** @module Edit a destination's options; secret fields start empty and keep the saved secret unless something is typed. */
import { useState } from 'preact/hooks';
import { put, enc, errorText } from '../../api/client.ts';
import type { Connector, Destination } from '../../api/types.ts';
import { ErrorNotice } from '../../components/notice.tsx';
import { SchemaFields, toOptions, type FormValues } from '../../components/schema-form.tsx';

function initial(d: Destination, connector: Connector): FormValues {
  const out: FormValues = {};
  for (const [key, prop] of Object.entries(connector.options.properties ?? {})) {
    const v = d.options?.[key];
    if (prop.secret || v === undefined || v === null) continue;
    out[key] = typeof v === 'boolean' ? v : String(v);
  }
  return out;
}

export function EditDestination({ d, connector, onSaved }: { d: Destination; connector: Connector; onSaved: () => void }) {
  const [values, setValues] = useState<FormValues>(() => initial(d, connector));
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true); setError(undefined);
    try { await put(`/api/destinations/${enc(d.name)}`, { options: toOptions(connector.options, values) }); onSaved(); } catch (err) { setError(errorText(err)); } finally { setBusy(false); }
  };
  return (
    <form class="subform" onSubmit={(e) => void submit(e)} data-testid="destination-edit-form" aria-label={`Edit ${d.name}`}>
      <h3>Edit {d.name}</h3>
      <p class="muted small">Password and key fields are empty on purpose: leave them empty to keep what is saved.</p>
      <SchemaFields schema={connector.options} values={values} onChange={setValues} testPrefix="edit-opt" />
      <ErrorNotice error={error} />
      <button type="submit" disabled={busy} data-testid="destination-edit-save">Save changes</button>
    </form>
  );
}
