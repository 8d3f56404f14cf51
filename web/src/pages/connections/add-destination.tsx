/** @module Add a destination: pick a connector, fill the form generated from its option schema, save, then Test it. */
import { useState } from 'preact/hooks';
import { post, errorText } from '../../api/client.ts';
import type { Connector } from '../../api/types.ts';
import { SelectField, TextField } from '../../components/field.tsx';
import { ErrorNotice, Notice } from '../../components/notice.tsx';
import { SchemaFields, toOptions, type FormValues } from '../../components/schema-form.tsx';

export function AddDestination({ connectors, onAdded }: { connectors: Connector[]; onAdded: () => void }) {
  const [kind, setKind] = useState(connectors[0]?.kind ?? '');
  const [name, setName] = useState('');
  const [values, setValues] = useState<FormValues>({});
  const [error, setError] = useState<string>();
  const [saved, setSaved] = useState<string>();
  const [busy, setBusy] = useState(false);
  // Bumped after a save: remounting the fields closes "More options" again, ready for the next destination.
  const [formKey, setFormKey] = useState(0);
  const connector = connectors.find((c) => c.kind === kind);
  const submit = async (e: Event) => {
    e.preventDefault();
    if (!connector) return;
    setBusy(true); setError(undefined); setSaved(undefined);
    try {
      await post('/api/destinations', { name, type: kind, options: toOptions(connector.options, values) });
      setSaved(`Saved ${name}. Press Test in the list above to check it.`);
      setName(''); setValues({}); setFormKey((k) => k + 1);
      onAdded();
    } catch (err) { setError(errorText(err)); } finally { setBusy(false); }
  };
  return (
    <form class="subform" onSubmit={(e) => void submit(e)} data-testid="destination-form">
      <h3>Add a destination</h3>
      <SelectField label="Type" value={kind} testId="destination-type"
        onChange={(k) => { setKind(k); setValues({}); }}
        options={connectors.map((c) => ({ value: c.kind, label: c.title }))} />
      <TextField label="Name *" value={name} onInput={setName} testId="destination-name" required pattern="[A-Za-z0-9_.@\-]{1,64}"
        hint="Letters, digits, _ . @ - (used to pick it in tasks)" />
      {connector && <SchemaFields key={`${kind}-${formKey}`} schema={connector.options} values={values} onChange={setValues} testPrefix="dest-opt" />}
      <ErrorNotice error={error} testId="destination-error" />
      {saved && <Notice kind="ok">{saved}</Notice>}
      <button type="submit" disabled={busy || !connector} data-testid="destination-submit">Save destination</button>
    </form>
  );
}
