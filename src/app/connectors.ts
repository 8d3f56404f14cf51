/** @module Connectors for the dashboard: JSON Schema forms (secret options flagged `"secret": true`) and named destinations with Test. */
import { z } from 'zod';
import type { AppContext } from './context.ts';
import { isSecretOption } from '../config/remote-options.ts';
import { UsageError } from '../core/usage-error.ts';
import { addRemote, listRemotes, removeRemote, remotesDepsOf, showRemote, type RemoteView } from './remotes.ts';
import { openDestination } from './connect.ts';
import { withFreshRemotes } from './live-config.ts';
import { ConflictError, NotFoundError } from './tasks.ts';
import { describeError } from './task-runner.ts';
import { withDeadline } from './deadline.ts';

export interface ConnectorInfo {
  readonly kind: string;
  readonly title: string;
  readonly options: Record<string, unknown>;
}

function schemaOf(options: z.ZodType): Record<string, unknown> {
  // The input side: fields with defaults are optional in a form. Unrepresentable parts (transforms) become `{}`.
  const json = z.toJSONSchema(options, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  const props = json['properties'] as Record<string, Record<string, unknown>> | undefined;
  // .meta({ secret: true }) usually reaches the JSON Schema on its own; this makes sure through any wrapper.
  for (const [key, prop] of Object.entries(props ?? {})) if (isSecretOption(options, key)) prop['secret'] = true;
  return json;
}

export function connectorCatalog(ctx: Pick<AppContext, 'sources' | 'destinations'>): { sources: ConnectorInfo[]; destinations: ConnectorInfo[] } {
  const info = (d: { kind: string; title: string; options: z.ZodType }) => ({ kind: d.kind, title: d.title, options: schemaOf(d.options) });
  return { sources: ctx.sources.map(info), destinations: ctx.destinations.map(info) };
}

/** Named destinations: remotes whose type is a destination connector (the dashboard's Connections page). */
export async function listDestinations(ctx: AppContext): Promise<RemoteView[]> {
  const deps = remotesDepsOf(ctx);
  const kinds = new Set(ctx.destinations.map((d) => d.kind));
  const names = (await listRemotes(deps)).filter((r) => kinds.has(r.type)).map((r) => r.name);
  return Promise.all(names.map((n) => showRemote(deps, n)));
}

export async function saveDestination(ctx: AppContext, req: { name: string; type: string; options: Record<string, unknown>; replace?: boolean }): Promise<RemoteView> {
  if (!ctx.destinations.some((d) => d.kind === req.type)) {
    throw new UsageError(`Unknown destination type "${req.type}" (known: ${ctx.destinations.map((d) => d.kind).join(', ')}).`);
  }
  const deps = remotesDepsOf(ctx);
  if (req.replace !== true && (await listRemotes(deps)).some((r) => r.name === req.name)) {
    throw new ConflictError(`A remote named "${req.name}" exists: pick another name, or replace it.`);
  }
  return addRemote(deps, { name: req.name, type: req.type, options: req.options, replace: req.replace === true });
}

async function destinationNamed(ctx: AppContext, name: string): Promise<RemoteView> {
  const found = (await listDestinations(ctx)).find((d) => d.name === name);
  if (found === undefined) throw new NotFoundError(`No destination "${name}".`);
  return found;
}

/**
 * Writes, reads back and removes a marker (Destination.check); a failure is an answer, not an error. The answer comes
 * within `deadlineMs` even when the storage ignores the abort (a hung mount): the check is then left to finish alone.
 */
export async function testDestination(ctx: AppContext, name: string, deadlineMs: number): Promise<{ ok: true } | { ok: false; code: string; message: string }> {
  await destinationNamed(ctx, name);
  const controller = new AbortController();
  const check = async () => {
    const destination = await openDestination(withFreshRemotes(ctx), `${name}:`);
    try { await destination.check(controller.signal); } finally { await destination.close(); }
  };
  try {
    await withDeadline(check(), deadlineMs, controller, `the destination did not answer within ${Math.round(deadlineMs / 1000)} s`);
    return { ok: true };
  } catch (err) {
    return { ok: false, ...describeError(err) };
  }
}

export async function deleteDestination(ctx: AppContext, name: string): Promise<void> {
  await destinationNamed(ctx, name);
  await removeRemote(remotesDepsOf(ctx), name);
}
