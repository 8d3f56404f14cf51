/** @module What the app hands every connector factory: a logger and a small durable key-value state. */

export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** Durable per-connector state kept in the catalog (e.g. S3 multipart upload ids and finished parts). */
export interface ConnectorState {
  get<T>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown): Promise<void>;
  delete(key: string): Promise<void>;
  /** Keys starting with `prefix`. */
  keys(prefix: string): Promise<string[]>;
}

export interface ConnectorContext {
  readonly log: Logger;
  readonly state: ConnectorState;
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

export function memoryState(): ConnectorState {
  const map = new Map<string, unknown>();
  return {
    get: async <T>(key: string) => map.get(key) as T | undefined,
    set: async (key, value) => { map.set(key, structuredClone(value)); },
    delete: async (key) => { map.delete(key); },
    keys: async (prefix) => [...map.keys()].filter((k) => k.startsWith(prefix)),
  };
}
