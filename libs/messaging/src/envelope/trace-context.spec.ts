import { continueTrace, traceIdOf } from './trace-context.js';

const TRACEPARENT = /^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;
const incoming = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describe('continueTrace', () => {
  it('keeps the caller trace id and flags and starts a new parent span', () => {
    const trace = continueTrace(incoming);
    expect(trace.traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(trace.traceparent).toMatch(/^00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-01$/);
    expect(trace.traceparent).not.toBe(incoming);
  });

  it('accepts upper case and surrounding spaces', () => {
    expect(continueTrace(`  ${incoming.toUpperCase()} `).traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
  });

  it.each([
    ['nothing', undefined],
    ['garbage', 'not-a-trace'],
    ['an all-zero trace id', '00-00000000000000000000000000000000-00f067aa0ba902b7-01'],
    ['another version', '01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'],
  ])('starts a new sampled trace for %s', (_, value) => {
    const trace = continueTrace(value);
    expect(trace.traceparent).toMatch(TRACEPARENT);
    expect(trace.traceparent.endsWith('-01')).toBe(true);
    expect(trace.traceId).not.toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(trace.traceId).not.toMatch(/^0+$/);
  });

  it('starts a different trace each time', () => {
    expect(continueTrace().traceId).not.toBe(continueTrace().traceId);
  });
});

describe('traceIdOf', () => {
  it('reads the trace id of a traceparent', () => {
    expect(traceIdOf(incoming)).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
  });

  it('gives nothing for a missing or malformed one', () => {
    expect(traceIdOf(undefined)).toBeUndefined();
    expect(traceIdOf('00-xyz')).toBeUndefined();
  });
});
