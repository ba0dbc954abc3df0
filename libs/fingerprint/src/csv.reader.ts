import { CellBatch } from './cell.batch';
import { CsvByteTokenizer } from './csv.bytes';
import { csvScanner } from './csv.scan';
import { CsvTokenizer, tokenize } from './csv.tokenizer';
import { type ChunkDigest, readChunks } from './file.chunks';
import type { BatchEvent, RowEvent, RowsEvent } from './sheet.source';
import { type SheetCell, sheetCell } from './table.builder';
import { sniffEncoding, StreamingTextDecoder } from './text.decoding';

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
    // Only the first records are looked at: the rest of the sample is not even read.
    const records = tokenize(sample, delimiter, '"', SNIFF_RECORDS)
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
  /** false: decode to text and tokenize that, even UTF-8 (see SourceJob.byteHashing). Default: true. */
  byteHashing?: boolean;
  /** false: the JavaScript tokenizer reads every record, without the WebAssembly scanner. Default: true. */
  wasm?: boolean;
  /** Takes every byte read, in file order (the file's digest, without a second read). */
  digest?: ChunkDigest;
}

/** The first bytes, read before anything is tokenized: enough to tell the encoding and the dialect. */
const HEAD_BYTES = 64 * 1024;

/**
 * Streams a delimited text file as rows; records are numbered from 1 like rows (a `sep=` hint line
 * is not a record). UTF-8 and ASCII files, nearly all of them, are tokenized as bytes into batches
 * (csv.bytes.ts); other encodings are decoded to text first. Reading stops as soon as the consumer
 * stops iterating.
 */
export async function* readCsvRows(
  path: string,
  options: CsvReadOptions = {},
): AsyncGenerator<RowsEvent | BatchEvent> {
  const chunks = readChunks(path, READ_CHUNK_BYTES, options.signal, options.digest);
  try {
    const head: Buffer[] = [];
    let headBytes = 0;
    let ended = false;
    while (headBytes < HEAD_BYTES) {
      const next = await chunks.next();
      if (next.done) {
        ended = true;
        break;
      }
      // Copied: a chunk's buffer is read into again two chunks later.
      head.push(Buffer.from(next.value));
      headBytes += next.value.length;
    }
    const first = head.length === 1 ? head[0] : Buffer.concat(head);
    const decoder = new StreamingTextDecoder();
    const text = decoder.decode(first) + (ended ? decoder.end() : '');
    const dialect = sniffDialect(text, options.delimiter);
    const rest = ended ? emptyChunks() : chunks;
    const delimiter = dialect.delimiter.charCodeAt(0);
    if (options.byteHashing !== false && decoder.encoding === 'utf-8' && isByteDelimiter(dialect.delimiter)) {
      const skip = sniffEncoding(first).bomLength + Buffer.byteLength(dialect.sepLine);
      yield* byteRows(
        first.subarray(skip),
        rest,
        new CsvByteTokenizer(delimiter, options.wasm === false ? null : csvScanner()),
      );
    } else {
      yield* textRows(text.slice(dialect.sepLine.length), rest, decoder, new CsvTokenizer(dialect.delimiter));
    }
  } finally {
    await chunks.return();
  }
}

/** A delimiter the byte tokenizer can look for: one ASCII byte that is not a quote or a line break. */
function isByteDelimiter(delimiter: string): boolean {
  const c = delimiter.charCodeAt(0);
  return delimiter.length === 1 && c < 128 && c !== 34 && c !== 10 && c !== 13;
}

async function* emptyChunks(): AsyncGenerator<Buffer> {}

function iterate(chunks: AsyncIterator<Buffer>): AsyncIterable<Buffer> {
  return { [Symbol.asyncIterator]: () => chunks };
}

/** UTF-8 bytes, one batch per chunk read. */
async function* byteRows(
  first: Buffer,
  rest: AsyncIterator<Buffer>,
  tokenizer: CsvByteTokenizer,
): AsyncGenerator<BatchEvent> {
  const batch = new CellBatch();
  const event: BatchEvent = { kind: 'batch', batch };
  let pending = first;
  for await (const chunk of iterate(rest)) {
    tokenizer.push(pending, batch);
    pending = chunk;
    if (batch.rows) yield event;
    batch.clear();
  }
  tokenizer.push(pending, batch, true);
  if (batch.rows) yield event;
}

/** Decoded text, for the other encodings. */
async function* textRows(
  first: string,
  rest: AsyncIterator<Buffer>,
  decoder: StreamingTextDecoder,
  tokenizer: CsvTokenizer,
): AsyncGenerator<RowsEvent> {
  let rowNumber = 0;
  let batch: RowEvent[] = [];
  const emit = (record: string[]) => {
    rowNumber++;
    const cells: SheetCell[] = [];
    for (let i = 0; i < record.length; i++) if (record[i] !== '') cells.push(sheetCell(i + 1, record[i]));
    batch.push({ kind: 'row', rowNumber, cells });
  };
  tokenizer.push(first, emit);
  for await (const chunk of iterate(rest)) {
    tokenizer.push(decoder.decode(chunk), emit);
    if (batch.length) {
      yield { kind: 'rows', rows: batch };
      batch = [];
    }
  }
  tokenizer.push(decoder.end(), emit);
  tokenizer.end(emit);
  if (batch.length) yield { kind: 'rows', rows: batch };
}

/** The delimiter (forced, from a `sep=` line, or sniffed) and the `sep=` line itself, if any. */
function sniffDialect(text: string, forced: string | undefined): { delimiter: string; sepLine: string } {
  const sep = SEP_LINE.exec(text);
  const sepLine = sep ? sep[0] : '';
  const delimiter =
    forced ?? (sep ? sep[1] : sniffDelimiter(text.slice(sepLine.length, sepLine.length + 64 * 1024)));
  return { delimiter, sepLine };
}
