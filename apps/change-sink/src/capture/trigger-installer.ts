import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ChangeSinkConfig } from '../change-sink.config.js';

const TRIGGER = 'tributary_capture';
const quoted = (name: string) => name.split('.').map((part) => `"${part}"`).join('.');

/**
 * Installs the capture trigger on every configured table. A table that does not exist yet (its
 * owning app has not migrated) is retried until it does; the others are captured meanwhile.
 */
@Injectable()
export class TriggerInstaller implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(TriggerInstaller.name);
  private readonly pending = new Set<string>();
  private retry?: NodeJS.Timeout;

  constructor(
    private readonly dataSource: DataSource,
    private readonly config: ChangeSinkConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.config.captureTables.forEach((t) => this.pending.add(t));
    await this.installPending();
    if (this.pending.size > 0) this.retry = setInterval(() => void this.installPending(), 1000);
  }

  onApplicationShutdown(): void {
    clearInterval(this.retry);
  }

  /** Tables not captured yet (the readiness check reports them). */
  get missing(): string[] {
    return [...this.pending];
  }

  async uninstall(table: string): Promise<void> {
    await this.dataSource.query(`DROP TRIGGER IF EXISTS ${TRIGGER} ON ${quoted(table)}`);
  }

  private async installPending(): Promise<void> {
    for (const table of [...this.pending]) {
      const [{ exists }] = await this.dataSource.query(`SELECT to_regclass($1) IS NOT NULL AS exists`, [table]);
      if (!exists) {
        this.logger.warn({ table }, 'capture table does not exist yet; retrying');
        continue;
      }
      await this.dataSource.query(
        `CREATE OR REPLACE TRIGGER ${TRIGGER} AFTER INSERT OR UPDATE OR DELETE ON ${quoted(table)}
         FOR EACH ROW EXECUTE FUNCTION change_sink.capture()`,
      );
      this.pending.delete(table);
      this.logger.log({ table }, 'capturing changes');
    }
    if (this.pending.size === 0) clearInterval(this.retry);
  }
}
