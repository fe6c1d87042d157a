import { describe, expect, it } from 'vitest';
import {
  firstFreeName,
  stagingName,
  stagingSession,
  timestampSuffix,
} from '../../src/domain/publish/naming.js';
import { redact } from '../../src/publish/redact.js';

describe('names jobpub makes', () => {
  it('timestamp suffixes are UTC yyyyMMddHHmmss', () => {
    expect(timestampSuffix(new Date('2026-01-02T03:04:05.999Z'))).toBe('20260102030405');
  });

  it('free names count up from _2', () => {
    const id = (s: string) => s;
    expect(firstFreeName('t', new Set(), id)).toBe('t');
    expect(firstFreeName('t', new Set(['t', 't_2']), id)).toBe('t_3');
  });

  it('staging names carry the session id and give it back', () => {
    const id = '0F8FAD5B-D9CB-469F-A165-70867728950E';
    const name = stagingName(id, 'stg');
    expect(name).toBe('jobpub_stg_0f8fad5bd9cb469fa16570867728950e');
    expect(stagingSession(name)).toBe(id.toLowerCase());
    expect(stagingSession(stagingName(id, 'old').toUpperCase())).toBe(id.toLowerCase());
    expect(stagingSession('jobpub_stg_123')).toBeUndefined();
    expect(stagingSession('orders')).toBeUndefined();
  });
});

describe('redaction', () => {
  it('removes passwords from URLs, key=value pairs and credential clauses', () => {
    expect(redact('postgres://loader:s3cr%3Et@db:5432/x failed')).toBe(
      'postgres://loader:***@db:5432/x failed',
    );
    expect(redact("password='hunter2' user=x")).toBe('password=*** user=x');
    expect(
      redact(
        "COPY t FROM 's3://b/m' CREDENTIALS 'aws_access_key_id=AKIAABCDEFGHIJKLMNOP;aws_secret_access_key=abc'",
      ),
    ).toBe("COPY t FROM 's3://b/m' CREDENTIALS '***'");
    expect(redact('key AKIAABCDEFGHIJKLMNOP here')).toBe('key AKIA*** here');
    expect(redact('SELECT 1')).toBe('SELECT 1');
  });
});
