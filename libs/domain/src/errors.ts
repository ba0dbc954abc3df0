/**
 * Why a file could not be read. Codes are stable: reports, findings and exit codes depend on them.
 */
export type UnreadableCode =
  | 'corrupt'
  | 'encrypted'
  | 'unsupported_format'
  | 'file_too_large'
  | 'too_many_cells'
  | 'timeout'
  | 'not_found'
  /** A native Google Sheet whose xlsx export is over Google's export size limit (exportSizeLimitExceeded). */
  | 'export_too_large';

export class UnreadableFileError extends Error {
  override readonly name = 'UnreadableFileError';
  constructor(
    readonly code: UnreadableCode,
    message: string,
  ) {
    super(message);
  }
}

/** A user-facing error with a stable code: bad configuration, a bad catalog, a bad argument. */
export class ShadowscanError extends Error {
  override readonly name = 'ShadowscanError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
