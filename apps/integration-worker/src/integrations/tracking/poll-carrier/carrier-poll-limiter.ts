import { Injectable } from '@nestjs/common';

const WINDOW_MS = 60_000;

interface Budget {
  /** When each request of the last minute went out. */
  sent: number[];
  /** A 429's Retry-After: no request before then. */
  blockedUntil: number;
  /** The last tracking id polled: the next run goes on after it, so a long list is polled round by round. */
  cursor: string;
}

/**
 * Each poller deployment's request budget, in this process: at most `requestsPerMinute` calls in any
 * minute, none before a 429's Retry-After has passed. A run that finds its budget spent stops and
 * leaves the rest to the next tick (it never waits and never fails for it). With several worker
 * replicas each keeps its own budget; the scheduler fires one run per tick, so calls stay near it.
 */
@Injectable()
export class CarrierPollLimiter {
  private readonly budgets = new Map<string, Budget>();

  private budget(deploymentId: string): Budget {
    let budget = this.budgets.get(deploymentId);
    if (!budget) this.budgets.set(deploymentId, (budget = { sent: [], blockedUntil: 0, cursor: '' }));
    return budget;
  }

  /** When the carrier may be called again (0: now). */
  blockedUntil(deploymentId: string, now = Date.now()): number {
    const until = this.budget(deploymentId).blockedUntil;
    return until > now ? until : 0;
  }

  /** Takes one request of the budget, or answers false when the minute's requests are spent or a Retry-After holds. */
  take(deploymentId: string, requestsPerMinute: number, now = Date.now()): boolean {
    const budget = this.budget(deploymentId);
    if (budget.blockedUntil > now) return false;
    budget.sent = budget.sent.filter((at) => at > now - WINDOW_MS);
    if (budget.sent.length >= requestsPerMinute) return false;
    budget.sent.push(now);
    return true;
  }

  /** The carrier answered 429: no request before `retryAfterMs` from now. */
  block(deploymentId: string, retryAfterMs: number, now = Date.now()): void {
    const budget = this.budget(deploymentId);
    budget.blockedUntil = Math.max(budget.blockedUntil, now + retryAfterMs);
  }

  cursor(deploymentId: string): string {
    return this.budget(deploymentId).cursor;
  }

  advance(deploymentId: string, trackingId: string): void {
    this.budget(deploymentId).cursor = trackingId;
  }
}

/** Retry-After in seconds or as an HTTP date, in ms from now (the fallback when absent or unreadable). */
export function retryAfterMs(header: unknown, fallbackMs: number, now = Date.now()): number {
  if (typeof header !== 'string' || header.trim() === '') return fallbackMs;
  const seconds = Number(header);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(header) - now;
  return Number.isFinite(ms) ? Math.max(0, ms) : fallbackMs;
}
