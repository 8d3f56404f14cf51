import { parse, parseAllDocuments } from 'yaml';
import { readFileSync } from 'node:fs';
const f = process.argv[2];
const txt = readFileSync(f, 'utf8');
try { const d = parse(txt, { strict: false, customTags: [{tag:'tag:yaml.org,2002:python/unicode', resolve:(s)=>s}] , prettyErrors:false}); console.log('ok strict:false', d.interactions.length); } catch (e) { console.log('fail', e.message.slice(0,100)); }
const docs = parseAllDocuments(txt, { strict: false, customTags: [{tag:'tag:yaml.org,2002:python/unicode', resolve:(s)=>s}] });
const d = Array.isArray(docs) ? docs[0] : docs;
console.log('errors', d.errors.length, d.errors.map(e=>e.code));
const js = d.toJS();
console.log(js.interactions.length, js.interactions.map(i=>i.response.status.code));
const b = js.interactions[9]?.response.body.string; try { JSON.parse(b); console.log('json ok'); } catch(e) { console.log('json bad', e.message); }
