/**
 * The MinHash inner loop as a tiny WebAssembly SIMD function: four
 * permutations per i32x4 multiply-add-min, sixteen per pass over the
 * shingles. The same arithmetic as the JS loop ((a*x + b) mod 2^32, unsigned
 * min), so both give identical signatures; this one runs several times faster
 * because JS has no vector instructions. Hand-assembled (a few dozen
 * instructions) rather than pulling a compiler toolchain into the build.
 */

const leb = (n: number): number[] => {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
};
const vec = (items: number[][]): number[] => [...leb(items.length), ...items.flat()];
const section = (id: number, body: number[]): number[] => [id, ...leb(body.length), ...body];
const str = (s: string): number[] => [...leb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];

const I32 = 0x7f;
const V128 = 0x7b;
const SIMD = 0xfd;
// opcodes
const localGet = (i: number) => [0x20, ...leb(i)];
const localSet = (i: number) => [0x21, ...leb(i)];
const localTee = (i: number) => [0x22, ...leb(i)];
const i32Const = (v: number) => [0x41, ...leb(v)];
const I32_ADD = [0x6a];
const I32_SHL = [0x74];
const I32_GE_U = [0x4f];
const v128Load = (offset: number) => [SIMD, 0x00, 4, ...leb(offset)];
const v128Store = (offset: number) => [SIMD, 0x0b, 4, ...leb(offset)];
const LOAD32_SPLAT = [SIMD, 0x09, 2, 0];
const I32X4_MUL = [SIMD, ...leb(181)];
const I32X4_ADD = [SIMD, ...leb(174)];
const I32X4_MIN_U = [SIMD, ...leb(183)];
const ALL_ONES = [SIMD, 0x0c, ...new Array(16).fill(0xff)];

/** Permutations handled per pass over the shingles (4 vectors of 4). */
export const SIMD_GROUP = 16;

// minhash(sh, n, ab, out, groups): for g < groups, out[16g..16g+16) = min over
// j < n of a*sh[j] + b, where a, b are the 16 multipliers/offsets at ab + 128g
// (a0 a1 a2 a3 b0 b1 b2 b3 as v128 each).
function body(): number[] {
  const [SH, N, AB, OUT, GROUPS, G, J, P] = [0, 1, 2, 3, 4, 5, 6, 7];
  const A = (v: number) => 8 + v; // v128 locals: a0..a3 = 8..11, b0..b3 = 12..15, m0..m3 = 16..19, x = 20
  const B = (v: number) => 12 + v;
  const M = (v: number) => 16 + v;
  const X = 20;
  const code: number[] = [];
  code.push(0x02, 0x40); // block $done
  code.push(0x03, 0x40); // loop $groups
  code.push(...localGet(G), ...localGet(GROUPS), ...I32_GE_U, 0x0d, 1); // br_if $done
  code.push(...localGet(AB), ...localGet(G), ...i32Const(7), ...I32_SHL, ...I32_ADD, ...localSet(P));
  for (let v = 0; v < 4; v++) code.push(...localGet(P), ...v128Load(16 * v), ...localSet(A(v)));
  for (let v = 0; v < 4; v++) code.push(...localGet(P), ...v128Load(64 + 16 * v), ...localSet(B(v)));
  for (let v = 0; v < 4; v++) code.push(...ALL_ONES, ...localSet(M(v)));
  code.push(...i32Const(0), ...localSet(J));
  code.push(0x02, 0x40); // block $end
  code.push(0x03, 0x40); // loop $shingles
  code.push(...localGet(J), ...localGet(N), ...I32_GE_U, 0x0d, 1); // br_if $end
  code.push(...localGet(SH), ...localGet(J), ...i32Const(2), ...I32_SHL, ...I32_ADD, ...LOAD32_SPLAT, ...localSet(X));
  for (let v = 0; v < 4; v++) {
    code.push(...localGet(M(v)), ...localGet(X), ...localGet(A(v)), ...I32X4_MUL, ...localGet(B(v)), ...I32X4_ADD, ...I32X4_MIN_U, ...localSet(M(v)));
  }
  code.push(...localGet(J), ...i32Const(1), ...I32_ADD, ...localSet(J));
  code.push(0x0c, 0); // br $shingles
  code.push(0x0b, 0x0b); // end loop, end block
  code.push(...localGet(OUT), ...localGet(G), ...i32Const(6), ...I32_SHL, ...I32_ADD, ...localTee(P), 0x1a); // p = out + 64g (drop)
  for (let v = 0; v < 4; v++) code.push(...localGet(P), ...localGet(M(v)), ...v128Store(16 * v));
  code.push(...localGet(G), ...i32Const(1), ...I32_ADD, ...localSet(G));
  code.push(0x0c, 0); // br $groups
  code.push(0x0b, 0x0b); // end loop, end block
  code.push(0x0b); // end function
  const locals = vec([[3, I32], [13, V128]]);
  const fn = [...locals, ...code];
  return [...leb(fn.length), ...fn];
}

