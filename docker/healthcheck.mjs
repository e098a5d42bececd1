// The images' HEALTHCHECK: exits 0 when the app's liveness route answers 2xx within 3 seconds, 1 otherwise.
// The port is the app's own (PORT, set per image and overridable like the app's).
const port = process.env.PORT ?? '3000';
const timeout = setTimeout(() => process.exit(1), 3_000);
try {
  const response = await fetch(`http://127.0.0.1:${port}/health/live`, { signal: AbortSignal.timeout(3_000) });
  process.exitCode = response.ok ? 0 : 1;
} catch {
  process.exitCode = 1;
}
clearTimeout(timeout);
