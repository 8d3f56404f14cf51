import { parse } from 'yaml';
import { readFileSync } from 'node:fs';
const [f, idx, what] = process.argv.slice(2);
const doc = parse(readFileSync(f, 'utf8'), { customTags: [{tag:'tag:yaml.org,2002:python/unicode', resolve:(s)=>s}] });
const it = doc.interactions[Number(idx)];
if (what === 'headers') { console.log(JSON.stringify(it.request.headers), '\n', JSON.stringify(it.response.headers)); process.exit(0); }
const body = JSON.parse(it.response.body.string);
if (what === 'first') { const recs = body.records; const m = recs.find(r=>r.recordType==='CPLMaster'); const a = recs.find(r=>r.recordType==='CPLAsset'); console.log(JSON.stringify(m,null,1)); console.log(JSON.stringify(a,null,1)); console.log(Object.keys(body), recs.length, recs.map(r=>r.recordType[5]).join('')); }
else console.log(JSON.stringify(body, null, 1).slice(0, Number(what||5000)));
