/**
 * @module A set of names (record names, path keys) held as 64-bit hashes in one typed array (open addressing): 8 to
 * 16 bytes a name, where a Set of strings costs ~100. A full listing remembers every record name it has seen,
 * a streamed plan every path it chose; at 1M assets that was hundreds of MB of strings. Two names sharing a 64-bit
 * hash would make one look present: about one chance in 10^7 for 2M names.
 */

const EMPTY = 0;

/** FNV-1a over the UTF-16 units, twice with different offsets: two independent 32-bit halves, never both zero. */
function hashes(name: string): [number, number] {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995) ^ (b >>> 15);
  }
  a >>>= 0;
  b >>>= 0;
  return [a, a === EMPTY && b === EMPTY ? 1 : b];
}

/**
 * The table doubles when it is 3/4 full. At 1/2, 1.1M names (a 1M-asset plan's paths) took 32 MB, half of it empty;
 * linear probing at 3/4 costs a few more probes per lookup, each two reads of one typed array.
 */
const MAX_LOAD = 0.75;

export class NameSet {
  private slots = new Uint32Array(2 * 1024);
  private count = 0;

  get size(): number { return this.count; }

  has(name: string): boolean {
    const [a, b] = hashes(name);
    const at = this.find(a, b);
    return this.slots[at] !== EMPTY || this.slots[at + 1] !== EMPTY;
  }

  /** Adds the name; false when it was already there. */
  add(name: string): boolean {
    const [a, b] = hashes(name);
    const at = this.find(a, b);
    if (this.slots[at] !== EMPTY || this.slots[at + 1] !== EMPTY) return false;
    this.slots[at] = a;
    this.slots[at + 1] = b;
    this.count += 1;
    if (this.count > (this.slots.length / 2) * MAX_LOAD) this.grow();
    return true;
  }

  /** The slot holding (a, b), or the empty slot where it would go. */
  private find(a: number, b: number): number {
    const mask = this.slots.length / 2 - 1;
    for (let i = (a ^ Math.imul(b, 0x9e3779b1)) & mask; ; i = (i + 1) & mask) {
      const x = this.slots[2 * i]!;
      const y = this.slots[2 * i + 1]!;
      if ((x === EMPTY && y === EMPTY) || (x === a && y === b)) return 2 * i;
    }
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Uint32Array(old.length * 2);
    for (let i = 0; i < old.length; i += 2) {
      const a = old[i]!;
      const b = old[i + 1]!;
      if (a === EMPTY && b === EMPTY) continue;
      const at = this.find(a, b);
      this.slots[at] = a;
      this.slots[at + 1] = b;
    }
  }
}
