/** @module MOV/MP4 writer: ftyp + moov/mvhd (creation time) + mdat of pseudo-random payload, streamed. */
import type { FileHandle } from 'node:fs/promises';
import type { ByteStream } from './prng.ts';
import { writeRandom } from './write-util.ts';

const EPOCH_1904 = Date.UTC(1904, 0, 1) / 1000;

function box(type: string, ...payload: Buffer[]): Buffer {
  const body = Buffer.concat(payload);
  const head = Buffer.alloc(8);
  head.writeUInt32BE(8 + body.length, 0);
  head.write(type, 4, 'latin1');
  return Buffer.concat([head, body]);
}

function mvhd(createdAt: Date, durationSeconds: number): Buffer {
  const b = Buffer.alloc(100);
  const t = Math.floor(createdAt.getTime() / 1000) - EPOCH_1904;
  b.writeUInt32BE(0, 0); // version 0, flags 0: 32-bit times last until 2040, enough for samples
  b.writeUInt32BE(t, 4);
  b.writeUInt32BE(t, 8);
  b.writeUInt32BE(600, 12); // QuickTime's customary timescale
  b.writeUInt32BE(Math.round(durationSeconds * 600), 16);
  b.writeUInt32BE(0x00010000, 20); // rate 1.0
  b.writeUInt16BE(0x0100, 24); // volume 1.0
  // identity matrix: a, b, u, c, d, v, x, y, w
  [0x00010000, 0, 0, 0, 0x00010000, 0, 0, 0, 0x40000000].forEach((v, i) => b.writeUInt32BE(v, 36 + i * 4));
  b.writeUInt32BE(1, 96); // next track id
  return box('mvhd', b);
}

/** The mdat header for `room` bytes of box (header included), 64-bit sized when it must be. */
export function mdatHeader(room: number): { header: Buffer; payload: number } {
  const large = room > 0xffffffff;
  const header = Buffer.alloc(large ? 16 : 8);
  const payload = Math.max(0, room - header.length);
  header.write('mdat', 4, 'latin1');
  if (large) {
    header.writeUInt32BE(1, 0);
    header.writeBigUInt64BE(BigInt(payload + 16), 8);
  } else {
    header.writeUInt32BE(payload + 8, 0);
  }
  return { header, payload };
}

export interface MovieSpec {
  readonly takenAt: Date;
  readonly container: 'mov' | 'mp4';
  readonly durationSeconds: number;
}

/** `size` bytes in total; a payload over 4 GiB gets a 64-bit mdat header. */
export async function writeMovie(fh: FileHandle, spec: MovieSpec, size: number, bytes: ByteStream): Promise<void> {
  const ftyp = spec.container === 'mov'
    ? box('ftyp', Buffer.from('qt  \x20\x05\x03\x00qt  ', 'latin1'))
    : box('ftyp', Buffer.from('isom\0\0\x02\0isomiso2mp41', 'latin1'));
  const moov = box('moov', mvhd(spec.takenAt, spec.durationSeconds));
  const head = Buffer.concat([ftyp, moov]);
  const { header: mdatHead, payload } = mdatHeader(Math.max(0, size - head.length));
  await fh.write(Buffer.concat([head, mdatHead]));
  await writeRandom(fh, bytes, payload);
}
