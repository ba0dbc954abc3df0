import { createReadStream } from 'node:fs';
import { pipeline, Transform, type TransformCallback } from 'node:stream';
import { TextDecoder } from 'node:util';
import * as Papa from 'papaparse';
import type { SheetCell, SheetSink } from './table.builder';

/** The bytes are not text: NUL bytes without a UTF-16 byte order mark. */
export class NotTextError extends Error {
  override readonly name = 'NotTextError';
}

const DELIMITERS = [',', ';', '\t', '|'];

/**
 * Decodes the raw bytes to text: honours a UTF-8 or UTF-16 byte order mark (and drops it), falls back
 * to Windows-1252 when the start of the file is not valid UTF-8 (Excel's legacy "CSV" export), and
 * refuses binary content.
 */
class TextDecoding extends Transform {
  private decoder: TextDecoder | null = null;
  private utf16 = false;

  constructor() {
    super({ readableObjectMode: true });
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    let bytes = chunk;
    if (!this.decoder) {
      const { decoder, bomLength, utf16 } = chooseDecoder(bytes);
      this.decoder = decoder;
      this.utf16 = utf16;
      bytes = bytes.subarray(bomLength);
    }
    if (!this.utf16 && bytes.includes(0)) return callback(new NotTextError('NUL bytes'));
    const text = this.decoder.decode(bytes, { stream: true });
    if (text) this.push(text);
    callback();
  }

  override _flush(callback: TransformCallback): void {
    const text = this.decoder?.decode() ?? '';
    if (text) this.push(text);
    callback();
  }
}

function chooseDecoder(start: Buffer): { decoder: TextDecoder; bomLength: number; utf16: boolean } {
  if (start[0] === 0xef && start[1] === 0xbb && start[2] === 0xbf) {
    return { decoder: new TextDecoder('utf-8'), bomLength: 3, utf16: false };
  }
  if (start[0] === 0xff && start[1] === 0xfe)
    return { decoder: new TextDecoder('utf-16le'), bomLength: 2, utf16: true };
  if (start[0] === 0xfe && start[1] === 0xff)
    return { decoder: new TextDecoder('utf-16be'), bomLength: 2, utf16: true };
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(start, { stream: true });
    return { decoder: new TextDecoder('utf-8'), bomLength: 0, utf16: false };
  } catch {
    return { decoder: new TextDecoder('windows-1252'), bomLength: 0, utf16: false };
  }
}

/**
 * Papaparse's own guess counts blank lines as one-field records, so a two-column file with a trailing
 * newline averages under two fields and falls back to a comma; guess again with blank lines skipped.
 */
function sniffDelimiter(firstChunk: string): string {
  const guess = Papa.parse<string[]>(firstChunk, {
    delimitersToGuess: DELIMITERS,
    skipEmptyLines: 'greedy',
    preview: 10,
  });
  return guess.meta.delimiter || ',';
}

/**
 * Streams a delimited text file into `sink` as one sheet; records are numbered from 1 like rows. The
 * delimiter is sniffed from the first chunk unless `delimiter` is given.
 */
export function readCsv(
  path: string,
  sink: SheetSink,
  checkpoint: () => void,
  signal: AbortSignal,
  delimiter?: string,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const source = createReadStream(path, { signal });
    const fail = (error: unknown) => {
      // Reject before anything else can settle: aborting the parser calls `complete`.
      reject(error);
      source.destroy();
    };
    const text = pipeline(source, new TextDecoding(), (error) => {
      if (error) fail(error);
    });
    let rowNumber = 0;
    // Whole chunks rather than papaparse's stream mode, which pauses and re-slices its input every 16
    // records for backpressure and spends most of its time copying.
    Papa.parse<string[]>(text, {
      delimiter: delimiter ?? sniffDelimiter,
      header: false,
      dynamicTyping: false,
      skipEmptyLines: false,
      chunk: (results, parser) => {
        try {
          for (const record of results.data) {
            checkpoint();
            rowNumber++;
            const cells: SheetCell[] = [];
            for (let i = 0; i < record.length; i++) {
              if (record[i] !== '') cells.push({ column: i + 1, value: record[i] });
            }
            sink.addRow(rowNumber, cells);
          }
        } catch (error) {
          fail(error);
          parser.abort();
        }
      },
      complete: () => resolve(),
      error: (error: Error) => fail(error),
    });
  });
}
