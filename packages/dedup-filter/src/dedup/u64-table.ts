/**
 * An open-addressing hash table from 64-bit keys (two uint32 halves) to int32
 * values, on typed arrays: millions of entries without a JS object per entry.
 * Keys are hashes already, so a cheap mix of the halves picks the slot.
 */
export class U64Table {
  private keyLo: Uint32Array;
  private keyHi: Uint32Array;
  values: Int32Array;
  private used: Uint8Array;
  private mask: number;
  size = 0;

  constructor(expected: number) {
    let cap = 16;
    while (cap < expected * 2) cap *= 2;
    this.keyLo = new Uint32Array(cap);
    this.keyHi = new Uint32Array(cap);
    this.values = new Int32Array(cap);
    this.used = new Uint8Array(cap);
    this.mask = cap - 1;
  }

  private slotOf(lo: number, hi: number): number {
    let h = Math.imul(lo ^ Math.imul(hi, 0x9e3779b1), 0x85ebca6b);
    h ^= h >>> 15;
    let slot = h & this.mask;
    while (this.used[slot] === 1 && (this.keyLo[slot] !== lo || this.keyHi[slot] !== hi)) slot = (slot + 1) & this.mask;
    return slot;
  }

  /** The value stored for the key, or -1. */
  get(lo: number, hi: number): number {
    const slot = this.slotOf(lo >>> 0, hi >>> 0);
    return this.used[slot] === 1 ? this.values[slot]! : -1;
  }

  /**
   * Store `value` unless the key is present; returns the value that was
   * already there, or -1 when this call inserted it.
   */
  putIfAbsent(lo: number, hi: number, value: number): number {
    lo >>>= 0;
    hi >>>= 0;
    const slot = this.slotOf(lo, hi);
    if (this.used[slot] === 1) return this.values[slot]!;
    if ((this.size + 1) * 2 > this.mask + 1) {
      this.grow();
      return this.putIfAbsent(lo, hi, value);
    }
    this.used[slot] = 1;
    this.keyLo[slot] = lo;
    this.keyHi[slot] = hi;
    this.values[slot] = value;
    this.size++;
    return -1;
  }

  /** Overwrite the value of a present key (no-op when absent). */
  set(lo: number, hi: number, value: number): void {
    const slot = this.slotOf(lo >>> 0, hi >>> 0);
    if (this.used[slot] === 1) this.values[slot] = value;
  }

  /** Empty the table, keeping its capacity (one table serves every LSH band in turn). */
  clear(): void {
    this.used.fill(0);
    this.size = 0;
  }

  private grow(): void {
    const { keyLo, keyHi, values, used } = this;
    const cap = (this.mask + 1) * 2;
    this.keyLo = new Uint32Array(cap);
    this.keyHi = new Uint32Array(cap);
    this.values = new Int32Array(cap);
    this.used = new Uint8Array(cap);
    this.mask = cap - 1;
    this.size = 0;
    for (let i = 0; i < used.length; i++) if (used[i] === 1) this.putIfAbsent(keyLo[i]!, keyHi[i]!, values[i]!);
  }
}
