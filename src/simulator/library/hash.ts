/** @module Deterministic hashing helpers for the generated library: cheap integer mixing plus SHA-1-derived names. */
import { createHash } from 'node:crypto';

/** 32-bit avalanche mix of several integers (murmur3 finalizer); cheap enough to call per asset per query. */
export function mix(...values: number[]): number {
  let h = 0x9e3779b9;
  for (const v of values) {
    h = Math.imul(h ^ (v | 0), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
  }
  return h >>> 0;
}

/** A float in [0, 1) from the same inputs. */
export const unit = (...values: number[]): number => mix(...values) / 0x100000000;

export function digest(text: string): Buffer {
  return createHash('sha1').update(text).digest();
}

/** Apple-style 28-char checksum id: base64 of 0x01 + 20 bytes (what `fileChecksum` and master names look like). */
export function checksumId(text: string): string {
  return Buffer.concat([Buffer.from([1]), digest(text)]).toString('base64');
}

/** Uppercase UUID-shaped name derived from text (CPLAsset / CPLAlbum record names). */
export function uuidOf(text: string): string {
  const h = digest(text).toString('hex').toUpperCase();
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}
