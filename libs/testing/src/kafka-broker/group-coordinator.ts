import { randomUUID } from 'node:crypto';
import { ErrorCode } from './error-codes.js';
import { PendingReply } from './pending-reply.js';

export interface GroupProtocol {
  readonly name: string;
  readonly metadata: Buffer;
}

export interface JoinGroupRequest {
  readonly groupId: string;
  /** '' for a consumer joining for the first time: the coordinator names it. */
  readonly memberId: string;
  readonly clientId: string;
  readonly clientHost: string;
  readonly sessionTimeoutMs: number;
  readonly rebalanceTimeoutMs: number;
  readonly protocolType: string;
  readonly protocols: readonly GroupProtocol[];
}

export interface JoinGroupResult {
  readonly errorCode: ErrorCode;
  readonly generationId: number;
  readonly protocol: string;
  readonly leaderId: string;
  readonly memberId: string;
  /** Every member's metadata for the chosen protocol — for the leader only, which assigns partitions. */
  readonly members: readonly { readonly memberId: string; readonly metadata: Buffer }[];
}

export interface SyncGroupResult {
  readonly errorCode: ErrorCode;
  readonly assignment: Buffer;
}

export interface GroupDescription {
  readonly state: string;
  readonly protocolType: string;
  readonly protocol: string;
  readonly members: readonly {
    readonly memberId: string;
    readonly clientId: string;
    readonly clientHost: string;
    readonly metadata: Buffer;
    readonly assignment: Buffer;
  }[];
}

export interface CommittedOffset {
  readonly offset: bigint;
  readonly metadata: string | null;
}

type GroupState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable';

const NO_ASSIGNMENT: Buffer = Buffer.alloc(0);

class Member {
  assignment: Buffer = NO_ASSIGNMENT;
  lastSeen = Date.now();
  pendingJoin?: PendingReply<JoinGroupResult>;
  pendingSync?: PendingReply<SyncGroupResult>;

  constructor(
    readonly id: string,
    readonly clientId: string,
    readonly clientHost: string,
    public sessionTimeoutMs: number,
    public rebalanceTimeoutMs: number,
    public protocols: readonly GroupProtocol[],
  ) {}

  /** A member with a request parked here is alive even without heartbeats (it cannot send any). */
  get isWaiting(): boolean {
    return this.pendingJoin !== undefined || this.pendingSync !== undefined;
  }

  supports(protocol: string): boolean {
    return this.protocols.some((p) => p.name === protocol);
  }

  metadataFor(protocol: string): Buffer {
    return this.protocols.find((p) => p.name === protocol)?.metadata ?? NO_ASSIGNMENT;
  }

  sameProtocols(protocols: readonly GroupProtocol[]): boolean {
    return (
      protocols.length === this.protocols.length &&
      protocols.every((p, i) => p.name === this.protocols[i].name && p.metadata.equals(this.protocols[i].metadata))
    );
  }
}

class Group {
  state: GroupState = 'Empty';
  generationId = 0;
  protocolType: string | null = null;
  /** The protocol type of its last members: Kafka still lists an Empty group (with its offsets) under it. */
  lastProtocolType = '';
  protocol: string | null = null;
  leaderId: string | null = null;
  rebalanceTimer?: NodeJS.Timeout;
  readonly members = new Map<string, Member>();
  /** topic -> partition -> committed offset */
  readonly offsets = new Map<string, Map<number, CommittedOffset>>();

  constructor(readonly id: string) {}
}

const joinError = (memberId: string, errorCode: ErrorCode): JoinGroupResult => ({
  errorCode,
  generationId: -1,
  protocol: '',
  leaderId: '',
  memberId,
  members: [],
});

const syncError = (errorCode: ErrorCode): SyncGroupResult => ({ errorCode, assignment: NO_ASSIGNMENT });

/**
 * The group coordinator: Kafka's classic rebalance protocol with client-side assignment, reduced to
 * one broker and memory. A rebalance (PreparingRebalance) holds every JoinGroup until all known
 * members have rejoined or the rebalance timeout passes (stragglers are dropped); the join then
 * completes with a new generation, the leader gets everyone's metadata, and SyncGroup hands out the
 * leader's assignment (CompletingRebalance -> Stable). Members that stop heartbeating for their
 * session timeout are removed, which starts a rebalance. Committed offsets live with the group.
 */
export class GroupCoordinator {
  private readonly groups = new Map<string, Group>();
  private sessionCheck?: NodeJS.Timeout;

  constructor(
    private readonly sessionCheckIntervalMs: number,
    private readonly log: (message: string) => void,
  ) {
    this.resumeClocks();
  }

