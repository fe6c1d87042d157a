/**
 * Removes secrets from text that goes into a step record, a log line or an error message: passwords in
 * URLs, `password=`/`secret=`/`token=` pairs, AWS keys and CREDENTIALS clauses (for the S3 COPY of later
 * targets).
 */
const PATTERNS: [RegExp, string][] = [
  [/(\b[a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:)[^@\s]*@/gi, '$1***@'],
  [/\b(CREDENTIALS|ACCESS_KEY_ID|SECRET_ACCESS_KEY|SESSION_TOKEN)(\s+)'[^']*'/gi, "$1$2'***'"],
  [
    /\b(password|passwd|pwd|secret|token|secret_access_key|aws_secret_access_key|session_token)(\s*[=:]\s*)('[^']*'|"[^"]*"|[^\s;,]+)/gi,
    '$1$2***',
  ],
  [/\bAKIA[0-9A-Z]{16}\b/g, 'AKIA***'],
];

export function redact(text: string): string {
  let out = text;
  for (const [re, to] of PATTERNS) out = out.replace(re, to);
  return out;
}
