import { PixelPool } from '../src/pixel-pool.js';
import { IMAGE_FLOATS } from '../src/shapes.js';

describe('PixelPool', () => {
  it('gives exact, zeroed buffers of their own until batches are released', () => {
    const pool = new PixelPool(2);
    const lease = pool.take(2, 3, 10);
    expect(lease).toMatchObject({ recycled: false, slab: null });
    expect(lease.pixels.length).toBe(2 * 3 * IMAGE_FLOATS);
    expect(lease.pixels.buffer.byteLength).toBe(lease.pixels.byteLength);
    expect(lease.pixels.buffer.constructor.name).toBe('ArrayBuffer');
    expect(pool.size).toBe(0);
  });

  it('then puts batches on shared slabs, reusing the smallest idle one that fits', () => {
    const pool = new PixelPool(3);
    pool.enable();
    const a = pool.take(2, 1, 10);
    expect(a).toMatchObject({ recycled: false, slab: 0, created: true });
    expect(a.pixels.buffer.constructor.name).toBe('SharedArrayBuffer');
    const b = pool.take(2, 3, 10);
    // 3 slots per sample -> a slab of 4 (power of two), capped at maxImages.
    expect(b).toMatchObject({ slab: 1, created: true });
    expect(b.pixels.buffer.byteLength).toBe(2 * 4 * IMAGE_FLOATS * 4);
    pool.free(1);
    pool.free(0);
    expect(pool.take(2, 1, 10)).toMatchObject({ slab: 0, recycled: true, created: false });
    const c = pool.take(2, 2, 10);
    expect(c).toMatchObject({ slab: 1, recycled: true });
    expect(c.pixels.length).toBe(2 * 2 * IMAGE_FLOATS);
    expect(pool.idle).toBe(0);
  });

  it('keeps at most maxSlabs: replaces an idle slab that is too small, else gives a buffer of its own', () => {
    const pool = new PixelPool(1, false);
    pool.enable();
    const small = pool.take(1, 1, 10);
    expect(small.pixels.buffer.constructor.name).toBe('ArrayBuffer');
    expect(pool.take(1, 1, 10)).toMatchObject({ slab: null, recycled: false });
    pool.free(0);
    const big = pool.take(1, 5, 10);
    expect(big).toMatchObject({ slab: 0, created: true, recycled: false });
    expect(big.pixels.buffer.byteLength).toBe(8 * IMAGE_FLOATS * 4);
    expect(pool.size).toBe(1);
    expect(() => pool.free(3)).toThrow(/no pixel slab 3/);
  });
});
