import { CellBatch, CellTag, kindCode, type SharedStringSource } from './cell.batch';
import { excelSerialToDate, isTemporal, type NumberKind } from './number-format';
import { SharedStrings } from './shared-strings';
import {
  HASHED_NUMBER,
  ROW_FLAG,
  ScanStop,
  SHARED_INDEX,
  type SheetScanner,
  sheetScanner,
} from './sheet.scan';
import { Hashed, hashed, hashLongNumberBytes, hashNumberBytes, parsed } from './value.hash';
import { elements, rootPrefix, rootTagEnd, xmlText } from './xml.text';

export interface WorkbookContext {
  sharedStrings: SharedStringSource & {
    get(index: number): string | undefined;
    hashEntry(index: number): boolean;
  };
  /** Number format kind of each cell style (`s` attribute). */
  styleKinds: readonly NumberKind[];
  date1904: boolean;
  /**
   * Whether numbers and shared strings are hashed from their bytes (the columnar path); otherwise
   * every cell is handed over as a value and normalised as text, the way other readers' cells are.
   * Default: true.
   */
  byteHashing?: boolean;
  /**
   * The WebAssembly scanner that reads the plain rows (sheet.scan.ts); null: every row is read here.
   * Default: this thread's, when it is built.
   */
  scanner?: SheetScanner | null;
}

/** Per cell style: its number kind's code (0 for none or general), and whether it shows dates. */
interface StyleCodes {
  kind: Uint8Array;
  temporal: Uint8Array;
}

function styleCodes(kinds: readonly NumberKind[]): StyleCodes {
  const codes: StyleCodes = { kind: new Uint8Array(kinds.length), temporal: new Uint8Array(kinds.length) };
  kinds.forEach((kind, style) => {
    codes.kind[style] = kind === 'general' ? 0 : kindCode(kind);
    codes.temporal[style] = isTemporal(kind) ? 1 : 0;
  });
  return codes;
}

/** The number-format kind code of a cell's style; 0 for none, or for a style the workbook does not have. */
function kindOf(styles: StyleCodes, style: number): number {
  return style >= 0 && style < styles.kind.length ? styles.kind[style] : 0;
}

/** What a worksheet says about itself besides its cells. */
export interface SheetExtras {
  hiddenColumns: number[];
  /** A1 ranges of merged cells. */
  merges: string[];
  protected: boolean;
  formulas: number;
  errorCells: number;
}

export function emptyExtras(): SheetExtras {
  return { hiddenColumns: [], merges: [], protected: false, formulas: 0, errorCells: 0 };
}

/** dataEnd before </sheetData> was looked for (see scanData). */
const NOT_SEARCHED = -2;

/** Whatever follows the cell data (merges, protection) is small; more than this is not worth keeping. */
const MAX_TAIL_CHARS = 8 * 1024 * 1024;

/**
 * A streaming reader of one worksheet part (`<sheetData><row><c>…`), written for speed: it scans the
 * inflated bytes themselves (markup is ASCII; only values that become text are decoded), no DOM and no
 * SAX events, one pass. Rows come out as soon as their closing tag has arrived, so memory holds one
 * chunk and one partial row. Reads cell types (shared, inline and formula strings, booleans, errors,
 * ISO dates) and turns numbers in date formats into Dates. Rows come out a chunk's worth at a time
 * in one reused batch, valid until the next one is asked for.
 */
