import type { TargetCapabilities } from '../targets/capabilities.js';

/** How the target compares names: folded to lower case where it is case-insensitive. */
export function folder(caps: TargetCapabilities): (name: string) => string {
  return caps.identifierCase === 'insensitive' ? (s) => s.toLowerCase() : (s) => s;
}

/** Why the target cannot hold `name`, or undefined. publishing.md section 4. */
export function nameProblem(name: string, caps: TargetCapabilities): string | undefined {
  if (name.length === 0) return 'is empty';
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is refused
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'holds a NUL or control character';
  const bytes = Buffer.byteLength(name, 'utf8');
  if (bytes > caps.maxIdentifierBytes) {
    return `is ${bytes} bytes long; the target allows at most ${caps.maxIdentifierBytes}`;
  }
  return undefined;
}
