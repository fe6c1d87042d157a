/** JSON whitespace: space, tab, line feed, carriage return. */
function isJsonWs(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/** The first index in [from, to) that is not JSON whitespace (`to` when there is none). */
export function skipJsonWs(s: string, from: number, to = s.length): number {
  let i = from;
  while (i < to && isJsonWs(s.charCodeAt(i))) i++;
  return i;
}

/** Line feeds in s[from, to). */
export function countNewlines(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = s.indexOf('\n', from); i >= 0 && i < to; i = s.indexOf('\n', i + 1)) n++;
  return n;
}
