import { createServer, type Server, type Socket } from 'node:net';
import { ApiKey, type ApiHandler, type BrokerContext } from './api.js';
import { apiVersions, unsupportedApiVersions } from './apis/api-versions.js';
import { createTopics } from './apis/create-topics.js';
import { deleteTopics } from './apis/delete-topics.js';
import { describeGroups } from './apis/describe-groups.js';
import { listGroups } from './apis/list-groups.js';
import { fetch } from './apis/fetch.js';
import { findCoordinator } from './apis/find-coordinator.js';
import { heartbeat } from './apis/heartbeat.js';
import { joinGroup } from './apis/join-group.js';
import { leaveGroup } from './apis/leave-group.js';
import { listOffsets } from './apis/list-offsets.js';
import { metadata } from './apis/metadata.js';
import { offsetCommit } from './apis/offset-commit.js';
import { offsetFetch } from './apis/offset-fetch.js';
import { produce } from './apis/produce.js';
import { syncGroup } from './apis/sync-group.js';
import { BrokerConnection, RequestRefused, type RequestHeader } from './broker-connection.js';
import type { KafkaReader } from './codec/reader.js';
import type { KafkaWriter } from './codec/writer.js';
import { GroupCoordinator } from './group-coordinator.js';
import type { RecordHeader } from './record-batch.js';
import { TopicStore } from './topic-store.js';

export interface KafkaBrokerOptions {
  /** The port to listen on; 0 (the default) takes a free one — read the real one from `brokers`. */
  readonly port?: number;
  /** The address listened on and advertised to clients in Metadata. Default 127.0.0.1. */
  readonly host?: string;
  /** Create unknown topics when a client's Metadata request allows it (Kafka's auto.create.topics.enable). Default true. */
  readonly autoCreateTopics?: boolean;
  /** Partitions of auto-created topics and of CreateTopics asking for the default (-1). Default 1. */
  readonly defaultPartitions?: number;
  /** How often member sessions are checked for expiry. Default 250 ms. */
  readonly groupSessionTimeoutCheckMs?: number;
  /** Receives the broker's diagnostics (topics created, rebalances, refused requests). Silent by default. */
  readonly log?: (message: string) => void;
}

/** A record as stored, for assertions. */
export interface StoredMessage {
  readonly offset: bigint;
  readonly timestamp: bigint;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: readonly RecordHeader[];
}

const NODE_ID = 1;

/** In order of API key, as Kafka lists them. */
const APIS: readonly ApiHandler[] = [
  produce,
  fetch,
  listOffsets,
  metadata,
  offsetCommit,
  offsetFetch,
  findCoordinator,
  joinGroup,
  heartbeat,
  leaveGroup,
  syncGroup,
  describeGroups,
  listGroups,
  apiVersions,
  createTopics,
  deleteTopics,
];

/**
 * A single in-memory Kafka broker speaking enough of the wire protocol for kafkajs 2.2.4 — producer,
 * consumer groups, admin — for tests and benches where no real broker can be installed. It is the
 * cluster's only node: controller, leader of every partition, coordinator of every group.
 */
export class KafkaTestBroker {
  private server?: Server;
  private state: 'running' | 'paused' | 'stopped' = 'running';
  private readonly connections = new Set<BrokerConnection>();
  private readonly blockedClients = new Set<string>();
  private readonly apis = new Map(APIS.map((api) => [api.apiKey, api]));
  private readonly store = new TopicStore();
  private readonly groups: GroupCoordinator;
  private readonly context: BrokerContext;
  private readonly log: (message: string) => void;

  private constructor(
    private readonly host: string,
    private readonly port: number,
    server: Server,
    options: KafkaBrokerOptions,
  ) {
    this.log = options.log ?? (() => undefined);
    this.groups = new GroupCoordinator(options.groupSessionTimeoutCheckMs ?? 250, this.log);
    this.context = {
      store: this.store,
      groups: this.groups,
      node: { nodeId: NODE_ID, host, port },
      autoCreateTopics: options.autoCreateTopics ?? true,
      defaultPartitions: options.defaultPartitions ?? 1,
      apis: APIS,
      log: this.log,
    };
    this.serve(server);
  }

