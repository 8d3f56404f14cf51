/** @module Status messages: errors are role=alert (read out at once), the rest role=status. */
import type { ComponentChildren } from 'preact';

export function Notice({ kind, children, testId }: { kind: 'error' | 'ok' | 'info' | 'warn'; children: ComponentChildren; testId?: string }) {
  return (
    <div class={`notice notice-${kind}`} role={kind === 'error' ? 'alert' : 'status'} data-testid={testId}>
      {children}
    </div>
  );
}

export const ErrorNotice = ({ error, testId }: { error: string | undefined; testId?: string }) =>
  error ? <Notice kind="error" testId={testId ?? 'error'}>{error}</Notice> : null;
