import { formatType } from './format-type.js';
import type { Field, LogicalType, Schema } from './types.js';

export function typesEqual(a: LogicalType, b: LogicalType): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export function fieldsEqual(a: Field, b: Field): boolean {
  return a.name === b.name && a.nullable === b.nullable && typesEqual(a.type, b.type);
}

/** The first difference between two schemas in words, or undefined when they are the same. */
export function schemaDifference(a: Schema, b: Schema): string | undefined {
  if (a.fields.length !== b.fields.length) {
    return `${a.fields.length} columns vs ${b.fields.length} columns`;
  }
  for (let i = 0; i < a.fields.length; i++) {
    const fa = a.fields[i]!;
    const fb = b.fields[i]!;
    if (!fieldsEqual(fa, fb)) {
      return `column ${i + 1}: ${describe(fa)} vs ${describe(fb)}`;
    }
  }
  return undefined;
}

function describe(f: Field): string {
  return `"${f.name}" ${formatType(f.type)}${f.nullable ? '' : ' not null'}`;
}
