import type { KafkaReader } from './codec/reader.js';
import type { KafkaWriter } from './codec/writer.js';
import type { GroupCoordinator } from './group-coordinator.js';
import type { TopicStore } from './topic-store.js';

/** API keys of the Kafka protocol that this broker answers. */
export const ApiKey = {
  Produce: 0,
  Fetch: 1,
  ListOffsets: 2,
  Metadata: 3,
  OffsetCommit: 8,
  OffsetFetch: 9,
  FindCoordinator: 10,
  JoinGroup: 11,
  Heartbeat: 12,
  LeaveGroup: 13,
  SyncGroup: 14,
  DescribeGroups: 15,
  ListGroups: 16,
  ApiVersions: 18,
  CreateTopics: 19,
  DeleteTopics: 20,
} as const;

/** What every request handler shares: the broker's state and identity. */
export interface BrokerContext {
  readonly store: TopicStore;
  readonly groups: GroupCoordinator;
  /** This broker as clients must reach it (it is also the controller and every group's coordinator). */
  readonly node: { readonly nodeId: number; readonly host: string; readonly port: number };
  readonly autoCreateTopics: boolean;
  readonly defaultPartitions: number;
  readonly apis: readonly ApiHandler[];
  readonly log: (message: string) => void;
}

/** The request being answered. */
export interface RequestContext {
  readonly clientId: string | null;
  /** The client's address as Kafka reports it in DescribeGroups ("/127.0.0.1"). */
  readonly clientHost: string;
  /** Aborted when the client's connection closes: requests the broker holds back stop waiting. */
  readonly signal: AbortSignal;
}

/**
 * One API: the versions it advertises and its handler, which reads the request body (after the
 * header) and returns the response body, or null when the client expects no response (acks=0).
 * kafkajs picks the highest advertised version it implements and ignores `minVersion`, so most
 * APIs advertise exactly the one version implemented here.
 */
export interface ApiHandler {
  readonly apiKey: number;
  readonly name: string;
  readonly minVersion: number;
  readonly maxVersion: number;
  handle(request: KafkaReader, version: number, broker: BrokerContext, context: RequestContext): Promise<KafkaWriter | null> | KafkaWriter | null;
}

export const NO_THROTTLE = 0;
