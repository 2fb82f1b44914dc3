/**
 * Width and height of a JPEG (its frame header) or PNG (IHDR), read from the
 * first bytes; null for anything else, for which the caller asks sharp. Shard
 * images are JPEG or PNG (core's reencodeImage); knowing the size up front lets
 * the whole transform run as one sharp call instead of metadata() then the
 * pipeline, each a round trip through sharp's option marshalling.
 * Stored dimensions, like sharp's metadata(): EXIF orientation is not applied,
 * neither here nor by PIL in open_clip's transform.
 */
export function imageSize(bytes: Uint8Array): { width: number; height: number } | null {
  if (bytes.length >= 24 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47 &&
      bytes[12] === 0x49 && bytes[13] === 0x48 && bytes[14] === 0x44 && bytes[15] === 0x52) {
    const width = u32(bytes, 16);
    const height = u32(bytes, 20);
    return width > 0 && height > 0 ? { width, height } : null;
  }
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) return null;
  let pos = 2;
  while (pos + 3 < bytes.length) {
    if (bytes[pos] !== 0xff) return null;
    let marker = bytes[pos + 1]!;
    // Fill bytes: any number of 0xFF before a marker.
    while (marker === 0xff && pos + 2 < bytes.length) marker = bytes[++pos + 1]!;
    pos += 2;
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) continue; // TEM, RSTn, SOI: no length
    if (marker === 0xd9 || marker === 0xda) return null; // EOI or scan data before any frame header
    if (pos + 1 >= bytes.length) return null;
    const length = (bytes[pos]! << 8) | bytes[pos + 1]!;
    if (length < 2) return null;
    // SOF0..SOF15, except DHT (C4), JPG (C8) and DAC (CC) which share the range.
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      if (pos + 7 > bytes.length) return null;
      const height = (bytes[pos + 3]! << 8) | bytes[pos + 4]!;
      const width = (bytes[pos + 5]! << 8) | bytes[pos + 6]!;
      // Height 0 means "defined later by a DNL marker": let sharp work it out.
      return width > 0 && height > 0 ? { width, height } : null;
    }
    pos += length;
  }
  return null;
}

function u32(b: Uint8Array, at: number): number {
  return ((b[at]! << 24) >>> 0) + ((b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!);
}
