import { parse } from 'yaml';
import { formatAnswer } from './output.js';

// The -o formats on the shapes commands print: a page ({ data, nextCursor }), a bare list, one object.
const page = {
  data: [
    { id: 'a1', name: 'DHL', vendor: 'dhl', config: { account: '42', nested: { deep: true } }, enabled: true, createdAt: '2026-12-01T00:00:00Z' },
    { id: 'b22', name: 'UPS Europe', vendor: 'ups', config: {}, enabled: false, createdAt: '2026-12-02T00:00:00Z' },
  ],
  nextCursor: 'b22',
};

describe('-o table|yaml|json', () => {
  it('prints a page as aligned columns (the command\'s columns), then its other fields', () => {
    expect(formatAnswer(page, 'table', ['id', 'name', 'vendor', 'enabled', 'missing'])).toBe(
      ['ID   NAME        VENDOR  ENABLED', 'a1   DHL         dhl     true', 'b22  UPS Europe  ups     false', '', 'nextCursor  b22', ''].join('\n'),
    );
  });

  it('prints every key as a column when the command names none, nested values as compact JSON, long ones cut', () => {
    const long = { id: 'x', payload: { text: 'y'.repeat(100) } };
    const lines = formatAnswer([page.data[0], long], 'table').split('\n');
    expect(lines[0]).toMatch(/^ID +NAME +VENDOR +CONFIG +ENABLED +CREATEDAT +PAYLOAD$/);
    expect(lines[1]).toContain('{"account":"42","nested":{"deep":true}}');
    expect(lines[2]).toMatch(/\{"text":"y+…$/);
    expect(lines[2]).toContain(' - ');
  });

  it('prints one object as key/value rows, in full', () => {
    const secret = `whsec_${'A'.repeat(80)}`;
    expect(formatAnswer({ id: 'w1', secret, tags: ['a', 'b'], rateLimitPerSecond: null }, 'table')).toBe(
      ['id                  w1', `secret              ${secret}`, 'tags                ["a","b"]', 'rateLimitPerSecond  -', ''].join('\n'),
    );
  });

  it('prints an empty page as (none)', () => {
    expect(formatAnswer({ data: [], nextCursor: null }, 'table')).toBe('(none)\n\nnextCursor  -\n');
  });

  it('renders YAML that reads back as the same value, list and object', () => {
    expect(parse(formatAnswer(page, 'yaml'))).toEqual(page);
    expect(parse(formatAnswer(page.data[0], 'yaml'))).toEqual(page.data[0]);
  });

  it('keeps JSON indented, as before', () => {
    expect(formatAnswer(page, 'json')).toBe(`${JSON.stringify(page, null, 2)}\n`);
  });
});