  join(request: JoinGroupRequest, signal: AbortSignal): Promise<JoinGroupResult | undefined> | JoinGroupResult {
    if (request.groupId === '') return joinError(request.memberId, ErrorCode.INVALID_GROUP_ID);
    if (request.sessionTimeoutMs <= 0) return joinError(request.memberId, ErrorCode.INVALID_SESSION_TIMEOUT);
    const group = this.groupFor(request.groupId);
    if (!this.acceptsProtocols(group, request)) return joinError(request.memberId, ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    if (request.memberId === '') return this.joinAsNewMember(group, request, signal);
    const member = group.members.get(request.memberId);
    if (!member) return joinError(request.memberId, ErrorCode.UNKNOWN_MEMBER_ID);
    return this.rejoin(group, member, request, signal);
  }

  sync(
    groupId: string,
    generationId: number,
    memberId: string,
    assignments: ReadonlyMap<string, Buffer>,
    signal: AbortSignal,
  ): Promise<SyncGroupResult | undefined> | SyncGroupResult {
    const group = this.groups.get(groupId);
    const member = group?.members.get(memberId);
    if (!group || !member) return syncError(ErrorCode.UNKNOWN_MEMBER_ID);
    member.lastSeen = Date.now();
    if (generationId !== group.generationId) return syncError(ErrorCode.ILLEGAL_GENERATION);
    if (group.state === 'PreparingRebalance') return syncError(ErrorCode.REBALANCE_IN_PROGRESS);
    if (group.state === 'Stable') return { errorCode: ErrorCode.NONE, assignment: member.assignment };
    // CompletingRebalance: followers wait for the leader's assignment.
    if (member.id !== group.leaderId) {
      member.pendingSync?.reply(syncError(ErrorCode.REBALANCE_IN_PROGRESS));
      const pending = new PendingReply<SyncGroupResult>(signal, () => {
        if (member.pendingSync === pending) member.pendingSync = undefined;
      });
      member.pendingSync = pending;
      return pending.promise;
    }
    for (const m of group.members.values()) m.assignment = assignments.get(m.id) ?? NO_ASSIGNMENT;
    group.state = 'Stable';
    this.log(`group ${group.id} generation ${group.generationId} is stable with ${group.members.size} member(s)`);
    for (const m of group.members.values()) {
      const pending = m.pendingSync;
      m.pendingSync = undefined;
      m.lastSeen = Date.now();
      pending?.reply({ errorCode: ErrorCode.NONE, assignment: m.assignment });
    }
    return { errorCode: ErrorCode.NONE, assignment: member.assignment };
  }

  heartbeat(groupId: string, generationId: number, memberId: string): ErrorCode {
    const group = this.groups.get(groupId);
    const member = group?.members.get(memberId);
    if (!group || !member) return ErrorCode.UNKNOWN_MEMBER_ID;
    member.lastSeen = Date.now();
    // Checked before the generation: a member of the previous generation learns this way that it must rejoin.
    if (group.state === 'PreparingRebalance') return ErrorCode.REBALANCE_IN_PROGRESS;
    if (generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION;
    return ErrorCode.NONE;
  }

  leave(groupId: string, memberId: string): ErrorCode {
    const group = this.groups.get(groupId);
    const member = group?.members.get(memberId);
    if (!group || !member) return ErrorCode.UNKNOWN_MEMBER_ID;
    this.removeMember(group, member, 'left the group');
    return ErrorCode.NONE;
  }

  /**
   * Whether this member may commit now. Generation -1 with no member id is a "simple" commit (admin
   * tools, consumers outside a group), allowed only while nobody is in the group.
   */
  authorizeCommit(groupId: string, generationId: number, memberId: string): ErrorCode {
    if (groupId === '') return ErrorCode.INVALID_GROUP_ID;
    const group = this.groups.get(groupId);
    if (generationId < 0 && memberId === '' && (!group || group.state === 'Empty')) return ErrorCode.NONE;
    const member = group?.members.get(memberId);
    if (group?.state === 'CompletingRebalance') return ErrorCode.REBALANCE_IN_PROGRESS;
    if (!group || !member) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION;
    member.lastSeen = Date.now();
    return ErrorCode.NONE;
  }

  commit(groupId: string, topic: string, partition: number, committed: CommittedOffset): void {
    const offsets = this.groupFor(groupId).offsets;
    const partitions = offsets.get(topic) ?? new Map<number, CommittedOffset>();
    offsets.set(topic, partitions);
    partitions.set(partition, committed);
  }

  committed(groupId: string, topic: string, partition: number): CommittedOffset | undefined {
    return this.groups.get(groupId)?.offsets.get(topic)?.get(partition);
  }

  /** Every partition with a committed offset, for an OffsetFetch that names no topics. */
  committedPartitions(groupId: string): { topic: string; partitions: number[] }[] {
    const offsets = this.groups.get(groupId)?.offsets ?? new Map<string, Map<number, CommittedOffset>>();
    return [...offsets].map(([topic, partitions]) => ({ topic, partitions: [...partitions.keys()].sort((a, b) => a - b) }));
  }

  /** A deleted topic's offsets go with it, so a topic re-created under the same name starts clean. */
  forgetTopic(topic: string): void {
    for (const group of this.groups.values()) group.offsets.delete(topic);
  }

  /** The groups this coordinator knows (ListGroups). */
  list(): { groupId: string; protocolType: string }[] {
    return [...this.groups].map(([groupId, group]) => ({ groupId, protocolType: group.protocolType ?? group.lastProtocolType }));
  }

  /** Kafka's answer for a group it does not know is state "Dead" with no members, not an error. */
  describe(groupId: string): GroupDescription {
    const group = this.groups.get(groupId);
    if (!group) return { state: 'Dead', protocolType: '', protocol: '', members: [] };
    const protocol = group.protocol ?? '';
    return {
      state: group.state,
      protocolType: group.protocolType ?? '',
      protocol,
      members: [...group.members.values()].map((m) => ({
        memberId: m.id,
        clientId: m.clientId,
        clientHost: m.clientHost,
        metadata: m.metadataFor(protocol),
        assignment: m.assignment,
      })),
    };
  }

  memberIds(groupId: string): string[] {
    return [...(this.groups.get(groupId)?.members.keys() ?? [])];
  }

  /**
   * The broker is going down for a while: stop the clocks. Nobody can heartbeat or rejoin during an
   * outage, so expiring sessions or rebalances then would punish clients for the broker's absence.
   */
  pauseClocks(): void {
    clearInterval(this.sessionCheck);
    this.sessionCheck = undefined;
    for (const group of this.groups.values()) clearTimeout(group.rebalanceTimer);
  }

  /** Restart the clocks as a coordinator taking over a group does: every member gets a fresh session. */
  resumeClocks(): void {
    const now = Date.now();
    for (const group of this.groups.values()) {
      for (const member of group.members.values()) member.lastSeen = now;
      if (group.state === 'PreparingRebalance') this.startRebalanceTimer(group);
    }
    this.sessionCheck = setInterval(() => this.expireSessions(), this.sessionCheckIntervalMs);
    this.sessionCheck.unref();
  }

  private groupFor(groupId: string): Group {
    let group = this.groups.get(groupId);
    if (!group) {
      group = new Group(groupId);
      this.groups.set(groupId, group);
    }
    return group;
  }

  private acceptsProtocols(group: Group, request: JoinGroupRequest): boolean {
    if (request.protocolType === '' || request.protocols.length === 0) return false;
    if (group.members.size === 0) return true;
    const members = [...group.members.values()];
    return (
      request.protocolType === group.protocolType &&
      request.protocols.some((p) => members.every((m) => m.id === request.memberId || m.supports(p.name)))
    );
  }

  private joinAsNewMember(group: Group, request: JoinGroupRequest, signal: AbortSignal): Promise<JoinGroupResult | undefined> {
    const member = new Member(
      `${request.clientId}-${randomUUID()}`,
      request.clientId,
      request.clientHost,
      request.sessionTimeoutMs,
      request.rebalanceTimeoutMs,
      request.protocols,
    );
    if (group.members.size === 0) group.protocolType = group.lastProtocolType = request.protocolType;
    group.members.set(member.id, member);
    this.log(`group ${group.id}: ${member.id} joins`);
    const reply = this.awaitJoin(member, signal);
    if (group.state === 'PreparingRebalance') this.tryCompleteJoin(group);
    else this.prepareRebalance(group);
    return reply;
  }

  private rejoin(
    group: Group,
    member: Member,
    request: JoinGroupRequest,
    signal: AbortSignal,
  ): Promise<JoinGroupResult | undefined> | JoinGroupResult {
    member.lastSeen = Date.now();
    member.sessionTimeoutMs = request.sessionTimeoutMs;
    member.rebalanceTimeoutMs = request.rebalanceTimeoutMs;
    const unchanged = member.sameProtocols(request.protocols);
    member.protocols = request.protocols;
    // A member that lost its JoinGroup response asks again: give it the current generation rather
    // than rebalancing everyone (as Kafka does). A leader rejoining a stable group means to reassign.
    const isLeader = member.id === group.leaderId;
    if (unchanged && (group.state === 'CompletingRebalance' || (group.state === 'Stable' && !isLeader))) {
      return this.currentGeneration(group, member);
    }
    const reply = this.awaitJoin(member, signal);
    if (group.state === 'PreparingRebalance') this.tryCompleteJoin(group);
    else this.prepareRebalance(group);
    return reply;
  }

  private awaitJoin(member: Member, signal: AbortSignal): Promise<JoinGroupResult | undefined> {
    member.pendingJoin?.reply(joinError(member.id, ErrorCode.REBALANCE_IN_PROGRESS));
    const pending = new PendingReply<JoinGroupResult>(signal, () => {
      // The client went away: it no longer counts as rejoined (it will be dropped if it never returns).
      if (member.pendingJoin === pending) member.pendingJoin = undefined;
    });
    member.pendingJoin = pending;
    return pending.promise;
  }

  private prepareRebalance(group: Group): void {
    if (group.state === 'CompletingRebalance') {
      for (const member of group.members.values()) {
        const pending = member.pendingSync;
        member.pendingSync = undefined;
        pending?.reply(syncError(ErrorCode.REBALANCE_IN_PROGRESS));
      }
    }
    group.state = 'PreparingRebalance';
    this.log(`group ${group.id} rebalancing (generation ${group.generationId}, ${group.members.size} member(s))`);
    this.startRebalanceTimer(group);
    this.tryCompleteJoin(group);
  }

  private startRebalanceTimer(group: Group): void {
    clearTimeout(group.rebalanceTimer);
    const timeoutMs = Math.max(0, ...[...group.members.values()].map((m) => m.rebalanceTimeoutMs));
    group.rebalanceTimer = setTimeout(() => this.completeJoin(group), timeoutMs);
    group.rebalanceTimer.unref();
  }

  private tryCompleteJoin(group: Group): void {
    if (group.state !== 'PreparingRebalance') return;
    if ([...group.members.values()].every((m) => m.pendingJoin !== undefined)) this.completeJoin(group);
  }

  /** Ends the join phase: members that did not rejoin are dropped, the rest get the new generation. */
  private completeJoin(group: Group): void {
    if (group.state !== 'PreparingRebalance') return;
    clearTimeout(group.rebalanceTimer);
    for (const member of [...group.members.values()]) {
      if (!member.pendingJoin) {
        group.members.delete(member.id);
        this.log(`group ${group.id}: ${member.id} removed (did not rejoin within the rebalance timeout)`);
      }
    }
    group.generationId += 1;
    if (group.members.size === 0) {
      group.state = 'Empty';
      group.protocol = null;
      group.protocolType = null;
      group.leaderId = null;
      return;
    }
    const members = [...group.members.values()];
    group.protocol = this.electProtocol(members);
    if (!group.leaderId || !group.members.has(group.leaderId)) group.leaderId = members[0].id;
    group.state = 'CompletingRebalance';
    this.log(`group ${group.id} generation ${group.generationId}: leader ${group.leaderId}, ${members.length} member(s)`);
    for (const member of members) {
      const pending = member.pendingJoin;
      member.pendingJoin = undefined;
      member.assignment = NO_ASSIGNMENT;
      member.lastSeen = Date.now();
      pending?.reply(this.currentGeneration(group, member));
    }
  }

  /** The protocol every member supports that most members prefer (each member votes for its first choice). */
  private electProtocol(members: readonly Member[]): string {
    const candidates = members[0].protocols.map((p) => p.name).filter((name) => members.every((m) => m.supports(name)));
    const votes = new Map<string, number>();
    for (const member of members) {
      const choice = member.protocols.find((p) => candidates.includes(p.name))?.name;
      if (choice) votes.set(choice, (votes.get(choice) ?? 0) + 1);
    }
    return [...votes].sort((a, b) => b[1] - a[1])[0]?.[0] ?? candidates[0];
  }

  private currentGeneration(group: Group, member: Member): JoinGroupResult {
    const protocol = group.protocol ?? '';
    const isLeader = member.id === group.leaderId;
    return {
      errorCode: ErrorCode.NONE,
      generationId: group.generationId,
      protocol,
      leaderId: group.leaderId ?? '',
      memberId: member.id,
      members: isLeader ? [...group.members.values()].map((m) => ({ memberId: m.id, metadata: m.metadataFor(protocol) })) : [],
    };
  }

  private removeMember(group: Group, member: Member, reason: string): void {
    group.members.delete(member.id);
    this.log(`group ${group.id}: ${member.id} ${reason}`);
    const { pendingJoin, pendingSync } = member;
    member.pendingJoin = undefined;
    member.pendingSync = undefined;
    pendingJoin?.reply(joinError(member.id, ErrorCode.UNKNOWN_MEMBER_ID));
    pendingSync?.reply(syncError(ErrorCode.UNKNOWN_MEMBER_ID));
    if (group.state === 'PreparingRebalance') this.tryCompleteJoin(group);
    else this.prepareRebalance(group);
  }

  private expireSessions(): void {
    const now = Date.now();
    for (const group of this.groups.values()) {
      for (const member of [...group.members.values()]) {
        if (member.isWaiting || now - member.lastSeen <= member.sessionTimeoutMs) continue;
        this.removeMember(group, member, `expired (no heartbeat for ${member.sessionTimeoutMs} ms)`);
      }
    }
  }
}
