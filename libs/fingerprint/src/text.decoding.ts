import { TextDecoder } from 'node:util';

/** The bytes are not text: NUL bytes in what is neither UTF-16 nor UTF-32. */
export class NotTextError extends Error {
  override readonly name = 'NotTextError';
}

export type TextEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'utf-32le' | 'utf-32be' | 'windows-1252';

interface ChunkDecoder {
  decode(bytes: Uint8Array, options: { stream: boolean }): string;
}

/** Node's TextDecoder has no UTF-32; this one keeps a partial code unit between chunks. */
class Utf32Decoder implements ChunkDecoder {
  private rest = Buffer.alloc(0);

  constructor(private readonly littleEndian: boolean) {}

  decode(bytes: Uint8Array, options: { stream: boolean }): string {
    const all = this.rest.length ? Buffer.concat([this.rest, bytes]) : Buffer.from(bytes);
    const whole = all.length - (all.length % 4);
    const parts: string[] = [];
    for (let i = 0; i < whole; i += 4) {
      const cp = this.littleEndian ? all.readUInt32LE(i) : all.readUInt32BE(i);
      parts.push(cp <= 0x10ffff && (cp < 0xd800 || cp > 0xdfff) ? String.fromCodePoint(cp) : '\ufffd');
    }
    this.rest = all.subarray(whole);
    if (!options.stream && this.rest.length) {
      this.rest = Buffer.alloc(0);
      parts.push('\ufffd');
    }
    return parts.join('');
  }
}

/**
 * Which encoding the first bytes of a file are in, and how long its byte order mark is. Without a
 * mark, UTF-16/32 show as NUL bytes at regular places (text files are mostly ASCII); UTF-8 that does
 * not validate is taken for Windows-1252 (Excel's legacy "CSV" export; a superset of ISO-8859-1 for
 * text).
 */
export function sniffEncoding(start: Uint8Array): { encoding: TextEncoding; bomLength: number } {
  const b = start;
  if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return { encoding: 'utf-8', bomLength: 3 };
  if (b[0] === 0xff && b[1] === 0xfe && b[2] === 0 && b[3] === 0 && b.length >= 4)
    return { encoding: 'utf-32le', bomLength: 4 };
  if (b[0] === 0 && b[1] === 0 && b[2] === 0xfe && b[3] === 0xff)
    return { encoding: 'utf-32be', bomLength: 4 };
  if (b[0] === 0xff && b[1] === 0xfe) return { encoding: 'utf-16le', bomLength: 2 };
  if (b[0] === 0xfe && b[1] === 0xff) return { encoding: 'utf-16be', bomLength: 2 };

  const sample = b.subarray(0, Math.min(b.length, 4096) & ~3);
  if (sample.length >= 4) {
    const zeroAt = [0, 0, 0, 0];
    for (let i = 0; i < sample.length; i++) if (sample[i] === 0) zeroAt[i % 4]++;
    const quads = sample.length / 4;
    const mostly = (count: number) => count >= quads * 0.9;
    const few = (count: number) => count <= quads * 0.1;
    // The top two bytes of a UTF-32 code unit are zero for every character in the BMP.
    if (few(zeroAt[0]) && mostly(zeroAt[2]) && mostly(zeroAt[3]))
      return { encoding: 'utf-32le', bomLength: 0 };
    if (mostly(zeroAt[0]) && mostly(zeroAt[1]) && few(zeroAt[3]))
      return { encoding: 'utf-32be', bomLength: 0 };
    const even = zeroAt[0] + zeroAt[2];
    const odd = zeroAt[1] + zeroAt[3];
    const pairs = sample.length / 2;
    if (odd >= pairs * 0.6 && even <= pairs * 0.1) return { encoding: 'utf-16le', bomLength: 0 };
    if (even >= pairs * 0.6 && odd <= pairs * 0.1) return { encoding: 'utf-16be', bomLength: 0 };
  }
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(b, { stream: true });
    return { encoding: 'utf-8', bomLength: 0 };
  } catch {
    return { encoding: 'windows-1252', bomLength: 0 };
  }
}

/** 0x80-0x9F of Windows-1252; Node without full ICU decodes them as Latin-1 control characters. */
const CP1252_HIGH =
  '\u20ac\ufffd\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\ufffd\u017d\ufffd' +
  '\ufffd\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\ufffd\u017e\u0178';

class Windows1252Decoder implements ChunkDecoder {
  decode(bytes: Uint8Array): string {
    const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
    return /[\x80-\x9f]/.test(text)
      ? text.replace(/[\x80-\x9f]/g, (c) => CP1252_HIGH[c.charCodeAt(0) - 0x80])
      : text;
  }
}

function decoderFor(encoding: TextEncoding): ChunkDecoder {
  if (encoding === 'windows-1252') return new Windows1252Decoder();
  if (encoding === 'utf-32le') return new Utf32Decoder(true);
  if (encoding === 'utf-32be') return new Utf32Decoder(false);
  return new TextDecoder(encoding);
}

/** Bytes looked at before choosing an encoding (unless the file is shorter). */
const SNIFF_BYTES = 4096;

/** Decodes a byte stream chunk by chunk, choosing the encoding from the first bytes. */
export class StreamingTextDecoder {
  private decoder: ChunkDecoder | null = null;
  private wide = false;
  private head: Buffer[] = [];
  private headLength = 0;
  encoding: TextEncoding | null = null;

  decode(chunk: Uint8Array): string {
    if (!this.decoder) {
      this.head.push(Buffer.from(chunk));
      this.headLength += chunk.length;
      if (this.headLength < SNIFF_BYTES) return '';
      return this.start();
    }
    return this.decodeBytes(chunk);
  }

  end(): string {
    const rest = this.decoder ? '' : this.start();
    return rest + (this.decoder?.decode(new Uint8Array(0), { stream: false }) ?? '');
  }

  private start(): string {
    const bytes = Buffer.concat(this.head);
    this.head = [];
    const { encoding, bomLength } = sniffEncoding(bytes);
    this.encoding = encoding;
    this.decoder = decoderFor(encoding);
    this.wide = encoding.startsWith('utf-16') || encoding.startsWith('utf-32');
    return this.decodeBytes(bytes.subarray(bomLength));
  }

  private decodeBytes(bytes: Uint8Array): string {
    if (!this.wide && bytes.includes(0)) throw new NotTextError('NUL bytes');
    return (this.decoder as ChunkDecoder).decode(bytes, { stream: true });
  }
}