function moduleBytes(): Uint8Array {
  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec([[0x60, ...vec([[I32], [I32], [I32], [I32], [I32]]), 0]])),
    ...section(3, vec([[0]])),
    ...section(5, vec([[0x00, 1]])), // memory: min 1 page, no max
    ...section(7, vec([[...str('minhash'), 0x00, 0], [...str('memory'), 0x02, 0]])),
    ...section(10, vec([body()])),
  ];
  return Uint8Array.from(bytes);
}

/** The bits of the WebAssembly JS API used here (the project's TS lib has no WebAssembly types). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: Record<string, unknown> };
}
const WASM = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

export interface SimdMinhash {
  /** out = signature of `shingles` under the permutations given at construction. */
  signature(shingles: Uint32Array, out: Uint32Array): void;
}

/** A SIMD MinHash for these permutations, or null where WebAssembly SIMD is unavailable or k % 16 != 0. */
export function createSimdMinhash(a: Int32Array, b: Int32Array): SimdMinhash | null {
  const k = a.length;
  if (k % SIMD_GROUP !== 0 || !WASM) return null;
  let instance: { exports: Record<string, unknown> };
  try {
    // fails to compile where the engine lacks SIMD: the JS loop then runs
    instance = new WASM.Instance(new WASM.Module(moduleBytes()));
  } catch {
    return null;
  }
  const fn = instance.exports.minhash as (sh: number, n: number, ab: number, out: number, groups: number) => void;
  const memory = instance.exports.memory as WasmMemory;
  const groups = k / SIMD_GROUP;
  const AB = 0;
  const OUT = AB + k * 8;
  const SH = OUT + k * 4;
  let capacity = 0;
  let view = new Uint32Array(memory.buffer);
  const ensure = (n: number): void => {
    const need = SH + n * 4;
    if (need > memory.buffer.byteLength) memory.grow(Math.ceil((need - memory.buffer.byteLength) / 65536));
    if (view.buffer !== memory.buffer) view = new Uint32Array(memory.buffer);
    capacity = (memory.buffer.byteLength - SH) / 4;
  };
  ensure(1024);
  for (let g = 0; g < groups; g++) {
    for (let i = 0; i < SIMD_GROUP; i++) {
      view[(AB >> 2) + g * 32 + i] = a[g * SIMD_GROUP + i]! >>> 0;
      view[(AB >> 2) + g * 32 + SIMD_GROUP + i] = b[g * SIMD_GROUP + i]! >>> 0;
    }
  }
  return {
    signature(shingles, out) {
      const n = shingles.length;
      if (n > capacity) ensure(n);
      view.set(shingles, SH >> 2);
      fn(SH, n, AB, OUT, groups);
      out.set(view.subarray(OUT >> 2, (OUT >> 2) + k));
    },
  };
}
