/**
 * Every log line an app of a test file wrote (pass it as the app's pino log destination), to assert
 * on — above all, that no secret is in one.
 */
export class LogCapture {
  readonly lines: string[] = [];

  /** A pino destination. */
  write(chunk: string): boolean {
    this.lines.push(...String(chunk).split('\n').filter(Boolean));
    return true;
  }

  /** The lines as JSON objects (pino writes one object per line). */
  records(): Record<string, unknown>[] {
    return this.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  /**
   * The given secrets that appear in some line (expected: none). Secrets shorter than 8 characters
   * are ignored: they would match by chance.
   */
  leaked(secrets: readonly (string | undefined)[]): string[] {
    return secrets.filter((s): s is string => typeof s === 'string' && s.length >= 8 && this.lines.some((line) => line.includes(s)));
  }
}
