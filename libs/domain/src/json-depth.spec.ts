import { jsonNestsDeeperThan } from './json-depth.js';

const bytes = (text: string) => Buffer.from(text, 'utf8');
const nested = (depth: number, open = '{"a":', close = '}') => open.repeat(depth) + '1' + close.repeat(depth);

describe('jsonNestsDeeperThan', () => {
  it.each([
    ['a flat object', '{"a":1,"b":[1,2,3]}', 2, false],
    ['exactly the limit', nested(64), 64, false],
    ['one past the limit', nested(65), 64, true],
    ['arrays one past the limit', nested(65, '[', ']'), 64, true],
    ['objects and arrays mixed', '{"a":[{"b":[{"c":1}]}]}', 4, true],
    ['siblings do not add up', '[[1],[2],[3],[4],[5]]', 2, false],
    ['brackets inside strings', `{"a":"${'{['.repeat(500)}"}`, 1, false],
    ['an escaped quote does not end the string', `{"a":"\\"${'['.repeat(500)}"}`, 1, false],
    ['an escaped backslash before the closing quote', `{"a":"\\\\","b":[[1]]}`, 2, true],
    ['multi-byte characters', `{"ünïcødé ✓":"{{{{"}`, 1, false],
    ['a scalar', '"just a string"', 0, false],
  ])('%s', (_, text, maxDepth, expected) => {
    expect(jsonNestsDeeperThan(bytes(text), maxDepth)).toBe(expected);
  });

  it('finds a hostile nesting of 100,000 objects without recursion', () => {
    expect(jsonNestsDeeperThan(bytes(nested(100_000)), 64)).toBe(true);
  });
});
