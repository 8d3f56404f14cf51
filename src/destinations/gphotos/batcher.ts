/**
 * @module batchCreate as Google wants it: at most 50 new items per call and one call at a time per user. Uploads run in
 * parallel and queue their tokens; one loop sends what is queued, so concurrent uploads share calls.
 */
import { z } from 'zod';
import { TransferError } from '../../core/transfer-error.ts';
import { KIND, type GphotosHttp } from './api.ts';

const MAX_ITEMS = 50;
const result = z.object({
  newMediaItemResults: z.array(z.object({
    uploadToken: z.string(), status: z.object({ code: z.number().optional(), message: z.string().optional() }).loose().optional(),
    mediaItem: z.object({ id: z.string() }).loose().optional(),
  }).loose()).default([]),
}).loose();

interface Waiting { uploadToken: string; fileName: string; resolve(id: string): void; reject(err: unknown): void }

export function createBatcher(http: GphotosHttp) {
  const queue: Waiting[] = [];
  let running: Promise<void> | undefined;
  const loop = async () => {
    while (queue.length > 0) {
      const batch = queue.splice(0, MAX_ITEMS);
      try {
        const res = await http.json('POST', '/v1/mediaItems:batchCreate', result, {
          newMediaItems: batch.map((w) => ({ simpleMediaItem: { uploadToken: w.uploadToken, fileName: w.fileName } })),
        // Not cancelled with the run: a call the server has taken creates items whether or not we wait, and items we
        // did not hear of would be created again next run (the API cannot find them by content).
        }, AbortSignal.timeout(120_000));
        for (const w of batch) {
          const r = res.newMediaItemResults.find((x) => x.uploadToken === w.uploadToken);
          if (r?.mediaItem) w.resolve(r.mediaItem.id);
          else w.reject(new TransferError('transient', `${w.fileName}: Google Photos did not create the item (${r?.status?.message ?? 'no result'})`, { connector: KIND }));
        }
      } catch (err) {
        for (const w of batch) w.reject(err);
      }
    }
    running = undefined;
  };
  return {
    create(uploadToken: string, fileName: string): Promise<string> {
      return new Promise((resolve, reject) => {
        queue.push({ uploadToken, fileName, resolve, reject });
        running ??= loop();
      });
    },
    async close() { await running; },
  };
}
