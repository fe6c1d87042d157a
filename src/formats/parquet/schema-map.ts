import type { SchemaElement, SchemaTree } from 'hyparquet';
import { type Field, field, type LogicalType, type Schema, t } from '../../domain/schema/index.js';
import type { Conversion } from './convert.js';
import { leafType } from './leaf-types.js';
import type { PhysicalType } from './plain.js';
import { SchemaProblem } from './problems.js';

/**
 * The Parquet schema tree (from the footer) as our Schema, plus what reading needs: one LeafInfo per
 * physical column (its levels and conversion) and, per top-level field, a Node tree that says how the
 * leaves' definition / repetition levels rebuild lists, structs and maps.
 *
 * Nesting follows the Parquet spec, backward-compatibility rules included: LIST groups in the 3-level
 * form and the older 2-level forms (`repeated group array`, `<name>_tuple`, a repeated primitive), MAP and
 * MAP_KEY_VALUE groups, and bare repeated fields (a required list of required elements).
 */
export interface LeafInfo {
  readonly path: readonly string[];
  /** The dotted path, as named in error messages. */
  readonly name: string;
  readonly physical: PhysicalType;
  readonly typeLength: number;
  readonly maxDef: number;
  readonly maxRep: number;
  readonly conversion: Conversion;
}

/** `def`: the definition level at which this node is present (non-null). */
export type Node =
  | { readonly kind: 'leaf'; readonly optional: boolean; readonly def: number; readonly leaf: number }
  | {
      readonly kind: 'struct';
      readonly optional: boolean;
      readonly def: number;
      readonly children: readonly Node[];
    }
  | {
      readonly kind: 'list' | 'map';
      readonly optional: boolean;
      readonly def: number;
      /** The definition level at which the list has at least one element. */
      readonly itemDef: number;
      /** The repetition level that starts a new element of this list. */
      readonly rep: number;
      /** list: [element]; map: [key, value]. */
      readonly items: readonly Node[];
    };

export interface TopColumn {
  readonly field: Field;
  readonly node: Node;
  /** Indexes into `leaves` of the physical columns under this field. */
  readonly leaves: readonly number[];
}

export interface Layout {
  readonly schema: Schema;
  readonly columns: readonly TopColumn[];
  readonly leaves: readonly LeafInfo[];
}

interface Mapped {
  readonly type: LogicalType;
  readonly nullable: boolean;
  readonly node: Node;
}

export function mapSchema(root: SchemaTree): Layout {
  const leaves: LeafInfo[] = [];
  const columns: TopColumn[] = [];
  for (const child of root.children) {
    const first = leaves.length;
    const m = mapField(child, 0, 0, leaves);
    const f = field(child.element.name, m.type, m.nullable);
    columns.push({ field: f, node: m.node, leaves: leaves.slice(first).map((_, i) => first + i) });
  }
  return { schema: { fields: columns.map((c) => c.field) }, columns, leaves };
}

const dotted = (tree: SchemaTree) => tree.path.join('.');

function mapField(tree: SchemaTree, def: number, rep: number, leaves: LeafInfo[]): Mapped {
  const repetition = tree.element.repetition_type;
  if (repetition === 'REPEATED') {
    // A repeated field outside a LIST / MAP group: a list that is never null, of elements never null.
    const element = mapContent(tree, def + 1, rep + 1, false, leaves);
    const node: Node = {
      kind: 'list',
      optional: false,
      def,
      itemDef: def + 1,
      rep: rep + 1,
      items: [element.node],
    };
    return { type: t.list(element.type, false), nullable: false, node };
  }
  const optional = repetition !== 'REQUIRED';
  return mapContent(tree, optional ? def + 1 : def, rep, optional, leaves);
}

/** The value of a node whose own definition level (`def`) is already counted. */
function mapContent(
  tree: SchemaTree,
  def: number,
  rep: number,
  optional: boolean,
  leaves: LeafInfo[],
): Mapped {
  const e = tree.element;
  if (tree.children.length === 0 && e.num_children === undefined)
    return mapLeaf(tree, def, rep, optional, leaves);
  const annotation = e.logical_type?.type ?? e.converted_type;
  if (annotation === 'LIST') return mapList(tree, def, rep, optional, leaves);
  if (annotation === 'MAP' || annotation === 'MAP_KEY_VALUE') return mapMap(tree, def, rep, optional, leaves);
  if (tree.children.length === 0)
    throw new SchemaProblem(dotted(tree), 'a group with no fields is not supported', true);
  const children = tree.children.map((c) => ({ name: c.element.name, m: mapField(c, def, rep, leaves) }));
  return {
    type: t.struct(children.map((c) => field(c.name, c.m.type, c.m.nullable))),
    nullable: optional,
    node: { kind: 'struct', optional, def, children: children.map((c) => c.m.node) },
  };
}

function repeatedChild(tree: SchemaTree, what: string): SchemaTree {
  const only = tree.children[0];
  if (tree.children.length !== 1 || only?.element.repetition_type !== 'REPEATED') {
    throw new SchemaProblem(dotted(tree), `a ${what} group must hold exactly one repeated field`, false);
  }
  return only;
}

function mapList(tree: SchemaTree, def: number, rep: number, optional: boolean, leaves: LeafInfo[]): Mapped {
  const repeated = repeatedChild(tree, 'LIST');
  const itemDef = def + 1;
  const itemRep = rep + 1;
  const legacyElement =
    repeated.children.length === 0 ||
    repeated.children.length > 1 ||
    repeated.element.name === 'array' ||
    repeated.element.name === `${tree.element.name}_tuple`;
  const element = legacyElement
    ? mapContent(repeated, itemDef, itemRep, false, leaves)
    : mapField(repeated.children[0]!, itemDef, itemRep, leaves);
  const node: Node = { kind: 'list', optional, def, itemDef, rep: itemRep, items: [element.node] };
  return { type: t.list(element.type, element.nullable), nullable: optional, node };
}

function mapMap(tree: SchemaTree, def: number, rep: number, optional: boolean, leaves: LeafInfo[]): Mapped {
  const entries = repeatedChild(tree, 'MAP');
  const [keyTree, valueTree] = entries.children;
  if (!keyTree || !valueTree || entries.children.length !== 2) {
    throw new SchemaProblem(
      dotted(tree),
      'a MAP group must hold a repeated group of a key and a value',
      false,
    );
  }
  const key = mapField(keyTree, def + 1, rep + 1, leaves);
  const value = mapField(valueTree, def + 1, rep + 1, leaves);
  const node: Node = {
    kind: 'map',
    optional,
    def,
    itemDef: def + 1,
    rep: rep + 1,
    items: [key.node, value.node],
  };
  return { type: t.map(key.type, value.type, value.nullable), nullable: optional, node };
}

function mapLeaf(tree: SchemaTree, def: number, rep: number, optional: boolean, leaves: LeafInfo[]): Mapped {
  const e: SchemaElement = tree.element;
  const physical = e.type as PhysicalType | undefined;
  if (!physical) throw new SchemaProblem(dotted(tree), 'a column has no physical type', false);
  const { type, conversion } = leafType(e, physical, dotted(tree));
  const index = leaves.length;
  leaves.push({
    path: tree.path,
    name: dotted(tree),
    physical,
    typeLength: e.type_length ?? 0,
    maxDef: def,
    maxRep: rep,
    conversion,
  });
  return { type, nullable: optional, node: { kind: 'leaf', optional, def, leaf: index } };
}
