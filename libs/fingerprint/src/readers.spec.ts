import * as fc from 'fast-check';
import * as Papa from 'papaparse';
import { sniffDelimiter } from './csv.reader';
import { CsvTokenizer, RecordTooLongError, tokenize } from './csv.tokenizer';
import { classifyFormat, excelSerialToDate } from './number-format';
import { sniffEncoding, StreamingTextDecoder } from './text.decoding';

describe('CsvTokenizer', () => {
  it('parses quotes, doubled quotes, delimiters and line breaks inside quotes, and CR/LF/CRLF', () => {
    expect(tokenize('a,"b ""x"", y",c\r\n1,"2\n3",4\r5,6,7', ',')).toEqual([
      ['a', 'b "x", y', 'c'],
      ['1', '2\n3', '4'],
      ['5', '6', '7'],
    ]);
    expect(tokenize('a,b,\n\n', ',')).toEqual([['a', 'b', ''], ['']]);
    expect(tokenize('', ',')).toEqual([]);
  });

  it('gives the same records however the text is cut into chunks (property)', () => {
    const field = fc.stringMatching(/^[a;,"\r\n x]{0,6}$/);
    fc.assert(
      fc.property(
        fc.array(fc.array(field, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 10 }),
        fc.constantFrom(',', ';'),
        fc.array(fc.nat(), { maxLength: 8 }),
        (rows, delimiter, cuts) => {
          const text = Papa.unparse(rows, { delimiter, newline: '\r\n', quotes: false });
          const whole = tokenize(text, delimiter);
          const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
          const t = new CsvTokenizer(delimiter);
          const out: string[][] = [];
          let from = 0;
          for (const p of [...points, text.length]) {
            t.push(text.slice(from, p), (r) => out.push(r));
            from = p;
          }
          t.end((r) => out.push(r));
          expect(out).toEqual(whole);
          // And what papaparse wrote is what we read back (a last row of one empty field is a bare
          // line break, which no reader can tell from the end of the file).
          const last = rows[rows.length - 1];
          if (!(last.length === 1 && last[0] === '')) expect(whole).toEqual(rows);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('reads only as far as it must for the first records, and gives the same ones', () => {
    // Quoted line breaks and doubled quotes, across many 4 KB pieces.
    const rows = Array.from({ length: 3_000 }, (_, i) => `${i},"line ${i}\nnext ""${i}""",x${i % 7}`);
    const text = `${rows.join('\r\n')}\r\n`;
    const all = tokenize(text, ',');
    expect(all).toHaveLength(3_000);
    expect(all[1]).toEqual(['1', 'line 1\nnext "1"', 'x1']);
    for (const first of [1, 50, 2_999, 3_000, 5_000]) {
      const some = tokenize(text, ',', '"', first);
      expect(some.length).toBeGreaterThanOrEqual(Math.min(first, 3_000));
      expect(some.length).toBeLessThan(Math.min(first, 3_000) + 200);
      expect(some).toEqual(all.slice(0, some.length));
    }
  });

  it('refuses a record that never ends instead of buffering the whole file', () => {
    const t = new CsvTokenizer(',');
    const chunk = `"${'x'.repeat(1024 * 1024)}`;
    expect(() => {
      for (let i = 0; i < 40; i++) t.push(chunk, () => undefined);
    }).toThrow(RecordTooLongError);
  });

  it('sniffs the delimiter that splits rows consistently, ignoring a preamble', () => {
    expect(sniffDelimiter('Report of sales, by month\nmonth;total;avg\njan;1,5;2\nfeb;2,5;3\n')).toBe(';');
    expect(sniffDelimiter('a|b|c\n1|2|3\n')).toBe('|');
    expect(sniffDelimiter('a\tb\n1\t2\n')).toBe('\t');
    expect(sniffDelimiter('single column\nvalue\n')).toBe(',');
  });
});

describe('text encodings', () => {
  const text = 'Zoë;€5\n';
  it.each([
    ['utf-8', Buffer.from(text, 'utf8')],
    ['utf-16le', Buffer.from(text, 'utf16le')],
    ['utf-16be', Buffer.from(text, 'utf16le').swap16()],
    ['utf-32le', utf32(text, true)],
    ['utf-32be', utf32(text, false)],
  ])('recognises %s without a byte order mark', (encoding, bytes) => {
    expect(sniffEncoding(bytes).encoding).toBe(encoding);
    const d = new StreamingTextDecoder();
    // Fed one byte at a time: characters split across chunks must survive.
    const out = Array.from(bytes, (b) => d.decode(Buffer.from([b]))).join('') + d.end();
    expect(out).toBe(text);
  });

  it('takes bytes that are not UTF-8 for Windows-1252, including its 0x80-0x9F characters', () => {
    const bytes = Buffer.from([0x80, 0x20, 0x93, 0x71, 0x94, 0x20, 0xe9]);
    const d = new StreamingTextDecoder();
    expect(d.decode(bytes) + d.end()).toBe('€ “q” é');
    expect(d.encoding).toBe('windows-1252');
  });
});

function utf32(text: string, littleEndian: boolean): Buffer {
  const points = Array.from(text, (ch) => ch.codePointAt(0) as number);
  const b = Buffer.alloc(points.length * 4);
  points.forEach((p, i) => (littleEndian ? b.writeUInt32LE(p, i * 4) : b.writeUInt32BE(p, i * 4)));
  return b;
}

describe('Excel number formats and serials', () => {
  it.each([
    ['General', 'general'],
    ['0.00', 'number'],
    ['#,##0.00 [$€-407]', 'currency'],
    ['"$"#,##0.00_);("$"#,##0.00)', 'currency'],
    ['[$-409]#,##0.00', 'number'],
    ['0.0%', 'percent'],
    ['dd/mm/yyyy', 'date'],
    ['m/d/yy h:mm', 'datetime'],
    ['h:mm AM/PM', 'time'],
    ['[h]:mm:ss', 'number'],
    ['0.00E+00', 'number'],
    ['@', 'text'],
    ['[Red]-0.00;0.00', 'number'],
  ])('%s is %s', (code, kind) => {
    expect(classifyFormat(code)).toBe(kind);
  });

  it('converts serials in both date systems, minding the phantom 29 February 1900', () => {
    expect(excelSerialToDate(45292, false)?.toISOString()).toBe('2024-01-01T00:00:00.000Z');
    expect(excelSerialToDate(45292.5, false)?.toISOString()).toBe('2024-01-01T12:00:00.000Z');
    expect(excelSerialToDate(1, false)?.toISOString()).toBe('1900-01-01T00:00:00.000Z');
    expect(excelSerialToDate(59, false)?.toISOString()).toBe('1900-02-28T00:00:00.000Z');
    expect(excelSerialToDate(61, false)?.toISOString()).toBe('1900-03-01T00:00:00.000Z');
    expect(excelSerialToDate(0, true)?.toISOString()).toBe('1904-01-01T00:00:00.000Z');
    expect(excelSerialToDate(43830, true)?.toISOString()).toBe('2024-01-01T00:00:00.000Z');
    expect(excelSerialToDate(-1, false)).toBeNull();
  });
});
