import { redact } from '../publish/redact.js';

/**
 * Text for a job record or a log line: redacted by pattern (publish/redact.ts), then every known secret
 * of the connection in use is replaced, wherever a driver may have echoed it.
 */
export function scrubber(secrets: readonly string[]): (text: string) => string {
  const known = secrets.filter((s) => s.length >= 4).sort((a, b) => b.length - a.length);
  return (text) => {
    let out = redact(text);
    for (const s of known) out = out.replaceAll(s, '***');
    return out;
  };
}