export async function* readSheetRows(
  chunks: AsyncIterable<Buffer>,
  book: WorkbookContext,
  extras: SheetExtras,
): AsyncGenerator<CellBatch> {
  let buf: Buffer = EMPTY;
  let phase = 'head' as 'head' | 'data' | 'tail';
  let tags: Tags | null = null;
  let bytes: ByteTags | null = null;
  const tail: Buffer[] = [];
  let tailBytes = 0;
  let previousRow = 0;
  const batch = new CellBatch();
  batch.strings = book.sharedStrings;
  const styles = styleCodes(book.styleKinds);
  const context: WorkbookContext = { ...book, byteHashing: book.byteHashing ?? true };
  const wasm = book.scanner === undefined ? sheetScanner() : book.scanner;

  const scanData = (): void => {
    const t = tags as Tags;
    const bt = bytes as ByteTags;
    // The scanner reads unprefixed rows, from a copy of the bytes in its memory; the rows it leaves
    // are read here, in that same copy.
    const placed = wasm && bt.prefixLength === 0 ? wasm.place(buf) : null;
    const scanner = placed ? wasm : null;
    // A local: the loops below would load the closure's variable at every step.
    const b = placed ?? buf;
    let pos = 0;
    // Where </sheetData> is: looked for only once something other than a row follows the rows read
    // (a row that starts right where the last one ended has nothing before it), and then once per
    // chunk, for searching per row would rescan the rest of the chunk every time.
    let dataEnd = NOT_SEARCHED;
    for (;;) {
      if (scanner) {
        let stop: ScanStop;
        do {
          const records = scanner.scan(pos, b.length);
          previousRow = addScanned(scanner, records, b, previousRow, t, context, styles, extras, batch);
          pos = scanner.stoppedAt;
          stop = scanner.stopCause;
        } while (stop === ScanStop.Full);
        if (stop === ScanStop.Incomplete) break;
        // A row the scanner does not read, or the end of the rows: the loop below takes one step.
      }
      // Rows follow each other: look at `pos` first, search only when something else is there.
      let rowStart = startsRowAt(b, pos, bt.row) ? pos : b.indexOf(bt.row, pos);
      while (rowStart >= 0 && !endsName(b[rowStart + bt.row.length])) {
        rowStart = b[rowStart + bt.row.length] === undefined ? -1 : b.indexOf(bt.row, rowStart + 1);
      }
      if (rowStart !== pos && dataEnd === NOT_SEARCHED) dataEnd = b.indexOf(bt.sheetDataClose, pos);
      if (rowStart !== pos && dataEnd >= 0 && (rowStart < 0 || dataEnd < rowStart)) {
        phase = 'tail';
        addTail(owned(b.subarray(dataEnd), placed));
        buf = EMPTY;
        return;
      }
      if (rowStart < 0) {
        // Keep enough to recognise a tag cut in two by the chunk boundary.
        buf = owned(b.subarray(Math.max(pos, b.length - bt.sheetDataClose.length)), placed);
        return;
      }
      let openEnd = rowStart + bt.row.length;
      while (openEnd < b.length && b[openEnd] !== 62) openEnd++;
      if (openEnd >= b.length) break;
      const head = readRowTag(b, rowStart + bt.row.length, openEnd);
      const rowNumber = head.r > previousRow ? head.r : previousRow + 1;
      batch.startRow(rowNumber, head.hidden);
      let next: number;
      if (b[openEnd - 1] === 47) next = openEnd + 1;
      else {
        // The cells up to </row>; a row that goes on in the next chunk is read again with it.
        const { formulas, errorCells } = extras;
        readCells(b, openEnd + 1, b.length, t, bt.prefixLength, context, styles, extras, batch);
        if (rowEndAt < 0) {
          batch.cancelRow();
          extras.formulas = formulas;
          extras.errorCells = errorCells;
          break;
        }
        next = rowEndAt;
      }
      previousRow = rowNumber;
      pos = next;
    }
    buf = owned(b.subarray(pos), placed);
  };

  const addTail = (part: Buffer): void => {
    if (tailBytes >= MAX_TAIL_CHARS) return;
    tail.push(part);
    tailBytes += part.length;
  };

  const scanHead = (): void => {
    if (!tags) {
      const head = buf.toString('utf8', 0, Math.min(buf.length, 64 * 1024));
      const rootEnd = rootTagEnd(head);
      if (rootEnd < 0) return;
      const prefix = rootPrefix(head.slice(0, rootEnd + 1));
      tags = makeTags(prefix);
      bytes = {
        row: Buffer.from(tags.row, 'latin1'),
        rowClose: Buffer.from(tags.rowClose, 'latin1'),
        sheetDataOpen: Buffer.from(tags.sheetDataOpen, 'latin1'),
        sheetDataClose: Buffer.from(tags.sheetDataClose, 'latin1'),
        prefixLength: Buffer.byteLength(prefix),
      };
    }
    const bt = bytes as ByteTags;
    const start = buf.indexOf(bt.sheetDataOpen);
    if (start < 0) return;
    const open = buf.indexOf(62, start);
    if (open < 0) return;
    readHead(buf.toString('utf8', 0, start), extras);
    if (buf[open - 1] === 47) {
      // <sheetData/>: no cells at all.
      phase = 'tail';
      addTail(buf.subarray(open + 1));
      buf = EMPTY;
      return;
    }
    phase = 'data';
    buf = buf.subarray(open + 1);
  };

  const feed = (chunk: Buffer): void => {
    if (phase === 'tail') {
      addTail(chunk);
      return;
    }
    if (phase === 'data' && buf.length) {
      // What the last chunk left is the start of a row: it is completed with the new chunk's bytes up
      // to the first end of a row, and the chunk itself is read where it lies rather than copied.
      const bt = bytes as ByteTags;
      const close = chunk.indexOf(bt.rowClose);
      if (close >= 0) {
        const cut = close + bt.rowClose.length;
        buf = Buffer.concat([buf, chunk.subarray(0, cut)]);
        scanData();
        if ((phase as string) === 'tail') return addTail(chunk.subarray(cut));
        chunk = chunk.subarray(cut);
      }
    }
    buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
    if (phase === 'head') scanHead();
    if ((phase as string) === 'data') scanData();
  };

  // Rows go out a chunk's worth at a time: one hop through the generators per chunk, not per row.
  for await (const chunk of chunks) {
    feed(chunk);
    if (batch.rows) {
      yield batch;
      batch.clear();
    }
  }
  if (!tags) throw new Error('worksheet part is not XML');
  if (phase !== 'tail') throw new Error('worksheet part ends inside its cell data');
  readTail(Buffer.concat(tail).toString('utf8'), extras);
}

