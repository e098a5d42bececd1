import { Injectable } from '@nestjs/common';
import { isTributaryError } from '@tributary/domain';
import { TenantRepository, withTenant } from '@tributary/tenancy';
import type { CarrierPollRequested, PackageUpdated } from '@tributary/topics';
import { DataSource, In, MoreThan, Not } from 'typeorm';
import type { HandlerContext, HandlerResult, HttpAnswer, IntegrationHandler } from '../../../sdk/integration-handler.js';
import { TrackedPackageEntity } from '../tracked-package.entity.js';
import { CARRIER_BASE_URLS, isOAuthCarrier, readTrackingAnswer, trackingRequest, type CarrierSecret } from './carrier-apis.js';
import { CarrierPollLimiter, retryAfterMs } from './carrier-poll-limiter.js';
import type { CarrierPollerConfig, CarrierPollerCredentials } from './carrier-poller-settings.js';
import { authRefused, CarrierTokens } from './carrier-tokens.js';

/** A parcel in one of these states is never polled again. */
const FINAL_STATES = ['delivered', 'returned'];
/** How long to hold off after a 429 that names no Retry-After. */
const DEFAULT_BACKOFF_MS = 60_000;

type PollContext = HandlerContext<PackageUpdated, CarrierPollerConfig, CarrierPollerCredentials>;

/** What a run did, on its run record. */
interface PollReport {
  polled: number;
  updates: number;
  unknown: string[];
  stopped?: string;
  /** The carrier refused the deployment's OAuth token once this run and a new one was obtained. */
  tokenRenewed?: true;
}

/** The calls a run was granted and those it made (each tracking call counts; a token exchange does not). */
interface RunBudget {
  granted: number;
  calls: number;
}

/**
 * The carrier poller (a scheduled action of a tracking deployment): asks the carrier's tracking API about
 * a batch of the tenant's open parcels of that carrier — those not delivered or returned, from the
 * worker's own `tracked_packages` — and publishes each scan newer than what the package knows as
 * `tracking.package.updated`, where the push adapters' updates go (the state machine takes it from there).
 * An unknown tracking number is noted and skipped; a 429 stops the run and holds further calls, from every
 * replica, until its Retry-After; the rate limit (a budget the replicas share: CarrierPollLimiter) and the batch
 * size leave the rest to the next tick. UPS and FedEx calls carry
 * the deployment's OAuth access token (CarrierTokens: exchanged for its client id and secret, reused
 * across runs, renewed once in a run when the carrier answers 401).
 */
@Injectable()
export class PollCarrier implements IntegrationHandler<CarrierPollRequested, PackageUpdated> {
  constructor(
    private readonly dataSource: DataSource,
    private readonly limiter: CarrierPollLimiter,
    private readonly tokens: CarrierTokens,
  ) {}

  async handle(request: CarrierPollRequested, context: PollContext): Promise<HandlerResult<PackageUpdated>> {
    const deployment = context.deployment!;
    const { carrier } = deployment.config;
    const limit = request.limit ?? deployment.config.batchSize ?? 20;
    const perMinute = deployment.config.requestsPerMinute ?? 60;
    // The calls this batch may make, from the budget every replica shares (one statement).
    const grant = await this.limiter.take(context.tenant, deployment.id, perMinute, limit);
    if (grant.blockedUntil) return context.skip(`rate_limited: ${carrier} asked to wait until ${new Date(grant.blockedUntil).toISOString()}`);

    const budget: RunBudget = { granted: grant.granted, calls: 0 };
    // One parcel more than the budget allows, to know whether the budget or the list ended the run.
    const parcels = grant.granted > 0 ? await this.openParcels(context, carrier, grant.cursor, Math.min(limit, grant.granted + 1)) : [];
    const report: PollReport = { polled: 0, updates: 0, unknown: [] };
    if (grant.granted === 0) report.stopped = 'rate_limit';
    const updates: PackageUpdated[] = [];
    let cursor = grant.cursor;
    for (const parcel of parcels) {
      if (budget.calls >= budget.granted) {
        report.stopped = 'rate_limit';
        break;
      }
      const answer = await this.ask(context, parcel.trackingId, report, budget);
      if (report.stopped) break;
      cursor = parcel.trackingId;
      if (!answer) continue;
      report.polled++;
      const read = readTrackingAnswer(carrier, answer.body);
      if (read.kind === 'unknown') {
        report.unknown.push(parcel.trackingId);
        continue;
      }
      const known = parcel.statusAt.getTime();
      const fresh = read.scans.filter((s) => Date.parse(s.occurredAt) > known).sort((a, b) => a.occurredAt.localeCompare(b.occurredAt));
      updates.push(...fresh.map((s) => ({ trackingId: parcel.trackingId, carrier, status: s.status, carrierStatus: s.carrierStatus, occurredAt: s.occurredAt })));
    }
    if (grant.granted > 0) {
      // The end of the list was reached: the next run starts from its beginning again.
      if (!report.stopped && parcels.length < Math.min(limit, grant.granted + 1)) cursor = '';
      await this.limiter.settle(context.tenant, deployment.id, perMinute, budget.granted - budget.calls, cursor);
    }
    report.updates = updates.length;
    context.record({ response: report });
    context.logger.info('carrier polled', { carrier, parcels: parcels.length, ...report });
    if (updates.length > 0) return updates;
    const unknown = report.unknown.length > 0 ? ` (unknown tracking numbers: ${report.unknown.join(', ').slice(0, 300)})` : '';
    return context.skip(`${report.stopped ? `poll stopped: ${report.stopped}` : 'no new scans'}${unknown}`);
  }

