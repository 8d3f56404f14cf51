import { parse } from 'yaml';
import { readFileSync } from 'node:fs';
const f = process.argv[2];
const txt = readFileSync(f, 'utf8');
const doc = parse(txt, { customTags: [{tag:'tag:yaml.org,2002:python/unicode', resolve:(s)=>s}], maxAliasCount: -1 });
for (const it of doc.interactions) {
  const b = it.response.body.string;
  const len = typeof b === 'string' ? b.length : (b?.length ?? 0);
  console.log(it.request.method, it.request.uri.slice(0,160), '->', it.response.status.code, len, typeof b === 'string' ? b.slice(0,150).replace(/\n/g,' ') : '[bin]');
  if (process.argv[3]) console.log('   REQ', String(it.request.body).slice(0,400));
}
