/** @module The email channel of notifications: one plain-text message per event through SMTP (nodemailer). */
import nodemailer from 'nodemailer';
import type { EmailSettings } from './notify-settings.ts';
import type { Notification } from './notify.ts';

const TITLES: Record<Notification['event'], string> = {
  'run.finished': 'finished', 'run.partial': 'finished with failures', 'run.failed': 'failed',
  'icloud.signin-needed': 'needs sign-in', 'icloud.session-expiring': 'iCloud session expires soon',
  'icloud.session-expired': 'iCloud session expired', 'destination.unreachable': 'destination unreachable',
};

export function emailOf(n: Notification): { subject: string; text: string } {
  const what = n.task?.name ?? n.account ?? 'photoferry';
  const subject = `photoferry: ${what} - ${TITLES[n.event]}`;
  const lines = [
    n.task ? `Task: ${n.task.name}` : '',
    n.message ?? '',
    n.event === 'icloud.session-expiring' && n.daysLeft !== undefined ? `The iCloud session of ${n.account ?? ''} needs a new code in ${n.daysLeft} day(s): sign in again on the Connections page.` : '',
    n.summary ? `Copied ${n.summary.files.copied} files, ${n.summary.files.present} already there, ${n.summary.files.failed} failed.` : '',
    n.run?.id ? `Run: ${n.run.id} (${n.run.status})` : '',
    `Event: ${n.event} at ${n.at}`,
  ].filter((l) => l !== '');
  return { subject, text: `${lines.join('\n')}\n` };
}

export async function sendEmail(settings: EmailSettings, n: Notification, timeoutMs: number): Promise<void> {
  const transport = nodemailer.createTransport({
    host: settings.host, port: settings.port, secure: settings.secure,
    connectionTimeout: timeoutMs, greetingTimeout: timeoutMs, socketTimeout: timeoutMs,
    ...(settings.user ? { auth: { user: settings.user, pass: settings.password ?? '' } } : {}),
  });
  try {
    await transport.sendMail({ from: settings.from, to: settings.to, ...emailOf(n) });
  } finally {
    transport.close();
  }
}
