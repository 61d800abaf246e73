/**
 * Format checksums carried by some credentials, used to tell a real token from a look-alike.
 *
 * GitHub (`ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_`) and npm (`npm_`) tokens end in a checksum: the
 * 30 random base62 characters after the prefix are followed by their CRC-32 (IEEE 802.3, the
 * zlib polynomial), written as 6 base62 digits in the alphabet `0-9A-Za-z`, left-padded with `0`.
 *
 * @module
 */

const CRC_TABLE: Uint32Array = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/**
 * CRC-32 (IEEE 802.3, as in zlib and PNG) of a string's UTF-16 code units taken as bytes (only
 * meaningful for ASCII), as an unsigned 32-bit integer.
 */
export function crc32(text: string): number {
  let crc = 0xffffffff;
  for (let i = 0; i < text.length; i++) {
    crc = (crc >>> 8) ^ CRC_TABLE[(crc ^ text.charCodeAt(i)) & 0xff];
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** The base62 alphabet GitHub and npm use for token checksums (digits, upper, lower). */
const BASE62_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** `n` (a non-negative integer below 2^53) in base62, left-padded with `0` to `width` digits. */
export function base62(n: number, width = 6): string {
  let out = "";
  let x = Math.floor(n);
  while (x > 0) {
    out = BASE62_ALPHABET[x % 62] + out;
    x = Math.floor(x / 62);
  }
  return out.padStart(width, "0");
}

/**
 * True when `token` is `prefix` + 30 base62 characters + the 6-character base62 CRC-32 of those
 * 30 characters: the checksum GitHub's and npm's current token formats carry.
 */
export function base62Crc32Valid(token: string, prefix: string): boolean {
  if (!token.startsWith(prefix) || token.length !== prefix.length + 36) return false;
  const body = token.slice(prefix.length, prefix.length + 30);
  const check = token.slice(prefix.length + 30);
  if (!/^[0-9A-Za-z]{30}$/.test(body)) return false;
  return base62(crc32(body)) === check;
}

/** Appends the 6-character base62 CRC-32 checksum to `prefix` + `body` (for tests and corpora). */
export function withBase62Crc32(prefix: string, body: string): string {
  return prefix + body + base62(crc32(body));
}