  /** The tenant's open parcels of the carrier, after the cursor, in tracking-id order. */
  private openParcels(context: PollContext, carrier: string, cursor: string, limit: number): Promise<TrackedPackageEntity[]> {
    return withTenant(this.dataSource, context.tenant, (db) =>
      new TenantRepository(db, TrackedPackageEntity, context.tenant).find({
        where: { carrier, status: Not(In(FINAL_STATES)), trackingId: MoreThan(cursor) },
        order: { trackingId: 'ASC' },
        take: limit,
      }),
    );
  }

  /** One more call of the budget: one of the run's grant, else one more taken from the shared budget (a call made again after a 401). */
  private async spend(context: PollContext, budget: RunBudget): Promise<boolean> {
    if (budget.calls >= budget.granted) {
      const { config, id } = context.deployment!;
      const more = await this.limiter.take(context.tenant, id, config.requestsPerMinute ?? 60, 1);
      if (more.granted === 0) return false;
      budget.granted += more.granted;
    }
    budget.calls++;
    return true;
  }

  /**
   * One tracking call, made once (the next tick is the retry). Undefined for an unknown number (noted)
   * or a call that stopped the run (`report.stopped`); a refused credential fails the run. A UPS / FedEx
   * token the carrier refuses (401: expired or revoked early) is replaced and the call made again, once
   * per run; refused again, the run fails `carrier_auth_refused` (not retried).
   */
  private async ask(context: PollContext, trackingId: string, report: PollReport, budget: RunBudget): Promise<HttpAnswer | undefined> {
    const { config, id } = context.deployment!;
    if (!(await this.spend(context, budget))) {
      report.stopped = 'rate_limit';
      return undefined;
    }
    try {
      return await context.http.request({ ...trackingRequest(config.carrier, this.baseUrl(context), trackingId, await this.secret(context)), attempts: 1, timeoutMs: 10_000 });
    } catch (error) {
      if (!isTributaryError(error)) throw error;
      const status = error.details?.status;
      if (isOAuthCarrier(config.carrier) && error.code === 'upstream_rejected' && status === 401) {
        this.tokens.forget(id);
        if (report.tokenRenewed) throw authRefused(config.carrier, 'its API refused a token just issued (401)');
        report.tokenRenewed = true;
        return this.ask(context, trackingId, report, budget);
      }
      if (error.code === 'upstream_rejected' && (status === 404 || status === 400)) {
        report.unknown.push(trackingId);
        return undefined;
      }
      if (error.code === 'upstream_unavailable' && status === 429) {
        await this.limiter.block(context.tenant, id, retryAfterMs(error.details?.retryAfter, DEFAULT_BACKOFF_MS));
        report.stopped = 'rate_limited';
        return undefined;
      }
      // The carrier is down or slow: what was polled so far is kept, the rest waits for the next tick.
      if (error.retryable && report.polled > 0) {
        report.stopped = error.code;
        return undefined;
      }
      throw error;
    }
  }

  private baseUrl(context: PollContext): string {
    const { config } = context.deployment!;
    return config.baseUrl ?? CARRIER_BASE_URLS[config.carrier];
  }

  /** DHL's API key, or the UPS / FedEx access token for the deployment's client credentials. */
  private async secret(context: PollContext): Promise<CarrierSecret> {
    const { config, credentials, id } = context.deployment!;
    if (!isOAuthCarrier(config.carrier)) return { apiKey: credentials.apiKey };
    return { accessToken: await this.tokens.token(id, config.carrier, this.baseUrl(context), credentials, context.http) };
  }
}
