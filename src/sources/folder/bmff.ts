/** @module Just enough ISO-BMFF (MOV/MP4/HEIC) reading: the movie creation time and the HEIF Exif item. */
import type { FileHandle } from 'node:fs/promises';

interface Box { readonly type: string; readonly start: number; readonly header: number; readonly end: number }

async function readAt(fh: FileHandle, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  const { bytesRead } = await fh.read(buf, 0, length, position);
  return buf.subarray(0, bytesRead);
}

/** The boxes between `start` and `end`, reading only their headers (an mdat of gigabytes is skipped, not read). */
async function* boxes(fh: FileHandle, start: number, end: number): AsyncGenerator<Box> {
  for (let at = start; at + 8 <= end;) {
    const head = await readAt(fh, at, 16);
    if (head.length < 8) return;
    let size = head.readUInt32BE(0);
    let header = 8;
    if (size === 1 && head.length >= 16) { size = Number(head.readBigUInt64BE(8)); header = 16; }
    else if (size === 0) size = end - at;
    if (size < header) return; // corrupt: stop rather than loop
    yield { type: head.toString('latin1', 4, 8), start: at, header, end: Math.min(at + size, end) };
    at += size;
  }
}

async function find(fh: FileHandle, type: string, start: number, end: number): Promise<Box | undefined> {
  for await (const box of boxes(fh, start, end)) if (box.type === type) return box;
  return undefined;
}

const EPOCH_1904_MS = Date.UTC(1904, 0, 1);

/** moov/mvhd creation time (UTC by the spec); undefined when absent or zero, as many cameras leave it. */
export async function movieCreationTime(fh: FileHandle, fileSize: number): Promise<Date | undefined> {
  const moov = await find(fh, 'moov', 0, fileSize);
  if (!moov) return undefined;
  const mvhd = await find(fh, 'mvhd', moov.start + moov.header, moov.end);
  if (!mvhd) return undefined;
  const body = await readAt(fh, mvhd.start + mvhd.header, 12);
  if (body.length < 12) return undefined;
  const seconds = body[0] === 1 ? Number(body.readBigUInt64BE(4)) : body.readUInt32BE(4);
  return seconds === 0 ? undefined : new Date(EPOCH_1904_MS + seconds * 1000);
}

function uint(buf: Buffer, at: number, bytes: number): number {
  if (bytes === 0) return 0;
  if (bytes === 2) return buf.readUInt16BE(at);
  if (bytes === 4) return buf.readUInt32BE(at);
  return Number(buf.readBigUInt64BE(at));
}

/** Children of a box held in memory. `from` skips a full box's version/flags or counts. */
function children(buf: Buffer, from: number): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (let at = from; at + 8 <= buf.length;) {
    const size = buf.readUInt32BE(at);
    if (size < 8) break;
    const type = buf.toString('latin1', at + 4, at + 8);
    if (!out.has(type)) out.set(type, buf.subarray(at, at + size));
    at += size;
  }
  return out;
}

function exifItemId(iinf: Buffer): number | undefined {
  const version = iinf[8]!;
  let at = 12 + (version === 0 ? 2 : 4);
  while (at + 12 <= iinf.length) {
    const size = iinf.readUInt32BE(at);
    if (size < 12) return undefined;
    const v = iinf[at + 8]!;
    if (v >= 2) {
      const idBytes = v === 3 ? 4 : 2;
      const type = iinf.toString('latin1', at + 12 + idBytes + 2, at + 12 + idBytes + 6);
      if (type === 'Exif') return uint(iinf, at + 12, idBytes);
    }
    at += size;
  }
  return undefined;
}

function extentOf(iloc: Buffer, itemId: number): { offset: number; length: number } | undefined {
  const version = iloc[8]!;
  const offsetSize = iloc[12]! >> 4, lengthSize = iloc[12]! & 15, baseSize = iloc[13]! >> 4;
  const indexSize = version === 0 ? 0 : iloc[13]! & 15;
  const idBytes = version < 2 ? 2 : 4;
  let at = 14;
  const count = uint(iloc, at, idBytes);
  at += idBytes;
  for (let i = 0; i < count && at < iloc.length; i++) {
    const id = uint(iloc, at, idBytes);
    at += idBytes;
    const method = version === 0 ? 0 : iloc.readUInt16BE(at) & 15;
    if (version !== 0) at += 2;
    at += 2; // data_reference_index
    const base = uint(iloc, at, baseSize);
    at += baseSize;
    const extents = iloc.readUInt16BE(at);
    at += 2;
    // libheif puts the position in base_offset with extent_offset 0, which exifr 7 ignores: hence this reader
    const offset = base + uint(iloc, at + indexSize, offsetSize);
    const length = uint(iloc, at + indexSize + offsetSize, lengthSize);
    if (id === itemId) return method === 0 ? { offset, length } : undefined;
    at += extents * (indexSize + offsetSize + lengthSize);
  }
  return undefined;
}

/** The TIFF bytes of a HEIF's Exif item, or undefined when it has none. */
export async function heifExifTiff(fh: FileHandle, fileSize: number): Promise<Buffer | undefined> {
  const meta = await find(fh, 'meta', 0, Math.min(fileSize, 1 << 20));
  if (!meta || meta.end - meta.start > 4 << 20) return undefined;
  const kids = children(await readAt(fh, meta.start, meta.end - meta.start), meta.header + 4);
  const iinf = kids.get('iinf'), iloc = kids.get('iloc');
  if (!iinf || !iloc) return undefined;
  const id = exifItemId(iinf);
  const extent = id === undefined ? undefined : extentOf(iloc, id);
  if (!extent || extent.length < 12 || extent.length > 4 << 20) return undefined;
  const item = await readAt(fh, extent.offset, extent.length);
  const tiffAt = 4 + item.readUInt32BE(0); // exif_tiff_header_offset: 6 when Apple keeps "Exif\0\0"
  return tiffAt < item.length ? item.subarray(tiffAt) : undefined;
}
