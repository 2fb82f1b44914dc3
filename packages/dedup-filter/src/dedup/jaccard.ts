/**
 * Exact set similarity of two shingle sets stored as sorted, duplicate-free
 * Uint32Arrays: a linear merge, no allocation.
 */
export function intersectionSize(a: Uint32Array, b: Uint32Array): number {
  let i = 0;
  let j = 0;
  let n = 0;
  const la = a.length;
  const lb = b.length;
  while (i < la && j < lb) {
    const x = a[i]!;
    const y = b[j]!;
    if (x === y) {
      n++;
      i++;
      j++;
    } else if (x < y) i++;
    else j++;
  }
  return n;
}

/** |A ∩ B| / |A ∪ B|; two empty sets have similarity 0 (nothing to call a duplicate). */
export function jaccard(a: Uint32Array, b: Uint32Array): number {
  if (a.length === 0 && b.length === 0) return 0;
  const inter = intersectionSize(a, b);
  return inter / (a.length + b.length - inter);
}

/** Sort in place and drop repeats; returns the duplicate-free prefix as a view. */
export function sortUnique(values: Uint32Array): Uint32Array {
  if (values.length < 2) return values;
  values.sort();
  let w = 1;
  for (let i = 1; i < values.length; i++) {
    if (values[i] !== values[w - 1]) values[w++] = values[i]!;
  }
  return values.subarray(0, w);
}

/** Union of many sorted sets, as one sorted duplicate-free array (a book's shingle set). */
export function unionOfSorted(sets: Uint32Array[]): Uint32Array {
  let total = 0;
  for (const s of sets) total += s.length;
  const all = new Uint32Array(total);
  let o = 0;
  for (const s of sets) {
    all.set(s, o);
    o += s.length;
  }
  return sortUnique(all).slice();
}
