import { inputError } from '../../errors/index.js';
import type { CsvRecord } from './record.js';

/**
 * Column names from the first record of the first part: its fields, or col1..colN without a header.
 * An empty or repeated name is an error naming its position; renaming it would publish a column the
 * job never named.
 */
export function columnNames(first: CsvRecord, header: boolean, file: string): string[] {
  const count = first.count;
  if (!header) return Array.from({ length: count }, (_, i) => `col${i + 1}`);
  const names: string[] = [];
  const seen = new Map<string, number>();
  for (let i = 0; i < count; i++) {
    const name = first.value(i) ?? '';
    if (name === '') {
      throw inputError('RESULTS_INVALID', `header column ${i + 1} has no name`, { file, line: 1 });
    }
    const before = seen.get(name);
    if (before !== undefined) {
      throw inputError(
        'RESULTS_INVALID',
        `header column ${i + 1} repeats the name "${name}" of column ${before + 1}`,
        { file, line: 1 },
      );
    }
    seen.set(name, i);
    // A copy: a slice of the chunk's text would keep that whole chunk alive as long as the schema.
    names.push(Buffer.from(name, 'utf8').toString('utf8'));
  }
  return names;
}

/** A later part must start like the first: the same header, or (no header) rows of the same width. */
export function checkSameColumns(
  names: readonly string[],
  firstFile: string,
  first: CsvRecord,
  header: boolean,
  file: string,
): void {
  const problem = header ? headerDifference(names, first) : widthDifference(names.length, first.count);
  if (problem !== undefined) {
    throw inputError('RESULTS_SCHEMA_MISMATCH', `${problem} (compared with ${firstFile})`, { file, line: 1 });
  }
}

function headerDifference(names: readonly string[], first: CsvRecord) {
  const count = first.count;
  if (count !== names.length) return `the header has ${count} columns where ${names.length} were expected`;
  for (let i = 0; i < count; i++) {
    const name = first.value(i) ?? '';
    if (name !== names[i]) return `header column ${i + 1} is "${name}" where "${names[i]}" was expected`;
  }
  return undefined;
}

function widthDifference(width: number, count: number) {
  return count === width ? undefined : `the first row has ${count} fields where ${width} were expected`;
}