const EMPTY = Buffer.alloc(0);

/** Bound once: a property of another module, read per record, costs a load through its exports. */
const ROW_RECORD = ROW_FLAG;
const HASHED_NUMBER_TYPE = HASHED_NUMBER;
const SHARED_INDEX_TYPE = SHARED_INDEX;

/** Bytes kept past a scan: copied out of the scanner's memory, which the next scan overwrites. */
function owned(bytes: Buffer, placed: Buffer | null): Buffer {
  return placed ? Buffer.from(bytes) : bytes;
}

/** The tags the byte scanner looks for, as bytes. */
interface ByteTags {
  row: Buffer;
  rowClose: Buffer;
  sheetDataOpen: Buffer;
  sheetDataClose: Buffer;
  prefixLength: number;
}

interface Tags {
  row: string;
  rowClose: string;
  cell: string;
  cellClose: string;
  value: string;
  valueClose: string;
  formula: string;
  text: string;
  textClose: string;
  phonetic: string;
  phoneticClose: string;
  sheetDataOpen: string;
  sheetDataClose: string;
}

function makeTags(p: string): Tags {
  return {
    row: `<${p}row`,
    rowClose: `</${p}row>`,
    cell: `<${p}c`,
    cellClose: `</${p}c>`,
    value: `<${p}v`,
    valueClose: `</${p}v>`,
    formula: `<${p}f`,
    text: `<${p}t`,
    textClose: `</${p}t>`,
    phonetic: `<${p}rPh`,
    phoneticClose: `</${p}rPh>`,
    sheetDataOpen: `<${p}sheetData`,
    sheetDataClose: `</${p}sheetData>`,
  };
}

/** The next `<name` that is that element and not a longer name (`<c` vs `<col`). */
function findTag(text: string, tag: string, from: number, before = text.length): number {
  let at = from;
  for (;;) {
    at = text.indexOf(tag, at);
    if (at < 0 || at >= before) return -1;
    const c = text.charCodeAt(at + tag.length);
    if (c === 32 || c === 62 || c === 47 || c === 9 || c === 10 || c === 13) return at;
    if (Number.isNaN(c)) return -1;
    at += tag.length;
  }
}

const enum CellType {
  Number,
  Shared,
  Formula,
  Inline,
  Boolean,
  Error,
  IsoDate,
  Other,
}

const rowHead = { r: 0, hidden: false };

/** Where the attribute that readAttribute last read lies: its name's start and length, and its value. */
const attribute = { nameStart: 0, nameLength: 0, valueStart: 0, valueEnd: 0 };

/**
 * Reads the `name="value"` that starts at `b[i]` (inside a start tag ending before `to`) into
 * `attribute`, and returns the position after it. Written for the hot loops of the reader: no
 * closure, no slice, no allocation.
 */
function readAttribute(b: Buffer, i: number, to: number): number {
  let c = 0;
  attribute.nameStart = i;
  while (i < to && (c = b[i]) !== 61 && c !== 32 && c !== 9 && c !== 10 && c !== 13) i++;
  attribute.nameLength = i - attribute.nameStart;
  while (i < to && (c = b[i]) !== 34 && c !== 39) i++;
  attribute.valueStart = i + 1;
  i = attribute.valueStart;
  while (i < to && b[i] !== c) i++;
  attribute.valueEnd = i;
  return i + 1;
}

/** Whether the byte is XML whitespace. */
function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

