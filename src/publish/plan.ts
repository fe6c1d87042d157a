import type { PublishAction } from '../domain/publish/actions.js';
import type { Field } from '../domain/schema/index.js';
import type { TableRef } from '../targets/ddl/nodes.js';

export type Phase = 'prepare' | 'staging' | 'load' | 'verify' | 'swap' | 'cleanup';

/** One column as it will be written: the target's name and type, and where its values come from. */
export interface PlannedColumn {
  readonly name: string;
  readonly sqlType: string;
  /** The results field (and its index in the results schema) that fills it. */
  readonly source: Field;
  readonly sourceIndex: number;
}

export type PlanStep =
  | { readonly kind: 'begin'; readonly name: string; readonly phase: Phase }
  | { readonly kind: 'commit'; readonly name: string; readonly phase: Phase }
  /**
   * `undo`: where DDL cannot roll back (externalStaging targets), the statement that reverses this one; after
   * a failure before the cleanup phase, the executor runs the undo of every completed step, last first.
   */
  | {
      readonly kind: 'sql';
      readonly name: string;
      readonly phase: Phase;
      readonly sql: string;
      readonly undo?: string;
    }
  | { readonly kind: 'load'; readonly name: string; readonly phase: Phase; readonly into: TableRef }
  /** Before commit: the table holds `expected` rows, or `expected` more than when the plan began. */
  | {
      readonly kind: 'verifyCount';
      readonly name: string;
      readonly phase: Phase;
      readonly table: TableRef;
      readonly expected: number;
      readonly relativeTo?: 'baseline';
    }
  | { readonly kind: 'baseline'; readonly name: string; readonly phase: Phase; readonly table: TableRef };

export interface Plan {
  readonly action: PublishAction;
  readonly sessionId: string;
  readonly requested: TableRef;
  /** The table that holds the results afterwards (with its suffix for create / createAndLoad). */
  readonly finalTable: TableRef;
  /** Rows the results hold: what the load must write. */
  readonly expectedRows: number;
  readonly columns: readonly PlannedColumn[];
  /** How the rows go in (none for `create`). */
  readonly loadMethod: string | undefined;
  /** Objects this publish creates and must leave nothing of on failure (names carry the session id). */
  readonly staging: readonly TableRef[];
  readonly steps: readonly PlanStep[];
  readonly warnings: readonly string[];
}
