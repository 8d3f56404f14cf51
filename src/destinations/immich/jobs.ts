/**
 * @module Pausing Immich's background jobs during a bulk run (`pauseJobs=true`, admin key): thumbnails, metadata, video
 * transcoding and machine learning compete with ingestion (immich issue #23493). Only queues that were running are
 * paused, and exactly those are resumed at the end, after errors and on Ctrl-C. Which queues this run paused is kept in
 * the connector's durable state first, so queues a killed run (SIGKILL) left paused are resumed by the next run.
 */
import { z } from 'zod';
import type { ConnectorState } from '../../connectors/context.ts';
import { ImmichHttpError, type ImmichClient } from './api/client.ts';

/** The queues that work on new uploads; the others (library scans, backups, notifications) are left alone. */
export const BULK_QUEUES = ['thumbnailGeneration', 'metadataExtraction', 'videoConversion', 'faceDetection', 'facialRecognition', 'smartSearch', 'duplicateDetection'] as const;

const MARK = 'jobs-paused-by-photoferry';
/** Resuming runs on Ctrl-C too, which cuts a command off after 1.5 s. */
const RESUME_TIMEOUT_MS = 1_200;

const v2Status = z.record(z.string(), z.object({ queueStatus: z.object({ isPaused: z.boolean() }).loose() }).loose());
const v3Queues = z.array(z.object({ name: z.string(), isPaused: z.boolean() }).loose());
const anything = z.unknown();

export const HOW_TO_RESUME = 'resume them in Immich (Administration → Jobs (Job Queues in newer versions) → Resume on each), or run photoferry to this server again: it resumes what it paused';

export interface JobPauser {
  begin(signal: AbortSignal): Promise<string[]>;
  end(): Promise<string[]>;
}

export function createJobPauser(o: {
  client: ImmichClient; generation: (signal: AbortSignal) => Promise<number>; state: ConnectorState; enabled: boolean;
  isAdmin: (signal: AbortSignal) => Promise<boolean>;
}): JobPauser {
  let ours: string[] = [];
  let resuming: Promise<string[]> | undefined;
  let v3 = false;

  const setPaused = (name: string, paused: boolean, signal: AbortSignal) => v3
    ? o.client.json('PUT', `/queues/${encodeURIComponent(name)}`, anything, { isPaused: paused }, signal)
    : o.client.json('PUT', `/jobs/${encodeURIComponent(name)}`, anything, { command: paused ? 'pause' : 'resume', force: false }, signal);
  const pausedNow = async (signal: AbortSignal): Promise<Set<string>> => v3
    ? new Set((await o.client.json('GET', '/queues', v3Queues, undefined, signal)).filter((q) => q.isPaused).map((q) => q.name))
    : new Set(Object.entries(await o.client.json('GET', '/jobs', v2Status, undefined, signal)).filter(([, s]) => s.queueStatus.isPaused).map(([n]) => n));

  /** Resumes `ours`; what fails stays in the durable mark for the next run. */
  const resume = async (): Promise<string[]> => {
    if (ours.length === 0) return [];
    const signal = AbortSignal.timeout(RESUME_TIMEOUT_MS);
    const results = await Promise.allSettled(ours.map((name) => setPaused(name, false, signal)));
    const failed = ours.filter((_, i) => results[i]!.status === 'rejected');
    const resumed = ours.length - failed.length;
    ours = failed;
    await (failed.length > 0 ? o.state.set(MARK, failed) : o.state.delete(MARK)).catch(() => undefined);
    if (failed.length === 0) return [`immich: resumed ${resumed} background job queue(s)`];
    const why = (results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason as Error;
    return [`immich: could not resume the job queue(s) ${failed.join(', ')} (${why.message}): ${HOW_TO_RESUME}`];
  };

  const refusal = (err: unknown): string | undefined => {
    if (!(err instanceof ImmichHttpError)) return undefined;
    if (err.status === 403) return `the API key may not pause jobs (${err.serverMessage || 'HTTP 403'}): use an admin's key with the ${v3 ? 'queue.read and queue.update' : 'job.read and job.create'} permissions`;
    if (err.status === 401) return 'the API key was refused';
    return undefined;
  };

  const pauser: JobPauser = {
    async begin(signal) {
      resuming = undefined;
      v3 = (await o.generation(signal)) >= 3;
      const leftover = await o.state.get<string[]>(MARK) ?? [];
      if (!o.enabled) {
        if (leftover.length === 0) return [];
        ours = leftover; // a killed run's pause: undo it now, whatever this run's options
        return ['immich: a previous run was killed while jobs were paused', ...await resume()];
      }
      try {
        if (!await o.isAdmin(signal)) return ['immich: pauseJobs needs an admin\'s API key (only admins may pause jobs): continuing without pausing'];
        const already = await pausedNow(signal);
        // Paused by someone else stays theirs; paused by a killed run of ours is ours to resume.
        ours = BULK_QUEUES.filter((q) => !already.has(q) || leftover.includes(q));
        await o.state.set(MARK, ours); // before pausing: a kill from here on leaves the next run able to undo it
        // Ctrl-C: resume at once rather than after the run has unwound (the command is cut off 1.5 s after the signal).
        signal.addEventListener('abort', () => { void pauser.end(); }, { once: true });
        const results = await Promise.allSettled(ours.filter((q) => !already.has(q)).map((q) => setPaused(q, true, signal)));
        const refused = results.find((r) => r.status === 'rejected');
        if (refused) throw refused.reason;
        const kept = BULK_QUEUES.filter((q) => already.has(q) && !leftover.includes(q));
        return [`immich: paused ${ours.length} background job queue(s) for this run${kept.length > 0 ? ` (${kept.join(', ')} were paused already and stay so)` : ''}; they are resumed when it ends`];
      } catch (err) {
        const why = refusal(err) ?? (err instanceof Error ? err.message : String(err));
        const notes = await resume();
        return [`immich: could not pause background jobs (${why}): continuing without pausing`, ...notes.filter((n) => n.includes('could not resume'))];
      }
    },
    end() { return (resuming ??= resume()); },
  };
  return pauser;
}
