/** An append-only typed array that doubles when full: columnar storage without a JS object per item. */
export class GrowableU32 {
  data: Uint32Array;
  length = 0;
  constructor(initial = 1024) {
    this.data = new Uint32Array(Math.max(16, initial));
  }
  /** Make room for `n` more values and return the offset where they go. */
  reserve(n: number): number {
    const need = this.length + n;
    if (need > this.data.length) {
      let cap = this.data.length;
      while (cap < need) cap *= 2;
      const next = new Uint32Array(cap);
      next.set(this.data.subarray(0, this.length));
      this.data = next;
    }
    const at = this.length;
    this.length = need;
    return at;
  }
  push(v: number): void {
    const at = this.reserve(1);
    this.data[at] = v;
  }
  /** The filled part, as an exact-size copy (frees the slack). */
  trimmed(): Uint32Array {
    return this.data.slice(0, this.length);
  }
}

export class GrowableI32 {
  data: Int32Array;
  length = 0;
  constructor(initial = 1024) {
    this.data = new Int32Array(Math.max(16, initial));
  }
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Int32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
  trimmed(): Int32Array {
    return this.data.slice(0, this.length);
  }
}
