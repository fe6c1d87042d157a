import type { LogicalType } from '../domain/schema/index.js';
import type { ResultFormat } from '../formats/reader.js';
import type { TargetCapabilities } from './capabilities.js';
import type { Dialect } from './ddl/compiler.js';

export type TypeMapping =
  | { readonly ok: true; readonly sqlType: string; readonly warning?: string }
  | { readonly ok: false; readonly reason: string };

/** A type the target holds, with a warning where the conversion is lossy-but-allowed. */
export const mapped = (sqlType: string, warning?: string): TypeMapping =>
  warning === undefined ? { ok: true, sqlType } : { ok: true, sqlType, warning };

/** Maps a logical type to the target's column type, or says why it cannot hold it. */
export type TypeMap = (type: LogicalType) => TypeMapping;

/** The pure half of a target: what the planner needs, no driver, no I/O. */
export interface TargetProfile {
  readonly kind: string;
  readonly capabilities: TargetCapabilities;
  readonly dialect: Dialect;
  readonly mapType: TypeMap;
  /** How rows of a format go in, in words for the plan (`COPY … FROM STDIN (text)`, `read_parquet`). */
  readonly loadMethod?: (format: ResultFormat) => string;
}
