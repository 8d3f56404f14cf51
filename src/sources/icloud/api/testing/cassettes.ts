/** @module Test helpers: load recorded cassettes (working around YAML the strict parser rejects) and replay them as an IcloudSession. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CASSETTE_DIR, loadCassette, recordedJson, toResponse, type Cassette } from '../../../../../test/fixtures/icloud/cassette-replayer.ts';
import { tempDir } from '../../../../../test/temp-dir.ts';
import type { IcloudSession } from '../../session.ts';

/**
 * Several cassettes splice in JSON whose continuation lines are indented less than YAML allows
 * (PyYAML tolerates it, the `yaml` package does not). Inside a double-quoted scalar the leading
 * whitespace of a continuation line is dropped anyway, so indenting those lines more is lossless.
 */
export function reindentQuotedScalars(text: string): string {
  let out = '';
  let from = 0;
  const opener = /string: (?:!![\w/]+ )?"/g;
  for (let m = opener.exec(text); m !== null; m = opener.exec(text)) {
    const start = m.index + m[0].length;
    let j = start;
    while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
    out += text.slice(from, start) + text.slice(start, j).replace(/\n/g, '\n          ');
    from = j;
    opener.lastIndex = j;
  }
  return out + text.slice(from);
}

const tmp = tempDir('photoferry-cassettes-');

export function loadListingCassette(name: string): Cassette {
  const path = join(tmp, `${name.replace(/\//g, '_')}.yml`);
  writeFileSync(path, reindentQuotedScalars(readFileSync(join(CASSETTE_DIR, `${name}.yml`), 'utf8')));
  return { ...loadCassette(path), name };
}

/** records/query bodies are told apart by what they ask, since recorded bodies are stale but their kind is right. */
function kindOf(url: URL, body: unknown): string {
  const op = url.pathname;
  if (!op.endsWith('/records/query')) return `${url.host}${op}`;
  const type = String((body as { query?: { recordType?: unknown } } | null)?.query?.recordType ?? '');
  return `${url.host}${op}#${type === 'CheckIndexingState' || type === 'CPLAlbumByPositionLive' ? type : 'index'}`;
}

export interface ReplaySession extends IcloudSession {
  readonly refreshes: number;
  readonly calls: string[];
}

/**
 * An IcloudSession answering from a cassette, matched on host + path (+ query kind), first unused
 * recording first; when none is left the last one matched answers again (so retries see the same error).
 */
export function replaySession(cassette: Cassette): ReplaySession {
  const used = new Set<number>();
  const last = new Map<string, number>();
  const calls: string[] = [];
  let refreshes = 0;
  const keys = cassette.interactions.map((it) => kindOf(new URL(it.request.uri), recordedJson(it.request.body)));
  return {
    appleId: 'jdoe@gmail.com', dsid: '12345678901',
    webservices: { ckdatabasews: { url: 'https://p61-ckdatabasews.icloud.com:443' } },
    get refreshes() { return refreshes; },
    calls,
    async refresh() { refreshes++; },
    async fetch(url, init) {
      const u = new URL(url.replace('${f}', '$%7Bf%7D'));
      const key = kindOf(u, typeof init.body === 'string' ? JSON.parse(init.body) as unknown : null);
      calls.push(key);
      let index = keys.findIndex((k, i) => !used.has(i) && k === key && (u.pathname.includes('/B/') ? cassette.interactions[i]!.request.uri.includes(u.pathname.split('/')[2]!) : true));
      if (index < 0) index = last.get(key) ?? -1;
      if (index < 0) throw new Error(`cassette ${cassette.name}: nothing recorded for ${key}`);
      used.add(index);
      last.set(key, index);
      return toResponse(cassette.interactions[index]!.response);
    },
  };
}
