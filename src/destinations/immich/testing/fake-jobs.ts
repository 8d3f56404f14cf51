/**
 * @module Immich's background job queues as the fake serves them, admin only: v2 `GET /api/jobs` (status by queue)
 * and `PUT /api/jobs/{name}` `{command: pause|resume|start|…, force}` (permissions job.read / job.create); v3
 * `GET /api/queues` (a list) and `PUT /api/queues/{name}` `{isPaused}` (queue.read / queue.update). Unknown names: 400.
 */
const NAMES = [
  'thumbnailGeneration', 'metadataExtraction', 'videoConversion', 'faceDetection', 'facialRecognition', 'smartSearch',
  'duplicateDetection', 'backgroundTask', 'storageTemplateMigration', 'migration', 'search', 'sidecar', 'library', 'notifications',
] as const;

export interface FakeJobs {
  readonly queues: Map<string, { isPaused: boolean }>;
  /** Every pause or resume the server took, in order. */
  readonly commands: { name: string; paused: boolean }[];
  readonly routes: { method: string; path: RegExp; permission: string; handle(m: RegExpExecArray, body: Record<string, unknown>): { status: number; body: unknown } }[];
}

export function createFakeJobs(version: 2 | 3): FakeJobs {
  const queues = new Map(NAMES.map((n) => [n as string, { isPaused: false }]));
  const commands: { name: string; paused: boolean }[] = [];
  const counts = { active: 0, completed: 0, failed: 0, delayed: 0, waiting: 0, paused: 0 };
  const set = (name: string, paused: boolean) => { queues.get(name)!.isPaused = paused; commands.push({ name, paused }); };
  const v2Status = (name: string) => ({ jobCounts: counts, queueStatus: { isActive: false, isPaused: queues.get(name)!.isPaused } });
  const v3Queue = (name: string) => ({ name, isPaused: queues.get(name)!.isPaused, statistics: counts });
  const unknown = (name: string) => ({ status: 400, body: `name must be one of the following values: ${NAMES.join(', ')} (got ${name})` });
  const routes: FakeJobs['routes'] = version === 2
    ? [
      { method: 'GET', path: /^\/api\/jobs$/, permission: 'job.read', handle: () => ({ status: 200, body: Object.fromEntries(NAMES.map((n) => [n, v2Status(n)])) }) },
      {
        method: 'PUT', path: /^\/api\/jobs\/([^/]+)$/, permission: 'job.create',
        handle: (m, body) => {
          const name = decodeURIComponent(m[1]!);
          if (!queues.has(name)) return unknown(name);
          if (body.command !== 'pause' && body.command !== 'resume') return { status: 400, body: 'command must be one of start, pause, resume, empty, clear-failed' };
          set(name, body.command === 'pause');
          return { status: 200, body: v2Status(name) };
        },
      },
    ]
    : [
      { method: 'GET', path: /^\/api\/queues$/, permission: 'queue.read', handle: () => ({ status: 200, body: NAMES.map(v3Queue) }) },
      {
        method: 'PUT', path: /^\/api\/queues\/([^/]+)$/, permission: 'queue.update',
        handle: (m, body) => {
          const name = decodeURIComponent(m[1]!);
          if (!queues.has(name)) return unknown(name);
          if (typeof body.isPaused !== 'boolean') return { status: 400, body: '[isPaused] Expected boolean' };
          set(name, body.isPaused);
          return { status: 200, body: v3Queue(name) };
        },
      },
    ];
  return { queues, commands, routes };
}
