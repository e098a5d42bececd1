import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ERROR_CODES, type ErrorCodeInfo } from '@tributary/domain';

// docs/errors.md against ERROR_CODES (libs/domain/src/error-codes.ts): the page lists every code exactly once,
// nothing else, and says of each what the list says — its status, kind, where it appears and its meaning.

interface Row {
  readonly code: string;
  readonly status: string;
  readonly kind: string;
  readonly where: string;
  readonly meaning: string;
}

/** Every table row of the page whose first cell is a backticked code. */
function parseErrorsPage(text: string): Row[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .map((line) => {
      const [code, status, kind, where, meaning] = line.split('|').slice(1, -1).map((c) => c.trim());
      return { code: code.replace(/`/g, ''), status, kind, where, meaning };
    });
}

/** How the page writes an entry of ERROR_CODES. */
const rowOf = (code: string, info: ErrorCodeInfo): Row => ({
  code,
  status: info.status === null ? '—' : String(info.status),
  kind: info.kind === null ? '—' : `\`${info.kind}\``,
  where: info.where.join(', '),
  meaning: info.meaning,
});

const rows = parseErrorsPage(readFileSync(join(process.cwd(), 'docs/errors.md'), 'utf8'));
const listed = Object.entries(ERROR_CODES as Record<string, ErrorCodeInfo>);

describe('docs/errors.md', () => {
  it('lists every code of ERROR_CODES', () => {
    const documented = new Set(rows.map((r) => r.code));
    expect({ missingFromPage: listed.map(([code]) => code).filter((code) => !documented.has(code)) }).toEqual({ missingFromPage: [] });
  });

  it('lists no code ERROR_CODES does not have', () => {
    expect({ notInErrorCodes: rows.map((r) => r.code).filter((code) => !Object.hasOwn(ERROR_CODES, code)) }).toEqual({ notInErrorCodes: [] });
  });

  it('lists each code once', () => {
    const seen = rows.map((r) => r.code);
    expect(seen.filter((code, i) => seen.indexOf(code) !== i)).toEqual([]);
  });

  it.each(listed)('says what ERROR_CODES says of %s', (code, info) => {
    expect(rows.find((r) => r.code === code)).toEqual(rowOf(code, info));
  });
});
