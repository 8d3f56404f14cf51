/** @module The bandwidth limit field in KB/s (1 KB = 1000 bytes, as the dashboard counts), empty for none. */
import { TextField } from '../../components/field.tsx';

export const kbOf = (bytesPerSecond: number | null | undefined): string => (bytesPerSecond ? String(Math.round(bytesPerSecond / 1000)) : '');

export function BandwidthField({ value, onInput, testId }: { value: string; onInput: (v: string) => void; testId: string }) {
  return (
    <TextField label="Bandwidth limit (KB/s)" type="number" value={value} onInput={onInput} testId={testId} inputMode="numeric"
      hint="For the whole run, all files together. Empty: as fast as the network allows." />
  );
}
