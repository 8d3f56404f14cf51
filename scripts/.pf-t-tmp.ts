import { bytesAt, headerOf, sha256Of } from '../src/simulator/library/media-bytes.ts';
import exifr from 'exifr';
const spec = { key: 'k1', format: 'jpeg' as const, size: 5000, takenAt: new Date('2021-05-06T07:08:09Z'), utcOffsetMinutes: 120 };
const all = bytesAt(spec, 0, 5000);
console.log(all.length, sha256Of(spec), Buffer.concat([bytesAt(spec,0,1234), bytesAt(spec,1234,5000)]).equals(all));
console.log(await exifr.parse(all, { pick: ['DateTimeOriginal', 'OffsetTimeOriginal'], reviveValues: false }));
import { writeFileSync } from 'node:fs'; writeFileSync('/tmp/pf/x.jpg', all);
