/** @module Schedule part of the task form: once, a cron expression, or a daily/weekly/monthly preset. */
import type { Schedule } from '../../api/types.ts';
import { SelectField, TextField } from '../../components/field.tsx';

const PRESETS = [
  { value: 'daily', label: 'Daily at 03:00' },
  { value: 'weekly', label: 'Weekly, Sunday 03:00' },
  { value: 'monthly', label: 'Monthly, on the 1st at 03:00' },
];

export function ScheduleFields({ value, onChange }: { value: Schedule; onChange: (s: Schedule) => void }) {
  const radio = (type: Schedule['type'], label: string, next: Schedule) => (
    <label class="check">
      <input type="radio" name="schedule" checked={value.type === type} onChange={() => onChange(next)} data-testid={`schedule-${type}`} /> {label}
    </label>
  );
  return (
    <fieldset>
      <legend>Schedule</legend>
      <div class="row wrap">
        {radio('once', 'Only when I press Run', { type: 'once' })}
        {radio('preset', 'Regularly', { type: 'preset', preset: 'daily' })}
        {radio('cron', 'Cron expression', { type: 'cron', cron: '0 3 * * *' })}
      </div>
      {value.type === 'preset' && (
        <SelectField label="How often" value={value.preset} testId="schedule-preset" options={PRESETS}
          onChange={(p) => onChange({ type: 'preset', preset: p === 'weekly' || p === 'monthly' ? p : 'daily' })} />
      )}
      {value.type === 'cron' && (
        <TextField label="Cron" value={value.cron} testId="schedule-cron" required
          hint="5 fields: minute hour day-of-month month day-of-week (server's local time), e.g. 30 2 * * 1-5"
          onInput={(cron) => onChange({ type: 'cron', cron })} />
      )}
    </fieldset>
  );
}
