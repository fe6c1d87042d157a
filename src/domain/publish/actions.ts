/** The five publish actions of the Trifacta v4 API, and what each one means (../shared/spec/api.md). */
export const PUBLISH_ACTIONS = ['create', 'load', 'createAndLoad', 'truncateAndLoad', 'dropAndLoad'] as const;
export type PublishAction = (typeof PUBLISH_ACTIONS)[number];

export interface ActionSemantics {
  /** Makes a new table named `<table>_<yyyyMMddHHmmss>` (then `_2`, `_3` on collision). */
  readonly timestamped: boolean;
  /** Moves the results' rows into the target. */
  readonly loads: boolean;
  /** Fails when the table does not exist (nothing is created). */
  readonly requiresExisting: boolean;
  /** What happens to an existing table: kept and appended to, rows replaced, or the table replaced. */
  readonly existing: 'append' | 'replaceRows' | 'replaceTable' | 'untouched';
}

export const ACTIONS: Readonly<Record<PublishAction, ActionSemantics>> = {
  create: { timestamped: true, loads: false, requiresExisting: false, existing: 'untouched' },
  createAndLoad: { timestamped: true, loads: true, requiresExisting: false, existing: 'untouched' },
  load: { timestamped: false, loads: true, requiresExisting: true, existing: 'append' },
  truncateAndLoad: { timestamped: false, loads: true, requiresExisting: false, existing: 'replaceRows' },
  dropAndLoad: { timestamped: false, loads: true, requiresExisting: false, existing: 'replaceTable' },
};

export function isPublishAction(s: string): s is PublishAction {
  return (PUBLISH_ACTIONS as readonly string[]).includes(s);
}
