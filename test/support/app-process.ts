import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { eventually } from '@tributary/testing';

export type AppName = 'gateway' | 'event-store' | 'integration-worker' | 'change-sink';

/**
 * One app of the distributed deployment as its own OS process (`node dist/apps/<app>/main.js`),
 * so a test can `kill -9` it and start it again with the same environment.
 */
export class AppProcess {
  private child?: ChildProcess;
  private output = '';

  constructor(
    readonly app: AppName,
    readonly port: number,
    private readonly env: Record<string, string>,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get log(): string {
    return this.output;
  }

  async start(): Promise<void> {
    const child = spawn(process.execPath, [`dist/apps/${this.app}/main.js`], {
      cwd: process.cwd(),
      env: { ...process.env, ...this.env, PORT: String(this.port), LOG_LEVEL: this.env.LOG_LEVEL ?? 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    child.stdout!.on('data', (chunk) => (this.output += chunk));
    child.stderr!.on('data', (chunk) => (this.output += chunk));
    await eventually(
      async () => (child.exitCode !== null ? 'exited' : (await listening(this.port)) ? 'up' : 'starting'),
      (state) => state !== 'starting',
      { timeoutMs: 60_000, intervalMs: 100 },
    );
    if (child.exitCode !== null) throw new Error(`${this.app} exited with ${child.exitCode}:\n${this.output}`);
  }

  /** `kill -9`: no shutdown hooks, no goodbye to the broker or the database. */
  async kill(): Promise<void> {
    await this.stop('SIGKILL');
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return child?.exitCode ?? null;
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill(signal);
    return exited;
  }
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
