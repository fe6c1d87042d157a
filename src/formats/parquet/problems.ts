/**
 * Problems found while mapping or decoding, before the file name is known to the code that found them;
 * the reader turns them into input errors naming the file and the column.
 */
export class SchemaProblem extends Error {
  constructor(
    readonly column: string,
    message: string,
    /** Valid Parquet that jobpub cannot read (vs. a malformed file). */
    readonly unsupported: boolean,
  ) {
    super(message);
  }
}

export class PageError extends Error {
  constructor(
    message: string,
    readonly unsupported = false,
  ) {
    super(message);
  }
}
