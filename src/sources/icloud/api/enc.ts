/** @module Decoding of Apple's "Enc" fields (plain base64 for non-ADP accounts), tolerant of the bad encodings the cassettes contain. */

const STRICT_BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Text of an Enc field. Invalid base64 or invalid UTF-8 (both occur in recorded libraries) yield
 * undefined so the caller can fall back, instead of a name full of U+FFFD.
 */
export function decodeText(value: { raw: string; base64: boolean } | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!value.base64) return value.raw;
  const compact = value.raw.replace(/\s+/g, '');
  // Apple always pads; an unpadded value is a truncated one (the recorded bad-base64 case decodes to "….JP").
  if (compact.length % 4 !== 0 || !STRICT_BASE64.test(compact)) return undefined;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(compact, 'base64'));
  } catch {
    return undefined;
  }
}

/** Characters no destination accepts in a file name (and NUL), replaced by `_`; the name stays recognisable. */
export function safeFilename(name: string): string {
  // eslint-disable-next-line no-control-regex
  const cleaned = name.normalize('NFC').replace(/[\u0000-\u001f/\\:*?"<>|]/g, '_').trim();
  return cleaned === '' || cleaned === '.' || cleaned === '..' ? '_' : cleaned;
}

// ---- binary plist (location) ------------------------------------------------------------

type Plist = number | string | boolean | null | Plist[] | { [k: string]: Plist };

/** Minimal bplist00 reader: enough for `locationEnc` (dict of numbers and a date). */
export function parseBplist(buf: Buffer): Plist | undefined {
  if (buf.length < 40 || buf.toString('latin1', 0, 8) !== 'bplist00') return undefined;
  const trailer = buf.subarray(buf.length - 32);
  const offSize = trailer[6]!; const refSize = trailer[7]!;
  const numObjects = Number(trailer.readBigUInt64BE(8)); const top = Number(trailer.readBigUInt64BE(16));
  const tableOff = Number(trailer.readBigUInt64BE(24));
  const readUInt = (pos: number, size: number) => buf.readUIntBE(pos, size);
  const offsetOf = (i: number) => readUInt(tableOff + i * offSize, offSize);
  const read = (i: number, depth: number): Plist => {
    if (depth > 8 || i >= numObjects) return null;
    const pos = offsetOf(i);
    const marker = buf[pos]!; const hi = marker >> 4; const lo = marker & 0xf;
    const lenAt = (): [number, number] => {
      if (lo !== 0xf) return [lo, pos + 1];
      const intMarker = buf[pos + 1]!; const size = 1 << (intMarker & 0xf);
      return [readUInt(pos + 2, size), pos + 2 + size];
    };
    switch (hi) {
      case 0x0: return marker === 0x09 ? true : marker === 0x08 ? false : null;
      case 0x1: { const size = 1 << lo; return size <= 6 ? readUInt(pos + 1, size) : Number(buf.readBigInt64BE(pos + 1)); }
      case 0x2: return lo === 2 ? buf.readFloatBE(pos + 1) : buf.readDoubleBE(pos + 1);
      case 0x3: return buf.readDoubleBE(pos + 1); // seconds since 2001-01-01
      case 0x5: { const [n, at] = lenAt(); return buf.toString('latin1', at, at + n); }
      case 0x6: { const [n, at] = lenAt(); return buf.subarray(at, at + n * 2).swap16().toString('utf16le'); }
      case 0xa: { const [n, at] = lenAt(); return Array.from({ length: n }, (_, k) => read(readUInt(at + k * refSize, refSize), depth + 1)); }
      case 0xd: {
        const [n, at] = lenAt();
        const out: Record<string, Plist> = {};
        for (let k = 0; k < n; k++) {
          const key = read(readUInt(at + k * refSize, refSize), depth + 1);
          out[String(key)] = read(readUInt(at + (n + k) * refSize, refSize), depth + 1);
        }
        return out;
      }
      default: return null;
    }
  };
  try { return read(top, 0); } catch { return undefined; }
}

/** `locationEnc` → lat/lon/alt; the 2018 recording says `lon`, kei reads `lng`, so both are accepted. */
export function decodeLocation(base64: string | undefined): { latitude: number; longitude: number; altitude?: number } | undefined {
  if (base64 === undefined) return undefined;
  const plist = parseBplist(Buffer.from(base64, 'base64'));
  if (plist === undefined || plist === null || typeof plist !== 'object' || Array.isArray(plist)) return undefined;
  const lat = plist['lat']; const lon = plist['lon'] ?? plist['lng']; const alt = plist['alt'];
  if (typeof lat !== 'number' || typeof lon !== 'number' || (lat === 0 && lon === 0)) return undefined;
  return { latitude: lat, longitude: lon, ...(typeof alt === 'number' ? { altitude: alt } : {}) };
}
