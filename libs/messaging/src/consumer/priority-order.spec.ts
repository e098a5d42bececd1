import { byPriority } from './durable-delivery.js';

const m = (key: string, name: string, priority?: number) => ({ key, name, envelope: priority === undefined ? { subject: key } : { subject: key, priority } });
const names = (messages: ReadonlyArray<{ name: string }>) => messages.map((x) => x.name);

describe('byPriority (the order a window of messages is handled in)', () => {
  it('keeps the log order, and the same array, when no message has a priority', () => {
    const window = [m('a', 'a1'), m('b', 'b1'), m('a', 'a2')];
    expect(byPriority(window)).toBe(window);
  });

  it('takes higher priorities first across keys, ties in log order', () => {
    const window = [m('a', 'a1'), m('b', 'b1', 5), m('c', 'c1'), m('d', 'd1', 9), m('e', 'e1', 5)];
    expect(names(byPriority(window))).toEqual(['d1', 'b1', 'e1', 'a1', 'c1']);
  });

  it('never reorders a key: a later high-priority message waits for its key\'s earlier ones', () => {
    const window = [m('a', 'a1', 1), m('b', 'b1', 3), m('a', 'a2', 9), m('a', 'a3')];
    expect(names(byPriority(window))).toEqual(['b1', 'a1', 'a2', 'a3']);
  });

  it('reads an ill-formed priority as 0', () => {
    const window = [m('a', 'a1', '9' as unknown as number), m('b', 'b1', 1)];
    expect(names(byPriority(window))).toEqual(['b1', 'a1']);
  });
});
