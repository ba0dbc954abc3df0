import { type CellBatch, CellTag } from './cell.batch';
import { type CsvScanner, CsvScanStop } from './csv.scan';
import { MAX_RECORD_CHARS, RecordTooLongError } from './csv.tokenizer';
import { NotTextError } from './text.decoding';
import { hashTextBytes, scanTextField, scannedField } from './value.hash';

const LF = 10;
const CR = 13;
const QUOTE = 34;
/** readRecord's answer when the bytes at hand end inside the record. */
const INCOMPLETE = -1;
const EMPTY = Buffer.alloc(0);

/**
 * CsvTokenizer's reading of UTF-8 (or ASCII) bytes, writing records straight into a CellBatch: a
 * field is a byte range, hashed where it lies when it is plain ASCII text (most are), decoded only
 * when it is not. Same dialect rules: RFC 4180 quotes, LF, CRLF or lone CR line breaks, a quote inside
 * an unquoted field kept, text after a closing quote appended. A record cut by the end of a chunk is
 * carried over and read again with the next one, so each batch holds whole records.
 *
 * Nothing of a chunk is kept once push() returns, except through the batch (its `bytes`, until the
 * batch is read): what is carried over is copied into memory of the tokenizer's own. The reader can
 * therefore read the next chunks into the same few buffers, instead of a fresh one each time.
 */
export class CsvByteTokenizer {
  /**
   * Two buffers used in turn for the bytes carried over: the start of a record that the bytes read so
   * far did not complete, and the chunks after it, end to end. The unfinished record is copied to
   * the other one, never to the one the batch's bytes may lie in.
   */
  private carries: [Buffer, Buffer] = [EMPTY, EMPTY];
  private active = 0;
  /** Bytes carried in the active buffer. */
  private carried = 0;
  /** Of those, the unfinished record's own (the rest are chunks pushed after it). */
  private restLength = 0;
  /** A CR ended the last chunk: a LF that starts the next one belongs to the same line break. */
  private skipLf = false;
  private rowNumber = 0;
  /** Where the field that readQuoted last read ends. */
  private fieldEnd = 0;

  /**
   * `scanner`: the WebAssembly scanner (csv.scan.ts), which reads the plain records, leaving the others
   * to readRecord; null, readRecord reads them all.
   */
  constructor(
    private readonly delimiter: number,
    private readonly scanner: CsvScanner | null = null,
  ) {}

  /** Reads the records completed by `chunk` into `batch`; with `last`, the input ends with it. */
  push(chunk: Buffer, batch: CellBatch, last = false): void {
    if (chunk.includes(0)) throw new NotTextError('NUL bytes');
    let b = chunk;
    if (this.carried) {
      if (this.carried + chunk.length > MAX_RECORD_CHARS) {
        throw new RecordTooLongError(`a record longer than ${MAX_RECORD_CHARS} characters`);
      }
      this.carry(chunk);
      // An unfinished record is read again once the bytes after it at least match it: a very long
      // one (a quote never closed) then costs linear time, not quadratic.
      if (!last && this.carried - this.restLength < this.restLength) return;
      b = this.carries[this.active].subarray(0, this.carried);
    }
    let pos = 0;
    if (this.skipLf && b.length) {
      if (b[0] === LF) pos = 1;
      this.skipLf = false;
    }
    batch.bytes = b;
    const scanner = this.scanner?.place(b) ? this.scanner : null;
    while (pos < b.length) {
      if (scanner) {
        pos = scanner.scan(pos, this.delimiter, last, batch.cells);
        batch.appendScanned(scanner.output, this.rowNumber + 1);
        this.rowNumber += scanner.output.rows;
        const stop = scanner.stopCause;
        if (stop === CsvScanStop.Full) continue;
        if (stop === CsvScanStop.End) {
          if (scanner.endedWithCr) this.skipLf = true;
          break;
        }
        if (stop === CsvScanStop.Incomplete) break;
        // Unusual: this record is read here, the next ones by the scanner again.
      }
      const next = this.readRecord(b, pos, last, batch);
      if (next === INCOMPLETE) break;
      pos = next;
    }
    if (b.length - pos > MAX_RECORD_CHARS) {
      throw new RecordTooLongError(`a record longer than ${MAX_RECORD_CHARS} characters`);
    }
    this.keepRest(b, pos);
  }

  /** Appends a chunk to the bytes carried over, growing their buffer when it is full. */
  private carry(chunk: Buffer): void {
    const total = this.carried + chunk.length;
    let to = this.carries[this.active];
    if (to.length < total) {
      const grown = Buffer.allocUnsafe(Math.max(total, to.length * 2));
      to.copy(grown, 0, 0, this.carried);
      to = this.carries[this.active] = grown;
    }
    chunk.copy(to, this.carried);
    this.carried = total;
  }

