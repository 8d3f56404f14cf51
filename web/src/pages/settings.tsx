/** @module Notification settings: a webhook and email (SMTP), which events each gets, "Send test", and the session reminder. */
import { useEffect, useState } from 'preact/hooks';
import { get, post, put, errorText } from '../api/client.ts';
import type { NotificationEvent, NotificationSettings } from '../api/types.ts';
import { useAsync } from '../lib/use-async.ts';
import { CheckField, TextField } from '../components/field.tsx';
import { ErrorNotice, Notice } from '../components/notice.tsx';

const EVENTS: { value: NotificationEvent; label: string }[] = [
  { value: 'run.failed', label: 'A run failed' }, { value: 'run.partial', label: 'A run finished with failures' },
  { value: 'icloud.signin-needed', label: 'iCloud needs signing in again' }, { value: 'icloud.session-expiring', label: 'An iCloud session expires soon' },
  { value: 'icloud.session-expired', label: 'An iCloud session expired' }, { value: 'destination.unreachable', label: 'A destination cannot be reached' },
  { value: 'run.finished', label: 'A run finished fine' },
];
/** Problems by default; "finished fine" only when asked for, so the inbox is not a run log. */
const DEFAULT_EVENTS = EVENTS.filter((e) => e.value !== 'run.finished').map((e) => e.value);

interface Form {
  webhookUrl: string; webhookEvents: NotificationEvent[];
  emailOn: boolean; host: string; port: string; secure: boolean; user: string; password: string; from: string; to: string; emailEvents: NotificationEvent[];
  expiringDays: string;
}

const toForm = (s: NotificationSettings): Form => ({
  webhookUrl: s.webhook?.url ?? '', webhookEvents: s.webhook?.events ?? DEFAULT_EVENTS,
  emailOn: s.email !== null, host: s.email?.host ?? '', port: String(s.email?.port ?? 587), secure: s.email?.secure ?? false,
  user: s.email?.user ?? '', password: s.email?.password ?? '', from: s.email?.from ?? '', to: s.email?.to ?? '', emailEvents: s.email?.events ?? DEFAULT_EVENTS,
  expiringDays: String(s.expiringDays),
});

const toSettings = (f: Form): NotificationSettings => ({
  webhook: f.webhookUrl ? { url: f.webhookUrl, events: f.webhookEvents } : null,
  email: f.emailOn ? {
    host: f.host, port: Number(f.port), secure: f.secure, from: f.from, to: f.to, events: f.emailEvents,
    ...(f.user ? { user: f.user } : {}), ...(f.password ? { password: f.password } : {}),
  } : null,
  expiringDays: Number(f.expiringDays),
});

export function SettingsPage() {
  const saved = useAsync(() => get<NotificationSettings>('/api/notifications'));
  const [form, setForm] = useState<Form>();
  const [error, setError] = useState<string>();
  const [status, setStatus] = useState<{ ok: boolean; text: string }>();
  useEffect(() => { if (saved.value) setForm(toForm(saved.value)); }, [saved.value]);
  if (!form) return <div class="page"><h1>Settings</h1><ErrorNotice error={saved.error} /></div>;
  const patch = (p: Partial<Form>) => setForm({ ...form, ...p });
  const save = async (e: Event) => {
    e.preventDefault();
    setError(undefined); setStatus(undefined);
    try { setForm(toForm(await put<NotificationSettings>('/api/notifications', toSettings(form)))); setStatus({ ok: true, text: 'Saved.' }); } catch (err) { setError(errorText(err)); }
  };
  const test = async (channel: 'webhook' | 'email') => {
    setStatus(undefined);
    try {
      const a = await post<{ ok: boolean; message?: string }>('/api/notifications/test', { channel });
      setStatus({ ok: a.ok, text: a.ok ? `Test ${channel === 'email' ? 'email' : 'webhook call'} sent.` : `The test failed: ${a.message ?? 'unknown error'}` });
    } catch (err) { setError(errorText(err)); }
  };
  return (
    <div class="page">
      <h1>Settings</h1>
      <form class="card" onSubmit={(e) => void save(e)} data-testid="notify-form" aria-labelledby="notify-h">
        <h2 id="notify-h">Notifications</h2>
        <p class="muted">photoferry tells you when something needs you: a failed run, an iCloud sign-in, a destination that cannot be reached.</p>
        <fieldset>
          <legend>Email</legend>
          <CheckField label="Send email" checked={form.emailOn} onChange={(emailOn) => patch({ emailOn })} testId="email-on" />
          {form.emailOn && (
            <>
              <div class="row wrap">
                <TextField label="SMTP server" value={form.host} onInput={(host) => patch({ host })} testId="email-host" required placeholder="smtp.example.com" />
                <TextField label="Port" type="number" value={form.port} onInput={(port) => patch({ port })} testId="email-port" required />
              </div>
              <CheckField label="TLS from the start (port 465)" checked={form.secure} onChange={(secure) => patch({ secure })} testId="email-secure"
                hint="Off: STARTTLS when the server offers it (port 587)." />
              <div class="row wrap">
                <TextField label="User name" value={form.user} onInput={(user) => patch({ user })} testId="email-user" autoComplete="off" hint="Empty: no login." />
                <TextField label="Password" type="password" value={form.password} onInput={(password) => patch({ password })} testId="email-password"
                  autoComplete="new-password" hint={form.password === '***' ? 'Saved; type a new one to change it.' : 'Kept in the encrypted vault.'} />
              </div>
              <div class="row wrap">
                <TextField label="From" type="email" value={form.from} onInput={(from) => patch({ from })} testId="email-from" required />
                <TextField label="To" type="email" value={form.to} onInput={(to) => patch({ to })} testId="email-to" required />
              </div>
              <Events value={form.emailEvents} onChange={(emailEvents) => patch({ emailEvents })} name="email" />
            </>
          )}
        </fieldset>
        <fieldset>
          <legend>Webhook</legend>
          <TextField label="URL" type="url" value={form.webhookUrl} onInput={(webhookUrl) => patch({ webhookUrl })} testId="webhook-url"
            hint="Receives a POST with a JSON body per event. Empty: no webhook." />
          {form.webhookUrl && <Events value={form.webhookEvents} onChange={(webhookEvents) => patch({ webhookEvents })} name="webhook" />}
        </fieldset>
        <TextField label="Remind me this many days before an iCloud session expires" type="number" value={form.expiringDays}
          onInput={(expiringDays) => patch({ expiringDays })} testId="expiring-days" />
        <ErrorNotice error={error} />
        {status && <Notice kind={status.ok ? 'ok' : 'error'} testId="notify-status">{status.text}</Notice>}
        <div class="row wrap">
          <button type="submit" data-testid="notify-save">Save</button>
          <button type="button" class="secondary" disabled={!saved.value?.email && !form.emailOn} onClick={() => void test('email')} data-testid="notify-test-email">Send test email</button>
          <button type="button" class="secondary" disabled={!form.webhookUrl} onClick={() => void test('webhook')} data-testid="notify-test-webhook">Send test webhook</button>
        </div>
      </form>
    </div>
  );
}

function Events({ value, onChange, name }: { value: NotificationEvent[]; onChange: (v: NotificationEvent[]) => void; name: string }) {
  return (
    <fieldset class="inline">
      <legend>Events</legend>
      <div class="events">
        {EVENTS.map((e) => (
          <CheckField key={e.value} label={e.label} checked={value.includes(e.value)} testId={`${name}-event-${e.value}`}
            onChange={(on) => onChange(on ? [...value, e.value] : value.filter((x) => x !== e.value))} />
        ))}
      </div>
    </fieldset>
  );
}
