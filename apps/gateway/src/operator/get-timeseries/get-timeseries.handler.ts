import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { TributaryError } from '@tributary/domain';
import { requirePlatformAdmin } from '@tributary/tenancy';
import { DataSource } from 'typeorm';
import { presentTables } from '../present-tables.js';
import { MAX_BUCKETS, MAX_RANGE_DAYS, type OperatorTimeseries, type TimeseriesBucket } from './get-timeseries.dto.js';
import { GetOperatorTimeseries } from './get-timeseries.query.js';

const HOUR_MS = 3_600_000;
type Counts = { i: number; n: number }[];

/**
 * Counts per bucket from the tables where each thing happened, at the time it happened: the ingest log
 * (`received_at`, status), dead letters (`dead_at`), runs (`started_at`, state fail) and the lag samples
 * LagSampler keeps (lag is a state, so its history is sampled; the others are events, counted after the fact).
 */
@QueryHandler(GetOperatorTimeseries)
export class GetOperatorTimeseriesHandler implements IQueryHandler<GetOperatorTimeseries> {
  constructor(private readonly dataSource: DataSource) {}

  async execute({ caller, args }: GetOperatorTimeseries): Promise<OperatorTimeseries> {
    requirePlatformAdmin(caller);
    const to = args.to ? new Date(args.to) : new Date();
    const from = args.from ? new Date(args.from) : new Date(to.getTime() - HOUR_MS);
    const bucketSeconds = args.bucketSeconds ?? 60;
    const span = to.getTime() - from.getTime();
    if (!(span > 0)) throw invalid('`from` must be before `to`');
    if (span > MAX_RANGE_DAYS * 24 * HOUR_MS) throw invalid(`the window is at most ${MAX_RANGE_DAYS} days`);
    const count = Math.ceil(span / (bucketSeconds * 1000));
    if (count > MAX_BUCKETS) throw invalid(`at most ${MAX_BUCKETS} buckets: a larger bucketSeconds or a shorter window`);

    const window = [from, to, bucketSeconds] as const;
    const tables = await presentTables(this.dataSource, ['worker.runs']);
    const filters = { tenant: args.tenantId ?? null, topic: args.topic ?? null, webhook: args.webhookId ?? null };
    // SQL: bucketed counts (floor of the epoch offset) with optional filters, aggregates with no ORM form.
    const deliveries = await this.dataSource.query<{ i: number; accepted: number; refused: number }[]>(
      `SELECT floor(extract(epoch FROM received_at - $1::timestamptz) / $3)::int AS i,
              count(*) FILTER (WHERE status < 400)::int AS accepted, count(*) FILTER (WHERE status >= 400)::int AS refused
         FROM gateway.ingest_log
        WHERE received_at >= $1 AND received_at < $2
          AND ($4::uuid IS NULL OR tenant_id = $4) AND ($5::text IS NULL OR topic = $5)
          AND ($6::text IS NULL OR (actor_kind = 'webhook' AND actor_id = $6))
        GROUP BY 1`,
      [...window, filters.tenant, filters.topic, filters.webhook],
    );
    const deadLettered =
      filters.webhook === null
        ? await this.dataSource.query<Counts>(
            `SELECT floor(extract(epoch FROM dead_at - $1::timestamptz) / $3)::int AS i, count(*)::int AS n
               FROM messaging.dead_letters
              WHERE dead_at >= $1 AND dead_at < $2 AND ($4::text IS NULL OR tenant_id = $4) AND ($5::text IS NULL OR topic = $5)
              GROUP BY 1`,
            [...window, filters.tenant, filters.topic],
          )
        : null;
    const failedRuns =
      filters.webhook === null && filters.topic === null && tables.has('worker.runs')
        ? await this.dataSource.query<Counts>(
            `SELECT floor(extract(epoch FROM started_at - $1::timestamptz) / $3)::int AS i, count(*)::int AS n
               FROM worker.runs
              WHERE started_at >= $1 AND started_at < $2 AND state = 'fail' AND ($4::uuid IS NULL OR tenant_id = $4)
              GROUP BY 1`,
            [...window, filters.tenant],
          )
        : null;
    const lag =
      filters.webhook === null && filters.tenant === null
        ? await this.dataSource.query<Counts>(
            `SELECT i, max(total)::float8 AS n FROM (
               SELECT floor(extract(epoch FROM sampled_at - $1::timestamptz) / $3)::int AS i, sum(lag) AS total
                 FROM gateway.operator_lag_samples
                WHERE sampled_at >= $1 AND sampled_at < $2 AND ($4::text IS NULL OR topic = $4)
                GROUP BY sampled_at, 1) s
              GROUP BY i`,
            [...window, filters.topic],
          )
        : null;

    const byIndex = <T extends { i: number }>(rows: T[] | null) => new Map((rows ?? []).map((r) => [r.i, r]));
    const [d, dl, fr, l] = [byIndex(deliveries), byIndex(deadLettered), byIndex(failedRuns), byIndex(lag)];
    const buckets: TimeseriesBucket[] = Array.from({ length: count }, (_, i) => ({
      t: new Date(from.getTime() + i * bucketSeconds * 1000).toISOString(),
      accepted: d.get(i)?.accepted ?? 0,
      refused: d.get(i)?.refused ?? 0,
      deadLettered: deadLettered ? (dl.get(i)?.n ?? 0) : null,
      failedRuns: failedRuns ? (fr.get(i)?.n ?? 0) : null,
      lag: lag ? (l.get(i)?.n ?? null) : null,
    }));
    return { from: from.toISOString(), to: to.toISOString(), bucketSeconds, buckets };
  }
}

const invalid = (problem: string) => new TributaryError('invalid', 'validation_failed', problem);
