/**
 * Picking the server for a key, as gomemcache's `ServerList.PickServer` does: the CRC-32 (IEEE)
 * of the key's bytes modulo the number of servers. The same key always maps to the same server
 * while the list is unchanged, and clients in other languages using the same rule agree.
 *
 * @module
 */

const CRC_TABLE = (() => {
  const table = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c;
  }
  return table;
})();

/** CRC-32 (IEEE 802.3, as Go's `crc32.ChecksumIEEE`) of the UTF-8 bytes of `text`. */
export function crc32(text: string): number {
  let crc = -1;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) {
      crc = (CRC_TABLE[(crc ^ code) & 0xff] as number) ^ (crc >>> 8);
      continue;
    }
    // Rare: non-ASCII keys are hashed over their UTF-8 bytes, like Go hashes []byte(key).
    for (const byte of Buffer.from(text.slice(i), 'utf8')) {
      crc = (CRC_TABLE[(crc ^ byte) & 0xff] as number) ^ (crc >>> 8);
    }
    break;
  }
  return (crc ^ -1) >>> 0;
}

/** Index of the server for `key` among `count` servers. */
export function pickServer(key: string, count: number): number {
  return count === 1 ? 0 : crc32(key) % count;
}
