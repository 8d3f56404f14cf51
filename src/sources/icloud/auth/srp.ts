/** @module Apple's GSA variant of SRP-6a (RFC 5054 group 2048, SHA-256, PBKDF2 password key, no username in x). */
import { createHash, pbkdf2, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';

const pbkdf2Async = promisify(pbkdf2);

/** RFC 5054 appendix A, 2048-bit group. */
export const N = BigInt('0x' +
  'AC6BDB41324A9A9BF166DE5E1389582FAF72B6651987EE07FC3192943DB56050A37329CBB4A099ED8193E0757767A13DD52312AB4B03310D' +
  'CD7F48A9DA04FD50E8083969EDB767B0CF6095179A163AB3661A05FBD5FAAAE82918A9962F0B93B855F97993EC975EEAA80D740ADBF4FF' +
  '747359D041D5C33EA71D281E446B14773BCA97B43A23FB801676BD207A436C6481F1D2B9078717461A5B9D32E688F87748544523B524B0' +
  'D57D5EA77A2775D2ECFA032CFBDBF52FB3786160279004E57AE6AF874E7303CE53299CCC041C7BC308D82A5698F3A8D0C38271AE35F8E9' +
  'DBFBB694B5C803D89F7AE435DE236D525F54759B65E372FCD68EF20FA7111F9E4AFF73');
export const g = 2n;
const N_BYTES = 256;

export type SrpProtocol = 's2k' | 's2k_fo';

export const sha256 = (...parts: Uint8Array[]): Buffer => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};

/** Minimal big-endian bytes (what Apple hashes for A, B, S in M1/M2/K). */
export function toBytes(n: bigint): Buffer {
  let hex = n.toString(16);
  if (hex.length % 2 === 1) hex = '0' + hex;
  return Buffer.from(hex, 'hex');
}

export const pad = (n: bigint): Buffer => {
  const b = toBytes(n);
  return b.length >= N_BYTES ? b : Buffer.concat([Buffer.alloc(N_BYTES - b.length), b]);
};

export const fromBytes = (b: Uint8Array): bigint => (b.length === 0 ? 0n : BigInt('0x' + Buffer.from(b).toString('hex')));

export function modPow(base: bigint, exp: bigint, mod: bigint): bigint {
  let result = 1n;
  let b = ((base % mod) + mod) % mod;
  let e = exp;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % mod;
    b = (b * b) % mod;
    e >>= 1n;
  }
  return result;
}

export const k = fromBytes(sha256(toBytes(N), pad(g)));

/** The PBKDF2 password key; `s2k_fo` feeds the lowercase hex digest instead of the raw one. */
export async function passwordKey(password: string, salt: Uint8Array, iterations: number, protocol: SrpProtocol): Promise<Buffer> {
  const digest = sha256(Buffer.from(password, 'utf8'));
  const p = protocol === 's2k_fo' ? Buffer.from(digest.toString('hex'), 'ascii') : digest;
  return pbkdf2Async(p, salt, iterations, 32, 'sha256');
}

/** x = H(salt || H(":" || P)); Apple leaves the username out but keeps the colon. */
export const computeX = (salt: Uint8Array, key: Uint8Array): bigint =>
  fromBytes(sha256(salt, sha256(Buffer.from(':'), key)));

export const computeU = (A: bigint, B: bigint): bigint => fromBytes(sha256(pad(A), pad(B)));

export function computeM1(accountName: string, salt: Uint8Array, A: bigint, B: bigint, K: Uint8Array): Buffer {
  const hN = sha256(toBytes(N));
  const hg = sha256(pad(g));
  const xor = Buffer.alloc(hN.length);
  for (let i = 0; i < hN.length; i++) xor[i] = hN[i]! ^ hg[i]!;
  return sha256(xor, sha256(Buffer.from(accountName, 'utf8')), salt, toBytes(A), toBytes(B), K);
}

export const computeM2 = (A: bigint, M1: Uint8Array, K: Uint8Array): Buffer => sha256(toBytes(A), M1, K);

/** Random source for the private exponent; injectable so tests can replay recorded exchanges. */
export type RandomBytes = (size: number) => Buffer;

export interface SrpClientStart {
  readonly a: bigint;
  readonly A: bigint;
}

export function startClient(random: RandomBytes = randomBytes): SrpClientStart {
  const a = fromBytes(random(32));
  return { a, A: modPow(g, a, N) };
}

export interface SrpChallenge {
  readonly accountName: string;
  readonly password: string;
  readonly salt: Uint8Array;
  readonly iterations: number;
  readonly protocol: SrpProtocol;
  readonly B: bigint;
}

export interface SrpProof {
  readonly M1: Buffer;
  readonly M2: Buffer;
  readonly K: Buffer;
}

/** Client side of the exchange; throws on a degenerate B or u, which would leak the password key. */
export async function clientProof(start: SrpClientStart, ch: SrpChallenge): Promise<SrpProof> {
  if (ch.B % N === 0n) throw new Error('SRP: server public value B is invalid');
  const u = computeU(start.A, ch.B);
  if (u === 0n) throw new Error('SRP: scrambling parameter u is zero');
  const x = computeX(ch.salt, await passwordKey(ch.password, ch.salt, ch.iterations, ch.protocol));
  const v = modPow(g, x, N);
  const base = (((ch.B - k * v) % N) + N) % N;
  const S = modPow(base, start.a + u * x, N);
  const K = sha256(toBytes(S));
  const M1 = computeM1(ch.accountName, ch.salt, start.A, ch.B, K);
  return { M1, M2: computeM2(start.A, M1, K), K };
}

/** What Apple stores per account instead of the password. */
export async function makeVerifier(password: string, salt: Uint8Array, iterations: number, protocol: SrpProtocol): Promise<bigint> {
  return modPow(g, computeX(salt, await passwordKey(password, salt, iterations, protocol)), N);
}
