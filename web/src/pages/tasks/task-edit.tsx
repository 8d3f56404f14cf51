/** @module Create or edit a task: source, albums, filters, destination, path template, policy, schedule. */
import { useEffect, useState } from 'preact/hooks';
import { get, post, put, enc, errorText } from '../../api/client.ts';
import type { Account, Destination, Task, TaskInput } from '../../api/types.ts';
import { useAsync } from '../../lib/use-async.ts';
import { navigate } from '../../lib/route.ts';
import { CheckField, SelectField, TextField } from '../../components/field.tsx';
import { ErrorNotice, Notice } from '../../components/notice.tsx';
import { AlbumPicker } from './album-picker.tsx';
import { FilterFields } from './filter-fields.tsx';
import { ScheduleFields } from './schedule-fields.tsx';
import { FidelityFields } from './fidelity-fields.tsx';
import { BandwidthField, kbOf } from './bandwidth-field.tsx';
import { DEFAULT_POLICY } from './schedule-text.ts';

const EMPTY: TaskInput = { name: '', source: '', destination: '', filters: {}, schedule: { type: 'once' }, paused: false };

export function TaskEditPage({ id }: { id?: string }) {
  const accounts = useAsync(() => get<Account[]>('/api/accounts'));
  const destinations = useAsync(() => get<Destination[]>('/api/destinations'));
  const existing = useAsync(() => (id ? get<Task>(`/api/tasks/${enc(id)}`) : Promise.resolve(undefined)), [id]);
  const [task, setTask] = useState<TaskInput>(EMPTY);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  useEffect(() => { if (existing.value) setTask(toInput(existing.value)); }, [existing.value]);
  // New tasks start on the first account and destination, so the common case is one click less.
  useEffect(() => {
    if (id) return;
    setTask((t) => ({ ...t, source: t.source || (accounts.value?.[0]?.id ?? ''), destination: t.destination || (destinations.value?.[0]?.name ?? '') }));
  }, [id, accounts.value, destinations.value]);

  const patch = (p: Partial<TaskInput>) => setTask((t) => ({ ...t, ...p }));
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true); setError(undefined);
    try {
      const body = { ...task, ...(task.template ? {} : { template: undefined }) };
      const saved = id ? await put<Task>(`/api/tasks/${enc(id)}`, body) : await post<Task>('/api/tasks', body);
      navigate(`/tasks/${enc(saved.id)}`);
    } catch (err) { setError(errorText(err)); } finally { setBusy(false); }
  };
  const policy = task.policy ?? DEFAULT_POLICY;
  const sources = (accounts.value ?? []).map((a) => ({ value: a.id, label: `${a.appleId} (iCloud)` }));
  if (task.source && !sources.some((s) => s.value === task.source)) sources.push({ value: task.source, label: task.source });

  return (
    <div class="page">
      <h1>{id ? 'Edit task' : 'New task'}</h1>
      <ErrorNotice error={existing.error ?? accounts.error ?? destinations.error} />
      {accounts.value?.length === 0 && <Notice kind="info">Connect an iCloud account first on <a href="#/connections">Connections</a>.</Notice>}
      <form class="card" onSubmit={(e) => void submit(e)} data-testid="task-form">
        <TextField label="Name *" value={task.name} onInput={(name) => patch({ name })} testId="task-name" required />
        <div class="row wrap">
          <SelectField label="Source *" value={task.source} onChange={(source) => patch({ source, albums: undefined })} testId="task-source"
            options={[{ value: '', label: 'Choose…' }, ...sources]} required />
          <SelectField label="Destination *" value={task.destination} onChange={(destination) => patch({ destination })} testId="task-destination"
            options={[{ value: '', label: 'Choose…' }, ...(destinations.value ?? []).map((d) => ({ value: d.name, label: `${d.name} (${d.title ?? d.type})` }))]} required />
        </div>
        <AlbumPicker source={task.source} albums={task.albums} onChange={(albums) => patch({ albums })} />
        <FilterFields value={task.filters ?? {}} onChange={(filters) => patch({ filters })} />
        <fieldset>
          <legend>Files</legend>
          <TextField label="Path template" value={task.template ?? ''} onInput={(template) => patch({ template })} testId="task-template"
            placeholder="{yyyy}/{mm}/{dd}/{filename}" hint="Where each file goes under the destination; empty uses the default." />
          <div class="row wrap">
            <CheckField label="Live Photo videos" checked={policy.liveVideo} onChange={(liveVideo) => patch({ policy: { ...policy, liveVideo } })} testId="policy-live" />
            <SelectField label="Edited photos" value={policy.edits} testId="policy-edits"
              onChange={(v) => patch({ policy: { ...policy, edits: v === 'original' || v === 'edited' ? v : 'both' } })}
              options={[{ value: 'both', label: 'Original and edit' }, { value: 'original', label: 'Original only' }, { value: 'edited', label: 'Edit only' }]} />
            <SelectField label="RAW + JPEG pairs" value={policy.raw} testId="policy-raw"
              onChange={(v) => patch({ policy: { ...policy, raw: v === 'original' || v === 'alternative' ? v : 'both' } })}
              options={[{ value: 'both', label: 'Both' }, { value: 'original', label: 'JPEG/HEIC only' }, { value: 'alternative', label: 'RAW only' }]} />
          </div>
        </fieldset>
        <FidelityFields value={task.fidelity} onChange={(fidelity) => patch({ fidelity })} />
        <BandwidthField value={kbOf(task.bandwidth)} testId="task-bwlimit"
          onInput={(v) => patch({ bandwidth: Number(v) > 0 ? Math.round(Number(v) * 1000) : undefined })} />
        <ScheduleFields value={task.schedule} onChange={(schedule) => patch({ schedule })} />
        <CheckField label="Paused (the schedule does not start it)" checked={task.paused === true} onChange={(paused) => patch({ paused })} testId="task-paused" />
        <ErrorNotice error={error} testId="task-error" />
        <div class="row">
          <button type="submit" disabled={busy} data-testid="task-save">{id ? 'Save changes' : 'Create task'}</button>
          <a class="button secondary" href={id ? `#/tasks/${enc(id)}` : '#/tasks'}>Cancel</a>
        </div>
      </form>
    </div>
  );
}

function toInput(t: Task): TaskInput {
  return {
    name: t.name, source: t.source, destination: t.destination, filters: t.filters ?? {}, schedule: t.schedule, paused: t.paused,
    ...(t.albums && t.albums.length > 0 ? { albums: t.albums } : {}),
    ...(t.template ? { template: t.template } : {}),
    ...(t.policy ? { policy: t.policy } : {}),
    ...(t.fidelity ? { fidelity: t.fidelity } : {}),
    ...(t.bandwidth ? { bandwidth: t.bandwidth } : {}),
  };
}
