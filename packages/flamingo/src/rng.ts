/**
 * Deterministic initialisation: each parameter's values depend only on
 * (seed, parameter name), never on creation order or the backend.
 */

// Module-level aliases: global lookups are slow inside vm contexts (Jest), and these loops run millions of times.
const { imul, sqrt, log, cos, sin, PI } = Math;

function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** mulberry32: small, fast, good enough for weight init. */
export function rngFor(seed: number, name: string): () => number {
  let a = (fnv1a(name) ^ imul(seed >>> 0, 0x9e3779b9)) >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = imul(t ^ (t >>> 15), t | 1);
    t ^= t + imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function normalArray(n: number, std: number, rand: () => number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i += 2) {
    // Box-Muller; 1 - u keeps log away from 0.
    const r = sqrt(-2 * log(1 - rand()));
    const th = 2 * PI * rand();
    out[i] = r * cos(th) * std;
    if (i + 1 < n) out[i + 1] = r * sin(th) * std;
  }
  return out;
}

export function uniformArray(n: number, bound: number, rand: () => number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = (2 * rand() - 1) * bound;
  return out;
}
