/** @module config.yaml on disk: read and validate it, write it atomically (0600), edit one remote keeping comments. */
import { existsSync, readFileSync } from 'node:fs';
import YAML from 'yaml';
import { UsageError } from '../core/usage-error.ts';
import { configFileSchema, type ConfigFile, type RemoteEntry } from './app-config.ts';
import { problemsOf } from './issues.ts';
import { writePrivateFileSync } from './atomic-write.ts';

export interface ReadResult {
  readonly file: ConfigFile;
  readonly exists: boolean;
  readonly problems: readonly string[];
}

/** Never throws for content problems: they come back in `problems` so loadConfig can list them with env/flag ones. */
export function readConfigFileLenient(path: string, mustExist: boolean): ReadResult {
  if (!existsSync(path)) {
    return { file: {}, exists: false, problems: mustExist ? [`${path}: config file not found`] : [] };
  }
  let doc: YAML.Document;
  try {
    doc = YAML.parseDocument(readFileSync(path, 'utf8'), { uniqueKeys: true });
  } catch (err) {
    return { file: {}, exists: true, problems: [`${path}: cannot read (${(err as Error).message})`] };
  }
  if (doc.errors.length > 0) {
    return { file: {}, exists: true, problems: doc.errors.map((e) => `YAML syntax: ${e.message.split('\n')[0] ?? e.code}`) };
  }
  const raw: unknown = doc.toJS() ?? {};
  const parsed = configFileSchema.safeParse(raw);
  if (!parsed.success) return { file: {}, exists: true, problems: problemsOf(parsed.error) };
  return { file: parsed.data, exists: true, problems: [] };
}

/** The file layer alone (what `remote add` edits); throws a UsageError listing every problem. */
export function readConfigFile(path: string, options: { mustExist?: boolean } = {}): ConfigFile {
  const result = readConfigFileLenient(path, options.mustExist ?? false);
  if (result.problems.length > 0) throw new UsageError(`Invalid config file ${path}:`, result.problems);
  return result.file;
}

/** Writes the whole file (validated first, so we never write a file we would refuse to read). */
export function saveConfig(path: string, file: ConfigFile): void {
  const checked = configFileSchema.safeParse(file);
  if (!checked.success) throw new UsageError('Refusing to write an invalid config:', problemsOf(checked.error));
  writePrivateFileSync(path, YAML.stringify(checked.data));
}

/**
 * Sets (or with `undefined` removes) one remote, editing the YAML document in place so the user's
 * comments and key order survive `remote add`/`remote remove`.
 */
export function saveRemote(path: string, name: string, entry: RemoteEntry | undefined): void {
  const text = existsSync(path) ? readFileSync(path, 'utf8') : '';
  const doc = YAML.parseDocument(text);
  if (doc.errors.length > 0) throw new UsageError(`Invalid config file ${path}:`, doc.errors.map((e) => e.message));
  // A file holding only comments parses to null contents; keep its comments, give it a map to edit.
  if (doc.contents === null) (doc as YAML.Document).contents = doc.createNode({});
  if (entry === undefined) {
    doc.deleteIn(['remotes', name]);
  } else {
    if (!YAML.isMap(doc.get('remotes'))) doc.set('remotes', doc.createNode({}));
    doc.setIn(['remotes', name], doc.createNode(entry));
  }
  const checked = configFileSchema.safeParse(doc.toJS() ?? {});
  if (!checked.success) throw new UsageError(`Invalid config file ${path}:`, problemsOf(checked.error));
  writePrivateFileSync(path, doc.toString());
}
