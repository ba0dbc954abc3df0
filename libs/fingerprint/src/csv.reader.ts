import { createReadStream } from 'node:fs';
import { CsvTokenizer, tokenize } from './csv.tokenizer';
import type { RowEvent, RowsEvent } from './sheet.source';
import { type SheetCell, sheetCell } from './table.builder';
import { StreamingTextDecoder } from './text.decoding';

export { NotTextError } from './text.decoding';

const DELIMITERS = [',', ';', '\t', '|'];
const READ_CHUNK_BYTES = 256 * 1024;
/** Records looked at to choose the delimiter. */
const SNIFF_RECORDS = 50;
/** Excel's own hint on the first line of a CSV: `sep=;`. */
const SEP_LINE = /^sep=(.)\r?\n?/;

/**
 * The delimiter that splits the first records into the most consistent number of fields (two or
 * more). Preamble lines and footnotes have a different count, so consistency beats the mean.
 */
export function sniffDelimiter(sample: string): string {
  let best = { delimiter: ',', score: 0, width: 0 };
  for (const delimiter of DELIMITERS) {
    const records = tokenize(sample, delimiter)
      .slice(0, SNIFF_RECORDS)
      .filter((r) => r.length > 1 || r[0] !== '');
    // The sample is cut anywhere: its last record may be partial.
    if (records.length > 2) records.pop();
    const counts = new Map<number, number>();
    for (const r of records) counts.set(r.length, (counts.get(r.length) ?? 0) + 1);
    let width = 0;
    let times = 0;
    for (const [w, t] of counts)
      if (w > 1 && (t > times || (t === times && w > width))) [width, times] = [w, t];
    if (width < 2) continue;
    const score = times / records.length;
    if (score > best.score || (score === best.score && width > best.width))
      best = { delimiter, score, width };
  }
  return best.delimiter;
}

export interface CsvReadOptions {
  signal?: AbortSignal;
  /** Forced delimiter (TSV); otherwise sniffed from the first chunk. */
  delimiter?: string;
}

/**
 * Streams a delimited text file as rows; records are numbered from 1 like rows (a `sep=` hint line
 * is not a record). Reading stops as soon as the consumer stops iterating.
 */
export async function* readCsvRows(path: string, options: CsvReadOptions = {}): AsyncGenerator<RowsEvent> {
  const source = createReadStream(path, { signal: options.signal, highWaterMark: READ_CHUNK_BYTES });
  const decoder = new StreamingTextDecoder();
  let tokenizer: CsvTokenizer | null = null;
  let rowNumber = 0;
  let batch: RowEvent[] = [];
  const emit = (record: string[]) => {
    rowNumber++;
    const cells: SheetCell[] = [];
    for (let i = 0; i < record.length; i++) if (record[i] !== '') cells.push(sheetCell(i + 1, record[i]));
    batch.push({ kind: 'row', rowNumber, cells });
  };
  let head = '';
  try {
    for await (const chunk of source) {
      let text = decoder.decode(chunk as Buffer);
      if (!tokenizer) {
        head += text;
        // Enough text to sniff, unless the file is shorter.
        if (head.length < 16 * 1024) continue;
        text = head;
        ({ tokenizer, text } = startTokenizer(text, options.delimiter));
      }
      tokenizer.push(text, emit);
      if (batch.length) {
        const rows = batch;
        batch = [];
        yield { kind: 'rows', rows };
      }
    }
    let text = decoder.end();
    if (!tokenizer) ({ tokenizer, text } = startTokenizer(head + text, options.delimiter));
    tokenizer.push(text, emit);
    tokenizer.end(emit);
    if (batch.length) yield { kind: 'rows', rows: batch };
  } finally {
    source.destroy();
  }
}

function startTokenizer(text: string, forced: string | undefined): { tokenizer: CsvTokenizer; text: string } {
  const sep = SEP_LINE.exec(text);
  const rest = sep ? text.slice(sep[0].length) : text;
  const delimiter = forced ?? (sep ? sep[1] : sniffDelimiter(rest.slice(0, 64 * 1024)));
  return { tokenizer: new CsvTokenizer(delimiter), text: rest };
}
