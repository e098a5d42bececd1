/**
 * A response the broker holds back (a JoinGroup waiting for the other members, a SyncGroup waiting
 * for the leader's assignment). It resolves with `undefined` when the client's connection closes,
 * after telling its owner through `onAbandoned`, so the group stops counting on that request.
 */
export class PendingReply<T> {
  readonly promise: Promise<T | undefined>;
  private settle!: (value: T | undefined) => void;
  private settled = false;

  constructor(
    private readonly signal: AbortSignal,
    private readonly onAbandoned: () => void,
  ) {
    this.promise = new Promise((resolve) => {
      this.settle = resolve;
    });
    signal.addEventListener('abort', this.abandon, { once: true });
    if (signal.aborted) queueMicrotask(this.abandon);
  }

  get abandoned(): boolean {
    return this.signal.aborted;
  }

  reply(value: T): void {
    this.finish(value);
  }

  private readonly abandon = (): void => {
    if (this.settled) return;
    this.onAbandoned();
    this.finish(undefined);
  };

  private finish(value: T | undefined): void {
    if (this.settled) return;
    this.settled = true;
    this.signal.removeEventListener('abort', this.abandon);
    this.settle(value);
  }
}
