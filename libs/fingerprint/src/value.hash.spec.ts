import { hash32 } from '@shadowscan/domain';
import * as fc from 'fast-check';
import { normaliseText, normaliseValue } from './normalise';
import {
  checkHash,
  Hashed,
  hashed,
  hashLongNumberBytes,
  hashNumberBytes,
  hashTextBytes,
  parsed,
  scanTextField,
  scannedField,
} from './value.hash';

/** What the hashers last set in `hashed`, as an object to compare. */
function lastHashed(): { hash: number; check: number; length: number } {
  return { hash: hashed[Hashed.Hash], check: hashed[Hashed.Check], length: hashed[Hashed.Length] };
}

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
        expect(lastHashed()).toEqual({ hash: hash32(norm), check: checkHash(norm), length: norm.length });
      }),
      { numRuns: 2000 },
    );
  });

  it('hash numbers as written in a worksheet exactly as normaliseValue(Number(text)) does', () => {
    fc.assert(
      fc.property(numberText, (s) => {
        if (!hashNumberBytes(Buffer.from(s, 'latin1'), 0, s.length)) return;
        const norm = normaliseValue(Number(s));
        expect(parsed[0]).toBe(Number(s));
        expect(lastHashed()).toEqual({ hash: hash32(norm), check: checkHash(norm), length: norm.length });
      }),
      { numRuns: 2000 },
    );
  });

  it('hash long numbers (binary noise) as normaliseValue rounds them to 15 digits', () => {
    // As writers put doubles in a worksheet: shortest text (String) or 16 and 17 significant digits.
    const written = fc
      .oneof(
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc
          .tuple(fc.integer({ min: -9_999_999, max: 9_999_999 }), fc.integer({ min: 1, max: 999 }))
          .map(([a, b]) => (a * 1.37) / b),
        fc.tuple(fc.nat(99), fc.nat(99)).map(([a, b]) => 0.1 * a + 0.2 * b),
      )
      .chain((x) => fc.constantFrom(String(x), x.toPrecision(16), x.toPrecision(17)).map((t) => ({ x, t })));
    let taken = 0;
    fc.assert(
      fc.property(written, ({ t }) => {
        if (!hashLongNumberBytes(Buffer.from(t, 'latin1'), 0, t.length)) return;
        taken++;
        const norm = normaliseValue(Number(t));
        expect(parsed[0]).toBe(Number(t));
        expect(lastHashed()).toEqual({ hash: hash32(norm), check: checkHash(norm), length: norm.length });
      }),
      { numRuns: 5000 },
    );
    expect(taken).toBeGreaterThan(1000);
    for (const [t, norm] of [
      ['0.30000000000000004', '0.3'],
      ['1234.5600000000001', '1234.56'],
      ['-99999.999999999985', '-100000'],
      ['0.099999999999999992', '0.1'],
    ]) {
      expect(hashLongNumberBytes(Buffer.from(t), 0, t.length)).toBe(true);
      expect(hashed[Hashed.Hash]).toBe(hash32(norm));
      expect(normaliseValue(Number(t))).toBe(norm);
    }
    // Near a rounding midpoint, exponents, short numbers: the string path.
    for (const t of ['1.0000000000000050', '1E-7', '12.5', '0.0000012345678901234']) {
      expect(hashLongNumberBytes(Buffer.from(t), 0, t.length)).toBe(false);
    }
  });

  it('find and hash an unquoted CSV field in one pass, as hashTextBytes does', () => {
    fc.assert(
      fc.property(text, fc.constantFrom(',', ';', '\t', '\n'), (s, end) => {
        const b = Buffer.from(`${s}${end}x`, 'utf8');
        const j = scanTextField(b, 0, end === '\n' ? 44 : end.charCodeAt(0));
        const field = b.toString('utf8', 0, j);
        expect(field.includes(end) || field.includes('\n') || field.includes('\r')).toBe(false);
        const expected = j > 0 && hashTextBytes(b, 0, j);
        const expectedHashes = lastHashed();
        scanTextField(b, 0, end === '\n' ? 44 : end.charCodeAt(0));
        expect(scannedField.hashed).toBe(expected);
        if (expected) expect(lastHashed()).toEqual(expectedHashes);
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
