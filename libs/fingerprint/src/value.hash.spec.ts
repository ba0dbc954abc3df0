import { hash32 } from '@shadowscan/domain';
import * as fc from 'fast-check';
import { normaliseText, normaliseValue } from './normalise';
import { checkHash, hashed, hashNumberBytes, hashTextBytes, parsed } from './value.hash';

/** Text built from the characters where normalising and number parsing have their edge cases. */
const text = fc
  .array(
    fc.constantFrom('a', 'Z', 'é', '0', '1', '9', ' ', '  ', '\t', '\n', '.', ',', '+', '-', 'e', '@', '€'),
    {
      maxLength: 12,
    },
  )
  .map((parts) => parts.join(''));

const numberText = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }).map(String),
  fc.integer().map(String),
  fc.tuple(fc.integer({ min: -99_999, max: 99_999 }), fc.nat(999_999)).map(([a, b]) => `${a}.${b}`),
  fc.constantFrom(
    '0',
    '-0',
    '0.000001',
    '0.0000001',
    '1.50',
    '00',
    '1e5',
    '123456789012345',
    '1234567890123456',
  ),
);

describe('byte hashers', () => {
  it('hash ASCII text exactly as the string path does, and refuse what they cannot', () => {
    fc.assert(
      fc.property(text, (s) => {
        const norm = normaliseText(s);
        if (!hashTextBytes(Buffer.from(s, 'utf8'), 0, Buffer.byteLength(s))) {
          // Refused: only text that is not plain ASCII, or is empty.
          expect(norm === s.toLowerCase() && /^[\x20-\x7e]+$/.test(s) && !/^ | $| {2}/.test(s)).toBe(false);
          return;
        }
        expect(hashed).toEqual({ hash: hash32(norm), check: checkHash(norm), length: norm.length });
      }),
      { numRuns: 2000 },
    );
  });

  it('hash numbers as written in a worksheet exactly as normaliseValue(Number(text)) does', () => {
    fc.assert(
      fc.property(numberText, (s) => {
        if (!hashNumberBytes(Buffer.from(s, 'latin1'), 0, s.length)) return;
        const norm = normaliseValue(Number(s));
        expect(parsed.value).toBe(Number(s));
        expect(hashed).toEqual({ hash: hash32(norm), check: checkHash(norm), length: norm.length });
      }),
      { numRuns: 2000 },
    );
  });

  it('take the fast path for the usual shapes', () => {
    for (const s of ['Paris', 'user1@example.com', '12.5', '+7', '-0.00', 'a b']) {
      expect(hashTextBytes(Buffer.from(s), 0, s.length)).toBe(true);
    }
    for (const s of ['42', '-12.25', '0.5', '123456789012345']) {
      expect(hashNumberBytes(Buffer.from(s), 0, s.length)).toBe(true);
    }
    for (const s of ['1E-7', '0.30000000000000004', '-0', '1.50', '1234567890123456']) {
      expect(hashNumberBytes(Buffer.from(s), 0, s.length)).toBe(false);
    }
  });
});
