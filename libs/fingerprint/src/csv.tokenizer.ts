/** A record longer than this is not a spreadsheet row but an unterminated quote (or hostile input). */
export const MAX_RECORD_CHARS = 32 * 1024 * 1024;

/** A record that never ends: an unbalanced quote swallowed the rest of the file. */
export class RecordTooLongError extends Error {
  override readonly name = 'RecordTooLongError';
}

const enum State {
  FieldStart,
  Unquoted,
  Quoted,
  /** A quote inside a quoted field: either the first of a doubled quote or the closing one. */
  QuoteInQuoted,
  /** A CR ended the record; a LF right after it belongs to the same line break. */
  AfterCr,
}

const LF = 10;
const CR = 13;

/**
 * An incremental RFC 4180 reader: text goes in in chunks of any size, records come out as soon as
 * they are complete. Line breaks are LF, CRLF or a lone CR (old Mac exports). Lenient like Excel:
 * a quote inside an unquoted field is kept, and text after a closing quote is appended to the field.
 */
export class CsvTokenizer {
  private state = State.FieldStart;
  private fields: string[] = [];
  private field = '';
  private recordChars = 0;
  private readonly delimiterCode: number;
  private readonly quoteCode: number;

  constructor(
    private readonly delimiter: string,
    private readonly quote = '"',
  ) {
    this.delimiterCode = delimiter.charCodeAt(0);
    this.quoteCode = quote.charCodeAt(0);
  }

  /** Feeds a chunk; calls `emit` for every record it completes. */
  push(text: string, emit: (record: string[]) => void): void {
    const n = text.length;
    const d = this.delimiterCode;
    const q = this.quoteCode;
    let i = 0;
    this.recordChars += n;
    while (i < n) {
      switch (this.state) {
        case State.AfterCr:
          if (text.charCodeAt(i) === LF) i++;
          this.state = State.FieldStart;
          break;
        case State.FieldStart:
          if (text.charCodeAt(i) === q) {
            this.state = State.Quoted;
            i++;
          } else this.state = State.Unquoted;
          break;
        case State.Unquoted: {
          let j = i;
          let c = 0;
          for (; j < n; j++) {
            c = text.charCodeAt(j);
            if (c === d || c === LF || c === CR) break;
          }
          if (j > i) this.field += text.slice(i, j);
          if (j === n) {
            i = n;
            break;
          }
          this.fields.push(this.field);
          this.field = '';
          i = j + 1;
          if (c === d) this.state = State.FieldStart;
          else {
            this.state = c === CR ? State.AfterCr : State.FieldStart;
            this.flush(emit);
          }
          break;
        }
        case State.Quoted: {
          const j = text.indexOf(this.quote, i);
          if (j < 0) {
            this.field += text.slice(i);
            i = n;
          } else {
            this.field += text.slice(i, j);
            this.state = State.QuoteInQuoted;
            i = j + 1;
          }
          break;
        }
        case State.QuoteInQuoted:
          if (text.charCodeAt(i) === q) {
            this.field += this.quote;
            this.state = State.Quoted;
            i++;
          } else this.state = State.Unquoted;
          break;
      }
    }
    if (this.recordChars > MAX_RECORD_CHARS) {
      throw new RecordTooLongError(`a record longer than ${MAX_RECORD_CHARS} characters`);
    }
  }

  /** Ends the input: emits the last record when the text did not end with a line break. */
  end(emit: (record: string[]) => void): void {
    const midRecord =
      this.state !== State.FieldStart && this.state !== State.AfterCr ? true : this.fields.length > 0;
    if (midRecord) {
      this.fields.push(this.field);
      this.field = '';
      this.flush(emit);
    }
    this.state = State.FieldStart;
  }

  private flush(emit: (record: string[]) => void): void {
    const record = this.fields;
    this.fields = [];
    this.recordChars = 0;
    emit(record);
  }
}

/** How much of the text tokenize() reads at a time, looking whether it has enough records. */
const TOKENIZE_PIECE = 4096;

/**
 * Parses a text (sniffing, tests): all of it, or with `firstRecords` its first records only (at least
 * that many when it has them, perhaps a few more), reading no further than it must to find them.
 */
export function tokenize(text: string, delimiter: string, quote = '"', firstRecords = Infinity): string[][] {
  const out: string[][] = [];
  const t = new CsvTokenizer(delimiter, quote);
  const emit = (r: string[]) => out.push(r);
  for (let at = 0; at < text.length && out.length < firstRecords; at += TOKENIZE_PIECE) {
    t.push(text.slice(at, at + TOKENIZE_PIECE), emit);
  }
  if (out.length < firstRecords) t.end(emit);
  return out;
}
