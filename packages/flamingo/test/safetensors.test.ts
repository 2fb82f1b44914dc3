import { readSafetensors, readSafetensorsMetadata, writeSafetensors, SafetensorsError, entryToInt32 } from '../src/index.js';

function rawFile(header: object, data: Uint8Array): Uint8Array {
  const h = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + h.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
  out.set(h, 8);
  out.set(data, 8 + h.length);
  return out;
}

describe('safetensors', () => {
  it('round-trips F32 and I32 with sorted keys, 8-byte aligned header and identical rewrite', () => {
    const t = new Map([
      ['z.weight', { shape: [2, 3], data: Float32Array.from([1, -2, 3.5, 0, 1e-8, -7]) }],
      ['a.ids', { shape: [4], data: Int32Array.from([1, 32001, -5, 2147483647]) }],
    ]);
    const bytes = writeSafetensors(t, { format: 'pt' });
    const headerLen = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(headerLen % 8).toBe(0);
    const header = new TextDecoder().decode(bytes.subarray(8, 8 + headerLen));
    expect(header.indexOf('"a.ids"')).toBeLessThan(header.indexOf('"z.weight"'));
    const back = readSafetensors(bytes);
    expect([...back.keys()]).toEqual(['a.ids', 'z.weight']);
    expect(back.get('z.weight')).toEqual({ dtype: 'F32', shape: [2, 3], data: t.get('z.weight')!.data });
    expect(back.get('a.ids')!.dtype).toBe('I32');
    expect(Array.from(back.get('a.ids')!.data as Int32Array)).toEqual([1, 32001, -5, 2147483647]);
    expect(readSafetensorsMetadata(bytes)).toEqual({ format: 'pt' });
    const again = writeSafetensors(new Map([...back].map(([k, e]) => [k, { shape: e.shape, data: e.data as Float32Array }])), { format: 'pt' });
    expect(Buffer.from(again).equals(Buffer.from(bytes))).toBe(true);
  });

  it('widens F16 and BF16 to float32, and reads I64 ids', () => {
    // F16: 1.0 = 0x3c00, -2.0 = 0xc000, 65504 = 0x7bff, smallest subnormal 0x0001; BF16: 1.0 = 0x3f80, -3.0 = 0xc040
    const f16 = new Uint16Array([0x3c00, 0xc000, 0x7bff, 0x0001]);
    const bf16 = new Uint16Array([0x3f80, 0xc040]);
    const i64 = new BigInt64Array([5n, 32001n]);
    const data = new Uint8Array(8 + 4 + 16);
    data.set(new Uint8Array(f16.buffer), 0);
    data.set(new Uint8Array(bf16.buffer), 8);
    data.set(new Uint8Array(i64.buffer), 12);
    const file = rawFile({
      h: { dtype: 'F16', shape: [4], data_offsets: [0, 8] },
      b: { dtype: 'BF16', shape: [2], data_offsets: [8, 12] },
      ids: { dtype: 'I64', shape: [1, 2], data_offsets: [12, 28] },
    }, data);
    const r = readSafetensors(file);
    expect(Array.from(r.get('h')!.data as Float32Array)).toEqual([1, -2, 65504, Math.fround(2 ** -24)]);
    expect(r.get('h')!.dtype).toBe('F16');
    expect(Array.from(r.get('b')!.data as Float32Array)).toEqual([1, -3]);
    expect(Array.from(entryToInt32('ids', r.get('ids')!))).toEqual([5, 32001]);
  });

  it('rejects malformed files with a message saying what is wrong', () => {
    expect(() => readSafetensors(new Uint8Array(4))).toThrow(SafetensorsError);
    const huge = new Uint8Array(16);
    new DataView(huge.buffer).setBigUint64(0, 1000n, true);
    expect(() => readSafetensors(huge)).toThrow(/header length/);
    expect(() => readSafetensors(rawFile({ x: { dtype: 'F32', shape: [2], data_offsets: [0, 4] } }, new Uint8Array(4)))).toThrow(/needs 8 bytes/);
    expect(() => readSafetensors(rawFile({ x: { dtype: 'Q8', shape: [1], data_offsets: [0, 1] } }, new Uint8Array(1)))).toThrow(/dtype/);
    expect(() => readSafetensors(rawFile({ x: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }, new Uint8Array(8)))).toThrow(/cover/);
    expect(() => readSafetensors(rawFile({
      x: { dtype: 'F32', shape: [1], data_offsets: [0, 4] },
      y: { dtype: 'F32', shape: [1], data_offsets: [0, 4] },
    }, new Uint8Array(4)))).toThrow(/overlapping/);
    expect(() => readSafetensors(rawFile({ x: { dtype: 'F32', shape: [1], data_offsets: [0, 8] } }, new Uint8Array(4)))).toThrow();
    const notJson = rawFile({}, new Uint8Array(0));
    notJson[8] = 0x7b + 1;
    expect(() => readSafetensors(notJson)).toThrow(/JSON/);
    expect(() => writeSafetensors(new Map([['x', { shape: [3], data: new Float32Array(2) }]]))).toThrow(/holds 3 values/);
  });
});

describe('safetensors from a Node Buffer', () => {
  it('copies each tensor out (Buffer.slice would view the whole pool)', () => {
    const bytes = writeSafetensors(new Map([['a', { shape: [2], data: Float32Array.from([1, 2]) }], ['b', { shape: [1], data: Int32Array.from([7]) }]]));
    const pooled = Buffer.concat([Buffer.alloc(3), Buffer.from(bytes)]).subarray(3);
    const r = readSafetensors(pooled);
    expect(Array.from(r.get('a')!.data as Float32Array)).toEqual([1, 2]);
    expect(Array.from(r.get('b')!.data as Int32Array)).toEqual([7]);
  });
});
