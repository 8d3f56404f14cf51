/** @module Server half of Apple's GSA SRP: B from the stored verifier, and checking the client's M1/M2. */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { computeM1, computeM2, computeU, fromBytes, g, k, modPow, N, sha256, toBytes } from '../../sources/icloud/auth/srp.ts';

export function serverStart(verifier: bigint): { b: bigint; B: bigint } {
  const b = fromBytes(randomBytes(32));
  return { b, B: (k * verifier + modPow(g, b, N)) % N };
}

const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && timingSafeEqual(a, b);

/** True when the client proved knowledge of the password behind `verifier`. */
export function serverVerify(p: { accountName: string; salt: Uint8Array; verifier: bigint; A: bigint; b: bigint; B: bigint; m1: Uint8Array; m2: Uint8Array }): boolean {
  if (p.A % N === 0n) return false;
  const u = computeU(p.A, p.B);
  const S = modPow((p.A * modPow(p.verifier, u, N)) % N, p.b, N);
  const K = sha256(toBytes(S));
  const M1 = computeM1(p.accountName, p.salt, p.A, p.B, K);
  return same(M1, p.m1) && same(computeM2(p.A, M1, K), p.m2);
}
