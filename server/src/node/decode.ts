/** How a file's bytes were turned into text, so fixes can be written back the same way. */
export type Encoding = 'utf8' | 'utf8-bom' | 'utf16le' | 'utf16be';

export interface DecodedText {
  readonly text: string;
  readonly encoding: Encoding;
  /** False when the bytes were not valid in their encoding (binary files): never write fixes back. */
  readonly exact: boolean;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const lenientUtf8 = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

/**
 * Decodes a file's bytes: UTF-8 by default (a byte-order mark is dropped), UTF-16 when a UTF-16
 * byte-order mark says so. Undecodable bytes become U+FFFD instead of failing.
 */
export function decode(bytes: Uint8Array): DecodedText {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return decodeUtf16(bytes.subarray(2), 'utf16le');
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return decodeUtf16(bytes.subarray(2), 'utf16be');
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  const body = bom ? bytes.subarray(3) : bytes;
  const encoding: Encoding = bom ? 'utf8-bom' : 'utf8';
  try {
    return { text: strictUtf8.decode(body), encoding, exact: true };
  } catch {
    return { text: lenientUtf8.decode(body), encoding, exact: false };
  }
}

function decodeUtf16(body: Uint8Array, encoding: 'utf16le' | 'utf16be'): DecodedText {
  const even = body.length - (body.length % 2);
  const units = Buffer.from(body.subarray(0, even));
  if (encoding === 'utf16be') units.swap16();
  return { text: units.toString('utf16le'), encoding, exact: even === body.length };
}

/** Encodes text back into the bytes of the encoding it was read in, byte-order mark included. */
export function encode(text: string, encoding: Encoding): Buffer {
  switch (encoding) {
    case 'utf8':
      return Buffer.from(text, 'utf8');
    case 'utf8-bom':
      return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]);
    case 'utf16le':
      return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    case 'utf16be':
      return Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()]);
  }
}