  static async start(options: KafkaBrokerOptions = {}): Promise<KafkaTestBroker> {
    const host = options.host ?? '127.0.0.1';
    const server = await listen(host, options.port ?? 0);
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('the broker is not listening on TCP');
    return new KafkaTestBroker(host, address.port, server, options);
  }

  /** The bootstrap list for kafkajs, e.g. ['127.0.0.1:39123']. */
  get brokers(): string[] {
    return [`${this.host}:${this.port}`];
  }

  /** Closes every client connection and the listener. The broker cannot be resumed afterwards. */
  async stop(): Promise<void> {
    if (this.state === 'stopped') return;
    this.state = 'stopped';
    this.groups.pauseClocks();
    await this.closeServer();
  }

  /**
   * Simulates an outage: every client connection is closed and new ones are refused until `resume`.
   * Records, committed offsets and group membership survive, as they would on a restarted broker.
   */
  async pause(): Promise<void> {
    if (this.state !== 'running') return;
    this.state = 'paused';
    this.groups.pauseClocks();
    await this.closeServer();
    this.log('paused');
  }

  /** Ends the outage, listening again on the same port. */
  async resume(): Promise<void> {
    if (this.state !== 'paused') return;
    this.serve(await listen(this.host, this.port));
    this.state = 'running';
    this.groups.resumeClocks();
    this.log('resumed');
  }

  /**
   * Cuts one client off, as a network partition would: its connections are closed and any new one
   * is dropped at its first request, so it cannot heartbeat or leave its group. Matched on the
   * kafkajs `clientId`. Used to make a consumer "die" without a clean LeaveGroup.
   */
  blockClient(clientId: string): void {
    this.blockedClients.add(clientId);
    for (const connection of this.connections) {
      if (connection.clientId === clientId) connection.close();
    }
  }

  unblockClient(clientId: string): void {
    this.blockedClients.delete(clientId);
  }

  /** Creates a topic directly (no admin client needed); an existing topic is left as it is. */
  createTopic(topic: string, partitions = this.context.defaultPartitions): void {
    if (!this.store.has(topic)) this.store.create(topic, partitions);
  }

  topics(): string[] {
    return this.store.names();
  }

  /** How many partitions `topic` has (0 when there is no such topic). */
  partitionCount(topic: string): number {
    return this.store.partitions(topic)?.length ?? 0;
  }

  /** The records of one partition, in offset order. */
  messages(topic: string, partition: number): StoredMessage[] {
    const log = this.store.partition(topic, partition);
    if (!log) throw new Error(`no partition ${topic}#${partition}`);
    return log.records();
  }

  committedOffset(groupId: string, topic: string, partition: number): bigint | undefined {
    return this.groups.committed(groupId, topic, partition)?.offset;
  }

  groupMembers(groupId: string): string[] {
    return this.groups.memberIds(groupId);
  }

  private serve(server: Server): void {
    this.server = server;
    server.on('connection', (socket: Socket) => {
      const connection = new BrokerConnection(socket, (header, body, conn) => this.dispatch(header, body, conn), this.log);
      this.connections.add(connection);
      connection.onClose(() => this.connections.delete(connection));
    });
  }

  private async dispatch(header: RequestHeader, body: KafkaReader, connection: BrokerConnection): Promise<KafkaWriter | null> {
    if (header.clientId !== null && this.blockedClients.has(header.clientId)) {
      throw new RequestRefused('client is blocked');
    }
    const api = this.apis.get(header.apiKey);
    if (!api) throw new RequestRefused(`API key ${header.apiKey} is not supported`);
    if (header.apiVersion < api.minVersion || header.apiVersion > api.maxVersion) {
      if (header.apiKey === ApiKey.ApiVersions) return unsupportedApiVersions(this.context);
      throw new RequestRefused(`${api.name} v${header.apiVersion} is not supported (v${api.minVersion}-v${api.maxVersion})`);
    }
    return api.handle(body, header.apiVersion, this.context, {
      clientId: header.clientId,
      clientHost: connection.remoteHost,
      signal: connection.signal,
    });
  }

  private async closeServer(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const connection of this.connections) connection.close();
    await closed;
  }
}

/** Starts a broker; see `KafkaBrokerOptions` for the defaults. */
export async function startKafkaBroker(options?: KafkaBrokerOptions): Promise<KafkaTestBroker> {
  return KafkaTestBroker.start(options);
}

function listen(host: string, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ host, port }, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}
