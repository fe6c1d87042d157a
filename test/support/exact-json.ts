/** A JSON number, kept as its literal so no digit is lost. */
export class Num {
  constructor(readonly text: string) {}
}
export type Parsed = null | boolean | string | Num | Parsed[] | { [k: string]: Parsed };

const LITERAL = /true|false|null|-?[0-9][0-9.eE+-]*/y;

/** A small JSON parser that keeps number literals as text (JSON.parse would round int64 and decimals). */
export function parseExactJson(text: string): Parsed {
  let i = 0;
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const value = (): Parsed => {
    ws();
    const ch = text[i];
    if (ch === '{') {
      i++;
      const o: { [k: string]: Parsed } = {};
      ws();
      if (text[i] === '}') {
        i++;
        return o;
      }
      for (;;) {
        ws();
        const k = value() as string;
        ws();
        i++; // ':'
        o[k] = value();
        ws();
        if (text[i++] === '}') return o;
      }
    }
    if (ch === '[') {
      i++;
      const a: Parsed[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        return a;
      }
      for (;;) {
        a.push(value());
        ws();
        if (text[i++] === ']') return a;
      }
    }
    if (ch === '"') {
      const start = i;
      for (i++; text[i] !== '"'; i++) if (text[i] === '\\') i++;
      i++;
      return JSON.parse(text.slice(start, i)) as string;
    }
    LITERAL.lastIndex = i;
    const m = LITERAL.exec(text)!;
    i = LITERAL.lastIndex;
    return m[0] === 'true' ? true : m[0] === 'false' ? false : m[0] === 'null' ? null : new Num(m[0]);
  };
  return value();
}
