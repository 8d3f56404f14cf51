/**
 * @module What the last real use of an iCloud account found: a run that Apple refused marks the account "sign in again"
 * until a sign-in or a run succeeds, so the Connections page never says "Signed in" while tasks fail.
 */
import type { TaskRepository } from './tasks.ts';

const keyOf = (accountId: string) => `signin-needed:${accountId}`;

export interface SignInNeeded { readonly since: string; readonly message: string }

export async function markSignInNeeded(repo: TaskRepository, accountId: string, message: string): Promise<void> {
  await repo.setSetting(keyOf(accountId), JSON.stringify({ since: new Date().toISOString(), message }));
}

export async function clearSignInNeeded(repo: TaskRepository, accountId: string): Promise<void> {
  if (await repo.setting(keyOf(accountId)) !== undefined) await repo.setSetting(keyOf(accountId), '');
}

export async function signInNeeded(repo: TaskRepository, accountId: string): Promise<SignInNeeded | undefined> {
  const raw = await repo.setting(keyOf(accountId));
  if (raw === undefined || raw === '') return undefined;
  try { return JSON.parse(raw) as SignInNeeded; } catch { return undefined; }
}