/** The `r` and `hidden` attributes of a row's start tag `b[from, to)` (after the element name). */
function readRowTag(b: Buffer, from: number, to: number): { r: number; hidden: boolean } {
  rowHead.r = 0;
  rowHead.hidden = false;
  let i = from;
  while (i < to) {
    const c = b[i];
    if (isSpace(c) || c === 47) {
      i++;
      continue;
    }
    i = readAttribute(b, i, to);
    const { nameStart, nameLength, valueStart, valueEnd } = attribute;
    if (nameLength === 1 && b[nameStart] === 114 /* r */) rowHead.r = readUint(b, valueStart, valueEnd);
    else if (nameLength === 6 && b.toString('latin1', nameStart, nameStart + 6) === 'hidden') {
      rowHead.hidden = b[valueStart] === 49 /* 1 */ || b[valueStart] === 116; /* t(rue) */
    }
  }
  return rowHead;
}

/** A non-negative decimal integer written in `b[from, to)`; -1 when it is not one. */
function readUint(b: Buffer, from: number, to: number): number {
  if (to <= from || to - from > 15) return -1;
  let n = 0;
  for (let i = from; i < to; i++) {
    const d = b[i] - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/** Excel writes numbers as plain decimal text; integers are read digit by digit, others by Number(). */
function readNumber(b: Buffer, from: number, to: number): number {
  let i = from;
  const negative = b[i] === 45;
  if (negative) i++;
  const n = readUint(b, i, to);
  if (n >= 0 && i < to) return negative ? -n : n;
  return Number(b.toString('latin1', from, to));
}

function cellTypeOf(b: Buffer, from: number, to: number): CellType {
  const length = to - from;
  if (length === 1) {
    switch (b[from]) {
      case 115 /* s */:
        return CellType.Shared;
      case 110 /* n */:
        return CellType.Number;
      case 98 /* b */:
        return CellType.Boolean;
      case 101 /* e */:
        return CellType.Error;
      case 100 /* d */:
        return CellType.IsoDate;
    }
  }
  const text = b.toString('latin1', from, to);
  if (text === 'str') return CellType.Formula;
  if (text === 'inlineStr') return CellType.Inline;
  return CellType.Other;
}

/** How far indexNear looks by itself before it hands over to indexOf. */
const NEAR_BYTES = 256;

/**
 * b.indexOf(tag, from) for a tag that is usually a few bytes away (the next shared string item):
 * a loop over those bytes costs less than the call.
 */
function indexNear(b: Buffer, tag: Buffer, from: number): number {
  const last = b.length - tag.length;
  const limit = Math.min(last, from + NEAR_BYTES);
  const first = tag[0];
  for (let i = from; i <= limit; i++) if (b[i] === first && startsRowAt(b, i, tag)) return i;
  return limit >= last ? -1 : b.indexOf(tag, limit + 1);
}

/** Whether `b` holds `tag` at `at`. */
function startsRowAt(b: Buffer, at: number, tag: Buffer): boolean {
  if (at + tag.length > b.length) return false;
  for (let k = 0; k < tag.length; k++) if (b[at + k] !== tag[k]) return false;
  return true;
}

/** Where the row that readCells last read ends (just past `</row>`), or -1 when it was cut off. */
let rowEndAt = -1;

/** Whether the byte ends an element name: whitespace, `>` or `/`. */
function endsName(c: number | undefined): boolean {
  return c === 62 || c === 47 || (c !== undefined && isSpace(c));
}

/**
 * The cells of one row, from `from` (just after the row's start tag) to its end tag, which sets
 * rowEndAt, written to the batch's current row; `to` is the end of the bytes at hand, and a row cut
 * off by it sets rowEndAt to -1. One forward pass over the bytes: the distances are a few bytes, where
 * a call to indexOf costs more than the loop. The start tag's attributes are read in place; a value is
 * decoded only when it must become a string.
 */
function readCells(
  b: Buffer,
  from: number,
  to: number,
  t: Tags,
  p: number,
  book: WorkbookContext,
  styles: StyleCodes,
  extras: SheetExtras,
  batch: CellBatch,
): void {
  rowEndAt = -1;
  let previousColumn = 0;
  let i = from;
  while (i < to) {
    // The next start tag of a cell, or the row's end tag.
    while (i < to && b[i] !== 60) i++;
    if (i >= to) break;
    if (b[i + 1] === 47) {
      while (i < to && b[i] !== 62) i++;
      if (i < to) rowEndAt = i + 1;
      return;
    }
    if (b[i + 1 + p] !== 99 /* c */ || !endsName(b[i + 2 + p])) {
      i++;
      continue;
    }
    i += 2 + p;
    // Attributes, up to the end of the start tag.
    let column = 0;
    let style = -1;
    let type = CellType.Number;
    let selfClosing = false;
    while (i < to) {
      const c = b[i];
      if (isSpace(c)) {
        i++;
        continue;
      }
      if (c === 62) {
        i++;
        break;
      }
      if (c === 47) {
        selfClosing = true;
        i += 2;
        break;
      }
      let nameStart: number;
      let valueStart: number;
      let valueEnd: number;
      if (b[i + 1] === 61 && b[i + 2] === 34) {
        // The common form, r="A1": a one-letter name and a double-quoted value, read in place.
        nameStart = i;
        valueStart = i + 3;
        valueEnd = valueStart;
        while (valueEnd < to && b[valueEnd] !== 34) valueEnd++;
        i = valueEnd + 1;
      } else {
        i = readAttribute(b, i, to);
        if (attribute.nameLength !== 1) continue;
        ({ nameStart, valueStart, valueEnd } = attribute);
      }
      switch (b[nameStart]) {
        case 114 /* r */:
          for (let k = valueStart; k < valueEnd; k++) {
            const letter = b[k];
            if (letter >= 65 && letter <= 90) column = column * 26 + letter - 64;
            else if (letter >= 97 && letter <= 122) column = column * 26 + letter - 96;
            else break;
          }
          break;
        case 115 /* s */:
          style = readUint(b, valueStart, valueEnd);
          break;
        case 116 /* t */:
          type = cellTypeOf(b, valueStart, valueEnd);
          break;
      }
    }
    if (column === 0) column = previousColumn + 1;
    previousColumn = column;
    if (selfClosing) continue;
    // The children, up to the cell's end tag: <f> (formula), <v> (value), <is> (inline string).
    let valueStart = -1;
    let valueEnd = -1;
    let inlineStart = -1;
    let inlineEnd = -1;
    // The common cell, <v>value</v></c> and nothing else, is read without the general loop below;
    // anything else, or a cell cut off by the end of the bytes, takes that loop from where it began.
    const v = i + 2 + p;
    if (b[i] === 60 && b[v - 1] === 118 && b[v] === 62) {
      let end = v + 1;
      while (end < to && b[end] !== 60) end++;
      const close = end + 4 + p;
      if (
        close + 3 + p < to &&
        b[end + 1] === 47 &&
        b[close - 2] === 118 &&
        b[close - 1] === 62 &&
        b[close] === 60 &&
        b[close + 1] === 47 &&
        b[close + 2 + p] === 99 &&
        b[close + 3 + p] === 62
      ) {
        i = close + 4 + p;
        addCell(b, type, column, style, v + 1, end, -1, -1, t, book, styles, extras, batch);
        continue;
      }
    }
    while (i < to) {
      while (i < to && b[i] !== 60) i++;
      if (i >= to) break;
      if (b[i + 1] === 47) {
        // An end tag: the cell's own (children's end tags are consumed with them).
        while (i < to && b[i] !== 62) i++;
        i++;
        break;
      }
      const name = b[i + 1 + p];
      const after = b[i + 2 + p];
      // To the end of the child's start tag.
      let open = i + 2 + p;
      while (open < to && b[open] !== 62) open++;
      const empty = b[open - 1] === 47;
      if (name === 118 /* v */ && endsName(after)) {
        i = open + 1;
        if (empty) continue;
        valueStart = i;
        while (i < to && b[i] !== 60) i++;
        valueEnd = i;
        // Past </v>.
        while (i < to && b[i] !== 62) i++;
        i++;
        continue;
      }
      if (name === 102 /* f */ && endsName(after)) extras.formulas++;
      if (empty) {
        i = open + 1;
        continue;
      }
      // Any other child (formula text, inline string, extensions): skip past its end tag.
      let nameEnd = i + 1;
      while (nameEnd < open && !endsName(b[nameEnd])) nameEnd++;
      const close = b.indexOf(`</${b.toString('latin1', i + 1, nameEnd)}>`, open, 'latin1');
      const end = close < 0 || close >= to ? to : b.indexOf(62, close) + 1;
      if (name === 105 /* i */ && b[i + 2 + p] === 115 /* s */ && endsName(b[i + 3 + p])) {
        inlineStart = i;
        inlineEnd = end;
      }
      i = end;
    }
    addCell(
      b,
      type,
      column,
      style,
      valueStart,
      valueEnd,
      inlineStart,
      inlineEnd,
      t,
      book,
      styles,
      extras,
      batch,
    );
  }
}

/** The scanner's records, rows and cells, into the batch as readCells would; returns the last row number. */
function addScanned(
  scanner: SheetScanner,
  count: number,
  b: Buffer,
  previousRow: number,
  t: Tags,
  book: WorkbookContext,
  styles: StyleCodes,
  extras: SheetExtras,
  batch: CellBatch,
): number {
  const { records, recordsAt, base, numbers, numbersAt, words, hashesAt, indexesAt } = scanner;
  for (let k = 0, o = recordsAt; k < count; k++, o += 4) {
    const head = records[o];
    if (head & ROW_RECORD) {
      const r = records[o + 1];
      previousRow = r > previousRow ? r : previousRow + 1;
      batch.startRow(previousRow, (head & 1) === 1);
      continue;
    }
    let type = head >>> 24;
    if (type === SHARED_INDEX_TYPE) {
      addShared(records[indexesAt + 4 * k], head & 0xffffff, book, batch);
      continue;
    }
    const style = records[o + 1];
    if (type === HASHED_NUMBER_TYPE) {
      // Parsed and hashed by the scanner: its value (a date's serial) needs no reading again.
      const kind = kindOf(styles, style);
      const value = numbers[numbersAt + 2 * k];
      if (style >= 0 && styles.temporal[style]) {
        addSerial(value, head & 0xffffff, kind, book, batch);
        continue;
      }
      if (book.byteHashing) {
        hashed[Hashed.Hash] = words[hashesAt + 4 * k];
        hashed[Hashed.Check] = words[hashesAt + 4 * k + 1];
        hashed[Hashed.Length] = records[o + 3] - records[o + 2];
        batch.addNumber(head & 0xffffff, value, kind);
        continue;
      }
      type = CellType.Number;
    }
    // Positions in the scanner's memory, made positions in the placed bytes; -1: no value.
    const at = records[o + 2];
    const from = at < 0 ? -1 : at - base;
    const to = at < 0 ? -1 : records[o + 3] - base;
    addCell(b, type, head & 0xffffff, style, from, to, -1, -1, t, book, styles, extras, batch);
  }
  return previousRow;
}

/** Writes one cell's value to the batch; nothing for an empty or error cell. */
function addCell(
  b: Buffer,
  type: CellType,
  column: number,
  style: number,
  valueStart: number,
  valueEnd: number,
  inlineStart: number,
  inlineEnd: number,
  t: Tags,
  book: WorkbookContext,
  styles: StyleCodes,
  extras: SheetExtras,
  batch: CellBatch,
): void {
  switch (type) {
    case CellType.Number: {
      if (valueStart < 0 || valueEnd <= valueStart) return;
      const kind = kindOf(styles, style);
      if (style >= 0 && styles.temporal[style]) {
        const n = readNumber(b, valueStart, valueEnd);
        if (Number.isFinite(n)) addSerial(n, column, kind, book, batch);
      } else if (
        book.byteHashing &&
        (hashNumberBytes(b, valueStart, valueEnd) || hashLongNumberBytes(b, valueStart, valueEnd))
      ) {
        batch.addNumber(column, parsed[0], kind);
      } else {
        const n = readNumber(b, valueStart, valueEnd);
        if (Number.isFinite(n)) batch.addValue(column, n, kind);
      }
      return;
    }
    case CellType.Shared: {
      const index = valueStart < 0 ? -1 : readUint(b, valueStart, valueEnd);
      if (index >= 0) addShared(index, column, book, batch);
      return;
    }
    case CellType.Formula:
    case CellType.Other:
      if (valueEnd > valueStart) batch.addValue(column, xmlText(b.toString('utf8', valueStart, valueEnd)));
      return;
    case CellType.Inline: {
      const text = inlineStart < 0 ? '' : richText(b.toString('utf8', inlineStart, inlineEnd), t);
      if (text) batch.addValue(column, text);
      return;
    }
    case CellType.Boolean:
      if (valueStart >= 0) {
        const raw = b.toString('latin1', valueStart, valueEnd).trim();
        batch.addValue(column, raw === '1' || raw === 'true');
      }
      return;
    case CellType.Error:
      extras.errorCells++;
      return;
    case CellType.IsoDate: {
      const raw = valueEnd > valueStart ? b.toString('latin1', valueStart, valueEnd) : '';
      const date = raw ? new Date(raw.endsWith('Z') || /[+-]\d\d:\d\d$/.test(raw) ? raw : `${raw}Z`) : null;
      if (date && !Number.isNaN(date.getTime())) batch.addValue(column, date);
      return;
    }
  }
}

/** Shared string `index`: hashed where it is stored when it is plain text, else as its text. */
function addShared(index: number, column: number, book: WorkbookContext, batch: CellBatch): void {
  if (book.byteHashing && book.sharedStrings.hashEntry(index)) {
    batch.addHashed(column, CellTag.Shared, index, index);
    return;
  }
  const text = book.sharedStrings.get(index);
  if (text) batch.addValue(column, text);
}

/** A number in a date or time format: a Date when it is one Excel can show, else the number. */
function addSerial(n: number, column: number, kind: number, book: WorkbookContext, batch: CellBatch): void {
  const date = excelSerialToDate(n, book.date1904);
  if (!date) batch.addValue(column, n);
  else if (book.byteHashing) batch.addDate(column, date, kind);
  else batch.addValue(column, date, kind);
}

/** The visible text of a rich or plain string item (its inner XML): its `<t>` runs, without phonetic guides. */
export function richText(item: string, t: Tags): string {
  let source = item;
  if (source.includes(t.phonetic)) {
    source = source.replace(new RegExp(`${t.phonetic}[\\s>][\\s\\S]*?${t.phoneticClose}`, 'g'), '');
  }
  let text = '';
  let pos = 0;
  for (;;) {
    const start = findTag(source, t.text, pos);
    if (start < 0) break;
    const open = source.indexOf('>', start);
    if (open < 0) break;
    if (source.charCodeAt(open - 1) === 47) {
      pos = open + 1;
      continue;
    }
    const close = source.indexOf(t.textClose, open);
    if (close < 0) break;
    text += source.slice(open + 1, close);
    pos = close + t.textClose.length;
  }
  return xmlText(text);
}

function readHead(head: string, extras: SheetExtras): void {
  for (const col of elements(head, 'col')) {
    if (col.hidden !== '1' && col.hidden !== 'true') continue;
    const min = Number(col.min);
    const max = Math.min(Number(col.max), min + 16_384);
    for (let c = min; c <= max && c <= 16_384; c++) extras.hiddenColumns.push(c);
  }
}

function readTail(tail: string, extras: SheetExtras): void {
  extras.merges.push(...elements(tail, 'mergeCell').flatMap((m) => (m.ref ? [m.ref] : [])));
  extras.protected = elements(tail, 'sheetProtection').some((p) => p.sheet === '1' || p.sheet === 'true');
}

/**
 * Parses a whole shared strings part, streamed: one string per `<si>`, phonetic runs left out. A plain
 * item (`<si><t>text</t></si>` with no entity or escape) is copied as bytes without being decoded;
 * rich text and escapes go through the text path.
 */
export async function readSharedStrings(
  chunks: AsyncIterable<Buffer>,
  maxStrings: number,
  strings = new SharedStrings(),
  wasm: SheetScanner | null = sheetScanner(),
): Promise<SharedStrings> {
  let buf: Buffer = EMPTY;
  let tags: Tags | null = null;
  let siOpen = EMPTY;
  let siClose = EMPTY;
  let p = 0;
  const scan = () => {
    if (!tags) {
      const head = buf.toString('utf8', 0, Math.min(buf.length, 64 * 1024));
      const rootEnd = rootTagEnd(head);
      if (rootEnd < 0) return;
      const prefix = rootPrefix(head.slice(0, rootEnd + 1));
      tags = makeTags(prefix);
      siOpen = Buffer.from(`<${prefix}si`, 'latin1');
      siClose = Buffer.from(`</${prefix}si>`, 'latin1');
      p = Buffer.byteLength(prefix);
    }
    // The scanner reads the plain items, from a copy of the bytes in its memory; the others are read
    // here, in that same copy.
    const placed = wasm && p === 0 ? wasm.place(buf) : null;
    const scanner = placed ? wasm : null;
    const b = placed ?? buf;
    let pos = 0;
    for (;;) {
      if (scanner) {
        let stop: ScanStop;
        do {
          const count = scanner.scanStrings(pos, b.length);
          const { records, recordsAt, base } = scanner;
          for (let k = 0, o = recordsAt; k < count; k++, o += 4) {
            strings.pushBytes(b, records[o] - base, records[o + 1] - base);
          }
          if (strings.length > maxStrings) throw new Error(`more than ${maxStrings} shared strings`);
          pos = scanner.stoppedAt;
          stop = scanner.stopCause;
        } while (stop === ScanStop.Full);
        if (stop === ScanStop.Incomplete) break;
        // Something else: the loop below takes one step.
      }
      let start = indexNear(b, siOpen, pos);
      while (start >= 0 && b[start + siOpen.length] !== undefined && !endsName(b[start + siOpen.length])) {
        start = indexNear(b, siOpen, start + 1);
      }
      if (start < 0 || b[start + siOpen.length] === undefined) {
        buf = owned(b.subarray(start < 0 ? Math.max(pos, b.length - siOpen.length) : start), placed);
        return;
      }
      let open = start + siOpen.length;
      while (open < b.length && b[open] !== 62) open++;
      if (open >= b.length) break;
      let end: number;
      if (b[open - 1] === 47) {
        strings.push('');
        end = open + 1;
      } else {
        end = pushPlainItemAt(b, open + 1, p, siClose, strings);
        if (end < 0) {
          const close = indexNear(b, siClose, open);
          if (close < 0) break;
          if (!pushPlainItem(b, open + 1, close, p, strings)) {
            strings.push(richText(b.toString('utf8', open + 1, close), tags as Tags));
          }
          end = close + siClose.length;
        }
      }
      if (strings.length > maxStrings) throw new Error(`more than ${maxStrings} shared strings`);
      pos = end;
    }
    buf = owned(b.subarray(pos), placed);
  };
  for await (const chunk of chunks) {
    let rest = chunk;
    if (tags && buf.length) {
      // As in readSheetRows: the item cut by the chunk boundary is completed, the rest not copied.
      const close = rest.indexOf(siClose);
      if (close >= 0) {
        const cut = close + siClose.length;
        buf = Buffer.concat([buf, rest.subarray(0, cut)]);
        scan();
        rest = rest.subarray(cut);
      }
    }
    buf = buf.length ? Buffer.concat([buf, rest]) : rest;
    scan();
  }
  scan();
  return strings;
}

/**
 * Stores `<t>text</t>` (or `<t xml:space="preserve">`) as it is when that is the whole item and the
 * text holds no `&` or `_x` escape; false when the item needs the text path.
 */
function pushPlainItem(b: Buffer, from: number, to: number, p: number, strings: SharedStrings): boolean {
  if (b[from] !== 60 || b[from + 1 + p] !== 116 /* t */ || !endsName(b[from + 2 + p])) return false;
  const open = b.indexOf(62, from);
  if (open < 0 || open >= to) return false;
  if (b[open - 1] === 47) {
    // `<t/>` alone is an empty string; followed by more, the item takes the text path.
    if (open + 1 !== to) return false;
    strings.push('');
    return true;
  }
  let i = open + 1;
  while (i < to) {
    const c = b[i];
    if (c === 60 || c === 38) break;
    if (c === 95 /* _ */ && b[i + 1] === 120 /* x */) return false;
    i++;
  }
  if (b[i] !== 60) return false;
  // What follows the text must be the </t> that ends the item.
  const closeLength = 4 + p;
  if (i + closeLength !== to || b[i + 1] !== 47) return false;
  strings.pushBytes(b, open + 1, i);
  return true;
}

/**
 * The common shared string item, `<t>text</t></si>` (or `<t xml:space="preserve">`) right after the
 * `<si>` start tag, with no `&` or `_x` escape, read in one pass: the text is stored as bytes and the
 * position after `</si>` returned. -1 for anything else (or an item cut off by the end of the bytes),
 * which pushes nothing and leaves it to pushPlainItem and the text path.
 */
function pushPlainItemAt(
  b: Buffer,
  from: number,
  p: number,
  siClose: Buffer,
  strings: SharedStrings,
): number {
  const n = b.length;
  if (b[from] !== 60 || b[from + 1 + p] !== 116 /* t */ || !endsName(b[from + 2 + p])) return -1;
  let open = from + 2 + p;
  while (open < n && b[open] !== 62) open++;
  if (open >= n || b[open - 1] === 47) return -1;
  let i = open + 1;
  while (i < n) {
    const c = b[i];
    if (c === 60 || c === 38) break;
    if (c === 95 /* _ */ && b[i + 1] === 120 /* x */) return -1;
    i++;
  }
  if (b[i] !== 60 || b[i + 1] !== 47) return -1;
  const after = i + 4 + p;
  if (b[after - 2] !== 116 || b[after - 1] !== 62 || !startsRowAt(b, after, siClose)) return -1;
  strings.pushBytes(b, open + 1, i);
  return after + siClose.length;
}
