import { formatType, type LogicalType } from '../../src/domain/schema/index.js';
import { capabilities } from '../../src/targets/capabilities.js';
import { backtick, doubleQuote } from '../../src/targets/ddl/compiler.js';
import type { TargetProfile, TypeMapping } from '../../src/targets/profile.js';

/** Pure profiles shaped like the real targets, for planner tests (no driver, no I/O). */
const passThrough = (t: LogicalType): TypeMapping =>
  t.kind === 'decimal' && t.precision > 38
    ? { ok: false, reason: 'precision over 38' }
    : { ok: true, sqlType: formatType(t) };

export const transactional: TargetProfile = {
  kind: 'tx',
  capabilities: capabilities({
    transactionalDdl: true,
    acceptedFormats: ['pqt', 'avro', 'csv', 'json'],
    identifierCase: 'exact',
    maxIdentifierBytes: 63,
  }),
  dialect: { quoteIdent: doubleQuote },
  mapType: passThrough,
};

export const renameSwap: TargetProfile = {
  kind: 'rename',
  capabilities: capabilities({
    atomicMultiRename: true,
    acceptedFormats: ['pqt', 'csv'],
    identifierCase: 'insensitive',
    maxIdentifierBytes: 64,
  }),
  dialect: { quoteIdent: backtick, renameTable: (from, to) => `RENAME TABLE ${from} TO ${to}` },
  mapType: passThrough,
};
