/** A sleep that ends early when signalled: how consumers wait for new messages without busy polling. */
export class Wakeup {
  private waiters = new Set<() => void>();
  private pending = false;

  signal(): void {
    if (this.waiters.size === 0) {
      this.pending = true;
      return;
    }
    const waiters = this.waiters;
    this.waiters = new Set();
    waiters.forEach((wake) => wake());
  }

  wait(ms: number): Promise<void> {
    if (this.pending) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.waiters.add(done);
    });
  }
}
