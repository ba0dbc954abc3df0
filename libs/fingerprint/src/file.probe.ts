import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/** Compound File Binary (OLE2) signature: legacy .xls, and the container Office uses for encrypted files. */
const CFB_MAGIC = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
/** The stream name inside a CFB container that holds an encrypted OOXML package. */
const ENCRYPTED_PACKAGE = Buffer.from('EncryptedPackage', 'utf16le');

export interface FileProbe {
  sha256: string;
  /** Starts with the CFB signature. */
  isCfb: boolean;
  /** A CFB file holding an encrypted OOXML package (only looked for when isCfb). */
  hasEncryptedPackage: boolean;
}

/** One pass over the bytes: the hash, and the container sniffing that must happen before any parser. */
export async function probeFile(path: string, signal: AbortSignal): Promise<FileProbe> {
  const hash = createHash('sha256');
  let head = Buffer.alloc(0);
  let isCfb: boolean | undefined;
  let hasEncryptedPackage = false;
  // The marker may straddle two chunks.
  let tail = Buffer.alloc(0);

  for await (const chunk of createReadStream(path, { signal })) {
    const bytes = chunk as Buffer;
    hash.update(bytes);
    if (isCfb === undefined) {
      head = Buffer.concat([head, bytes]);
      if (head.length >= CFB_MAGIC.length) isCfb = head.subarray(0, CFB_MAGIC.length).equals(CFB_MAGIC);
    }
    if (isCfb && !hasEncryptedPackage) {
      const window = Buffer.concat([tail, bytes]);
      hasEncryptedPackage = window.includes(ENCRYPTED_PACKAGE);
      tail = window.subarray(Math.max(0, window.length - ENCRYPTED_PACKAGE.length + 1));
    }
  }
  return { sha256: hash.digest('hex'), isCfb: isCfb ?? false, hasEncryptedPackage };
}
