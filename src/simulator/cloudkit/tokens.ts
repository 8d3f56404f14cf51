/** @module Sync tokens: opaque base64 like Apple's, carrying a zone position (or database sequence) plus a MAC so garbage is detected. */
import { createHmac } from 'node:crypto';

const SECRET = 'photoferry-sim-tokens';
const mac = (data: Buffer) => createHmac('sha256', SECRET).update(data).digest().subarray(0, 6);

function mint(kind: number, zoneByte: number, position: number): string {
  const body = Buffer.alloc(8);
  body.writeUInt8(kind, 0); body.writeUInt8(zoneByte, 1); body.writeUIntBE(position, 2, 6);
  return Buffer.concat([body, mac(body)]).toString('base64');
}

export type TokenCheck = { ok: true; position: number } | { ok: false; reason: string };

function read(token: string, kind: number, zoneByte: number): TokenCheck {
  const raw = Buffer.from(token, 'base64');
  if (raw.length === 0 || (raw[0] !== 1 && raw[0] !== 2)) return { ok: false, reason: 'Unknown sync continuation type' };
  if (raw.length !== 14 || raw[0] !== kind || raw[1] !== zoneByte || !mac(raw.subarray(0, 8)).equals(raw.subarray(8))) {
    return { ok: false, reason: 'Invalid continuation format' };
  }
  return { ok: true, position: raw.readUIntBE(2, 6) };
}

export const zoneToken = (zoneByte: number, position: number) => mint(1, zoneByte, position);
export const readZoneToken = (token: string, zoneByte: number) => read(token, 1, zoneByte);
export const dbToken = (seq: number) => mint(2, 0, seq);
export const readDbToken = (token: string) => read(token, 2, 0);