  /**
   * Carries b[pos..] (an unfinished record, or nothing) over to the next push, in the buffer that `b`
   * is not in: `b` holds the batch's bytes until the batch is read, and a chunk may be reused after.
   */
  private keepRest(b: Buffer, pos: number): void {
    const length = b.length - pos;
    const other = 1 - this.active;
    if (length > 0) {
      if (this.carries[other].length < length) {
        this.carries[other] = Buffer.allocUnsafe(Math.max(length, 2 * this.carries[other].length));
      }
      b.copy(this.carries[other], 0, pos);
    }
    this.active = other;
    this.carried = length;
    this.restLength = length;
  }

  /** Reads the record at `pos` as a row; returns where the next one starts, or INCOMPLETE. */
  private readRecord(b: Buffer, pos: number, last: boolean, batch: CellBatch): number {
    const n = b.length;
    const d = this.delimiter;
    batch.startRow(this.rowNumber + 1, false);
    let i = pos;
    for (let column = 1; ; column++) {
      if (i < n && b[i] === QUOTE) {
        if (!this.readQuoted(b, i, last, batch, column)) {
          batch.cancelRow();
          return INCOMPLETE;
        }
        i = this.fieldEnd;
      } else {
        // Found and hashed in one pass (most fields are plain ASCII text or numbers).
        const j = scanTextField(b, i, d);
        if (j === n && !last) {
          batch.cancelRow();
          return INCOMPLETE;
        }
        if (j > i) {
          if (scannedField.hashed) batch.addHashed(column, CellTag.Text, i, j);
          else batch.addValue(column, b.toString('utf8', i, j));
        }
        i = j;
      }
      if (i >= n) break;
      const c = b[i++];
      if (c === d) continue;
      if (c === CR) {
        if (i < n) {
          if (b[i] === LF) i++;
        } else this.skipLf = true;
      }
      break;
    }
    this.rowNumber++;
    return i;
  }

  /**
   * A field that opens with a quote at `b[from]`: sets fieldEnd to the byte after it and returns
   * true, or false when the bytes at hand end before it does.
   */
  private readQuoted(b: Buffer, from: number, last: boolean, batch: CellBatch, column: number): boolean {
    const n = b.length;
    const close = b.indexOf(QUOTE, from + 1);
    if (close >= 0 && close + 1 < n) {
      const after = b[close + 1];
      if (after === this.delimiter || after === LF || after === CR) {
        // The common case: no doubled quote inside, nothing after the closing one.
        if (close > from + 1) addField(b, from + 1, close, batch, column);
        this.fieldEnd = close + 1;
        return true;
      }
    }
    if (!last && (close < 0 || close + 1 >= n)) return false;
    return this.readQuotedText(b, from, last, batch, column);
  }

  /** The general case of readQuoted: doubled quotes, text after the closing quote, unclosed quotes. */
  private readQuotedText(b: Buffer, from: number, last: boolean, batch: CellBatch, column: number): boolean {
    const n = b.length;
    const d = this.delimiter;
    let text = '';
    let at = from + 1;
    for (;;) {
      const quote = b.indexOf(QUOTE, at);
      if (quote < 0) {
        // An unclosed quote runs to the end of the input.
        if (!last) return false;
        text += b.toString('utf8', at, n);
        at = n;
        break;
      }
      // Pieces are cut at ASCII quotes, never inside a multi-byte character.
      text += b.toString('utf8', at, quote);
      if (quote + 1 >= n && !last) return false;
      if (b[quote + 1] === QUOTE) {
        text += '"';
        at = quote + 2;
        continue;
      }
      const j = unquotedEnd(b, quote + 1, d);
      if (j === n && !last) return false;
      text += b.toString('utf8', quote + 1, j);
      at = j;
      break;
    }
    if (text !== '') batch.addValue(column, text);
    this.fieldEnd = at;
    return true;
  }
}

/** Where the unquoted text from `from` ends: at the delimiter or line break, or the end of the bytes. */
function unquotedEnd(b: Buffer, from: number, delimiter: number): number {
  const n = b.length;
  let j = from;
  while (j < n) {
    const c = b[j];
    if (c === delimiter || c === LF || c === CR) break;
    j++;
  }
  return j;
}

/** A non-empty field: hashed in place when it is plain ASCII, else decoded for the string path. */
function addField(b: Buffer, from: number, to: number, batch: CellBatch, column: number): void {
  if (hashTextBytes(b, from, to)) batch.addHashed(column, CellTag.Text, from, to);
  else batch.addValue(column, b.toString('utf8', from, to));
}
