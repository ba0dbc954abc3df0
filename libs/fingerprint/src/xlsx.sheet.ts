import { TextDecoder } from 'node:util';
import { excelSerialToDate, isTemporal, type NumberKind } from './number-format';
import { SharedStrings } from './shared-strings';
import type { RowEvent } from './sheet.source';
import type { SheetCell } from './table.builder';
import { attr, columnOfRef, elements, rootPrefix, xmlText } from './xml.text';

export interface WorkbookContext {
  sharedStrings: { get(index: number): string | undefined };
  /** Number format kind of each cell style (`s` attribute). */
  styleKinds: readonly NumberKind[];
  date1904: boolean;
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

/** Whatever follows the cell data (merges, protection) is small; more than this is not worth keeping. */
const MAX_TAIL_CHARS = 8 * 1024 * 1024;

/**
 * A streaming reader of one worksheet part (`<sheetData><row><c>…`), written for speed: plain string
 * scanning, no DOM and no SAX events, one pass. Rows come out as soon as their closing tag has arrived,
 * so memory holds one chunk and one partial row. Reads cell types (shared, inline and formula strings,
 * booleans, errors, ISO dates) and turns numbers in date formats into Dates.
 */
export async function* readSheetRows(
  chunks: AsyncIterable<Buffer>,
  book: WorkbookContext,
  extras: SheetExtras,
): AsyncGenerator<RowEvent> {
  const decoder = new TextDecoder('utf-8');
  let buf = '';
  let phase = 'head' as 'head' | 'data' | 'tail';
  let tags: Tags | null = null;
  let tail = '';
  let previousRow = 0;
  const rows: RowEvent[] = [];

  const scanData = (): void => {
    const t = tags as Tags;
    let pos = 0;
    // Searched once per chunk: searching per row would rescan the rest of the chunk every time.
    const dataEnd = buf.indexOf(t.sheetDataClose);
    for (;;) {
      const rowStart = findTag(buf, t.row, pos);
      if (dataEnd >= 0 && (rowStart < 0 || dataEnd < rowStart)) {
        phase = 'tail';
        tail = buf.slice(dataEnd);
        buf = '';
        return;
      }
      if (rowStart < 0) {
        // Keep enough to recognise a tag cut in two by the chunk boundary.
        buf = buf.slice(Math.max(pos, buf.length - t.sheetDataClose.length));
        return;
      }
      const openEnd = buf.indexOf('>', rowStart);
      if (openEnd < 0) break;
      let contentEnd = openEnd;
      let next: number;
      if (buf.charCodeAt(openEnd - 1) === 47) next = openEnd + 1;
      else {
        contentEnd = buf.indexOf(t.rowClose, openEnd);
        if (contentEnd < 0) break;
        next = contentEnd + t.rowClose.length;
      }
      const r = Number(attr(buf, rowStart, openEnd, 'r'));
      const rowNumber = Number.isInteger(r) && r > previousRow ? r : previousRow + 1;
      previousRow = rowNumber;
      const hidden = attr(buf, rowStart, openEnd, 'hidden');
      const cells = contentEnd > openEnd ? readCells(buf, openEnd + 1, contentEnd, t, book, extras) : [];
      const row: RowEvent = { kind: 'row', rowNumber, cells };
      if (hidden === '1' || hidden === 'true') row.hidden = true;
      rows.push(row);
      pos = next;
    }
    buf = buf.slice(pos);
  };

  const scanHead = (): void => {
    if (!tags) {
      const rootEnd = buf.indexOf('>', buf.search(/<[^?!]/));
      if (rootEnd < 0) return;
      tags = makeTags(rootPrefix(buf.slice(0, rootEnd + 1)));
    }
    const start = buf.indexOf(tags.sheetDataOpen);
    if (start < 0) return;
    readHead(buf.slice(0, start), extras);
    const open = buf.indexOf('>', start);
    if (open < 0) return;
    if (buf.charCodeAt(open - 1) === 47) {
      // <sheetData/>: no cells at all.
      phase = 'tail';
      tail = buf.slice(open + 1);
      buf = '';
      return;
    }
    phase = 'data';
    buf = buf.slice(open + 1);
  };

  const feed = (text: string): void => {
    if (phase === 'tail') {
      if (tail.length < MAX_TAIL_CHARS) tail += text;
      return;
    }
    buf = buf ? buf + text : text;
    if (phase === 'head') scanHead();
    if ((phase as string) === 'data') scanData();
  };

  for await (const chunk of chunks) {
    feed(decoder.decode(chunk, { stream: true }));
    if (rows.length) yield* rows.splice(0, rows.length);
  }
  feed(decoder.decode());
  if (rows.length) yield* rows.splice(0, rows.length);
  if (!tags) throw new Error('worksheet part is not XML');
  if (phase !== 'tail') throw new Error('worksheet part ends inside its cell data');
  readTail(tail, extras);
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

function readCells(
  buf: string,
  from: number,
  to: number,
  t: Tags,
  book: WorkbookContext,
  extras: SheetExtras,
): SheetCell[] {
  const cells: SheetCell[] = [];
  let previousColumn = 0;
  let pos = from;
  for (;;) {
    const start = findTag(buf, t.cell, pos, to);
    if (start < 0) break;
    const openEnd = buf.indexOf('>', start);
    if (openEnd < 0 || openEnd > to) break;
    // One slice of the start tag serves the three attribute look-ups.
    const tag = buf.slice(start, openEnd);
    const ref = attr(tag, 0, tag.length, 'r');
    const column = ref ? columnOfRef(ref) : previousColumn + 1;
    previousColumn = column;
    if (buf.charCodeAt(openEnd - 1) === 47) {
      pos = openEnd + 1;
      continue;
    }
    const end = buf.indexOf(t.cellClose, openEnd);
    if (end < 0 || end > to) break;
    pos = end + t.cellClose.length;
    const type = attr(tag, 0, tag.length, 't');
    // Searches stay inside the cell: an absent tag must not send indexOf to the end of the chunk.
    const inner = buf.slice(openEnd + 1, end);
    if (findTag(inner, t.formula, 0) >= 0) extras.formulas++;
    let raw: string | null = null;
    const v = findTag(inner, t.value, 0);
    if (v >= 0) {
      const vOpen = inner.indexOf('>', v);
      if (inner.charCodeAt(vOpen - 1) !== 47) {
        const vClose = inner.indexOf(t.valueClose, vOpen);
        if (vClose > 0) raw = inner.slice(vOpen + 1, vClose);
      }
    }
    let cell: SheetCell | null = null;
    switch (type) {
      case undefined:
      case 'n': {
        if (raw === null || raw === '') break;
        const n = Number(raw);
        if (!Number.isFinite(n)) break;
        const s = attr(tag, 0, tag.length, 's');
        const kind = s ? book.styleKinds[Number(s)] : undefined;
        if (isTemporal(kind)) {
          const date = excelSerialToDate(n, book.date1904);
          cell = date ? { column, value: date, kind } : { column, value: n };
        } else cell = kind && kind !== 'general' ? { column, value: n, kind } : { column, value: n };
        break;
      }
      case 's': {
        const text = raw === null ? undefined : book.sharedStrings.get(Number(raw));
        if (text) cell = { column, value: text };
        break;
      }
      case 'str':
        if (raw) cell = { column, value: xmlText(raw) };
        break;
      case 'inlineStr': {
        const text = richText(inner, t);
        if (text) cell = { column, value: text };
        break;
      }
      case 'b':
        if (raw !== null) cell = { column, value: raw.trim() === '1' || raw.trim() === 'true' };
        break;
      case 'e':
        extras.errorCells++;
        break;
      case 'd': {
        const date = raw ? new Date(raw.endsWith('Z') || /[+-]\d\d:\d\d$/.test(raw) ? raw : `${raw}Z`) : null;
        if (date && !Number.isNaN(date.getTime())) cell = { column, value: date };
        break;
      }
      default:
        if (raw) cell = { column, value: xmlText(raw) };
    }
    if (cell) cells.push(cell);
  }
  return cells;
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

/** Parses a whole shared strings part, streamed: one string per `<si>`, phonetic runs left out. */
export async function readSharedStrings(
  chunks: AsyncIterable<Buffer>,
  maxStrings: number,
  strings = new SharedStrings(),
): Promise<SharedStrings> {
  const decoder = new TextDecoder('utf-8');
  let buf = '';
  let tags: Tags | null = null;
  let siOpen = '';
  let siClose = '';
  const scan = () => {
    if (!tags) {
      const rootEnd = buf.indexOf('>', buf.search(/<[^?!]/));
      if (rootEnd < 0) return;
      const p = rootPrefix(buf.slice(0, rootEnd + 1));
      tags = makeTags(p);
      siOpen = `<${p}si`;
      siClose = `</${p}si>`;
    }
    let pos = 0;
    for (;;) {
      const start = findTag(buf, siOpen, pos);
      if (start < 0) {
        buf = buf.slice(Math.max(pos, buf.length - siOpen.length));
        return;
      }
      const open = buf.indexOf('>', start);
      if (open < 0) break;
      let end: number;
      if (buf.charCodeAt(open - 1) === 47) {
        strings.push('');
        end = open + 1;
      } else {
        const close = buf.indexOf(siClose, open);
        if (close < 0) break;
        strings.push(richText(buf.slice(open + 1, close), tags));
        end = close + siClose.length;
      }
      if (strings.length > maxStrings) throw new Error(`more than ${maxStrings} shared strings`);
      pos = end;
    }
    buf = buf.slice(pos);
  };
  for await (const chunk of chunks) {
    buf += decoder.decode(chunk, { stream: true });
    scan();
  }
  buf += decoder.decode();
  scan();
  return strings;
}
