import type { DataSource } from 'typeorm';

export interface PartitionRef {
  readonly topic: string;
  readonly partition: number;
}

export const slotOf = (p: PartitionRef): string => `${p.topic}#${p.partition}`;

/**
 * A consumer group's membership, partition leases and committed offsets, in tables (Kafka's group
 * coordinator, as statements): members heartbeat in `group_members`; the group's partitions are
 * dealt round-robin over the live members in a fixed order, so every member computes the same
 * deal; a member reads a partition only while it holds its lease in `group_partitions`, where the
 * group's offset is committed — only by the lease's holder.
 */
export class PartitionLeases {
  constructor(
    private readonly dataSource: DataSource,
    private readonly group: string,
    private readonly memberId: string,
    private readonly leaseMs: number,
  ) {}

  /**
   * Makes the topics' partitions the group's (once): each starts at the beginning — or, with
   * `startFrom`, where that group stands on it, when it has a position there (see
   * `ConsumerOptions.startFromGroup`).
   */
  async join(topics: readonly string[], startFrom?: string): Promise<void> {
    // SQL: insert-select with ON CONFLICT DO NOTHING by topic array (no ORM form)
    await this.dataSource.query(
      `WITH added AS (
         INSERT INTO messaging.group_partitions (group_id, topic, partition, committed_offset)
         SELECT $1, tp.topic, tp.partition,
                COALESCE((SELECT peer.committed_offset FROM messaging.group_partitions peer
                           WHERE peer.group_id = $3 AND peer.topic = tp.topic AND peer.partition = tp.partition), 0)
           FROM messaging.topic_partitions tp WHERE tp.topic = ANY($2::text[])
         ON CONFLICT DO NOTHING RETURNING 1
       ) SELECT count(*) AS added FROM added`,
      [this.group, [...topics], startFrom ?? null],
    );
  }

  /** Heartbeats, and deals the topics' partitions over the live members: this member's share and the others'. */
  async deal(topics: readonly string[]): Promise<{ mine: PartitionRef[]; theirs: PartitionRef[] }> {
    // SQL: heartbeat upsert, prune and read in one CTE statement (no ORM form)
    const members = await this.dataSource.query<{ member_id: string }[]>(
      `WITH beat AS (
         INSERT INTO messaging.group_members (group_id, member_id) VALUES ($1, $2)
         ON CONFLICT (group_id, member_id) DO UPDATE SET heartbeat_at = now() RETURNING member_id
       ), pruned AS (
         DELETE FROM messaging.group_members
          WHERE group_id = $1 AND heartbeat_at < now() - make_interval(secs => $3::float8 * 3) RETURNING 1
       )
       SELECT member_id FROM messaging.group_members
        WHERE group_id = $1 AND heartbeat_at > now() - make_interval(secs => $3::float8) AND member_id <> $2
       UNION SELECT member_id FROM beat ORDER BY member_id`,
      [this.group, this.memberId, this.leaseMs / 1000],
    );
    // SQL: the group's partitions by topic array, on the consumer's membership loop (hot path)
    const partitions = await this.dataSource.query<PartitionRef[]>(
      `SELECT topic, partition FROM messaging.group_partitions
        WHERE group_id = $1 AND topic = ANY($2::text[]) ORDER BY topic, partition`,
      [this.group, [...topics]],
    );
    const me = members.findIndex((m) => m.member_id === this.memberId);
    return {
      mine: partitions.filter((_, i) => i % members.length === me),
      theirs: partitions.filter((_, i) => i % members.length !== me),
    };
  }

  /**
   * Takes (or renews) the leases of `mine` that are free, lapsed or already this member's, and renews
   * those of `draining` (given up, but their worker is still finishing): the partitions it now holds.
   */
  async take(mine: readonly PartitionRef[], draining: readonly PartitionRef[]): Promise<PartitionRef[]> {
    // SQL: leases taken and renewed from unnest arrays in one CTE statement (no ORM form)
    return this.dataSource.query<PartitionRef[]>(
      `WITH wanted AS (
         SELECT unnest($3::text[]) AS topic, unnest($4::int[]) AS partition
       ), taken AS (
         UPDATE messaging.group_partitions gp
            SET owner = $2, lease_until = now() + make_interval(secs => $5), seen_at = now()
           FROM wanted w
          WHERE gp.group_id = $1 AND gp.topic = w.topic AND gp.partition = w.partition
            AND (gp.owner IS NULL OR gp.owner = $2 OR gp.lease_until < now())
         RETURNING gp.topic, gp.partition
       ), kept AS (
         UPDATE messaging.group_partitions gp
            SET lease_until = now() + make_interval(secs => $5), seen_at = now()
           FROM (SELECT unnest($6::text[]) AS topic, unnest($7::int[]) AS partition) d
          WHERE gp.group_id = $1 AND gp.topic = d.topic AND gp.partition = d.partition AND gp.owner = $2
         RETURNING 1
       ) SELECT topic, partition FROM taken`,
      [
        this.group,
        this.memberId,
        mine.map((p) => p.topic),
        mine.map((p) => p.partition),
        this.leaseMs / 1000,
        draining.map((p) => p.topic),
        draining.map((p) => p.partition),
      ],
    );
  }

  async release(ref: PartitionRef): Promise<void> {
    // SQL: the group's lease release (hot path: on rebalance, conditional on this member's lease)
    await this.dataSource.query(
      `WITH r AS (
         UPDATE messaging.group_partitions SET owner = NULL, lease_until = NULL
          WHERE group_id = $1 AND topic = $2 AND partition = $3 AND owner = $4 RETURNING 1
       ) SELECT count(*) AS n FROM r`,
      [this.group, ref.topic, ref.partition, this.memberId],
    );
  }

  /** Gives every lease up and leaves the group. */
  async leave(): Promise<void> {
    // SQL: release every lease and leave in one CTE statement (no ORM form)
    await this.dataSource.query(
      `WITH released AS (
         UPDATE messaging.group_partitions SET owner = NULL, lease_until = NULL
          WHERE group_id = $1 AND owner = $2 RETURNING 1
       ), gone AS (
         DELETE FROM messaging.group_members WHERE group_id = $1 AND member_id = $2 RETURNING 1
       ) SELECT (SELECT count(*) FROM released) AS released`,
      [this.group, this.memberId],
    );
  }

  async committedOffset(ref: PartitionRef): Promise<number> {
    // SQL: the group's committed offset (hot path: read as a partition is taken)
    const [{ committed_offset: committed }] = await this.dataSource.query<{ committed_offset: string }[]>(
      `SELECT committed_offset FROM messaging.group_partitions WHERE group_id = $1 AND topic = $2 AND partition = $3`,
      [this.group, ref.topic, ref.partition],
    );
    return Number(committed);
  }

  /** Commits the group's offset of `ref`; false when this member no longer holds its lease (it must stop reading it). */
  async commit(ref: PartitionRef, offset: number): Promise<boolean> {
    // SQL: the offset commit (hot path: conditional on the lease and on moving forward)
    const rows = await this.dataSource.query<{ n: number }[]>(
      `WITH c AS (
         UPDATE messaging.group_partitions SET committed_offset = $4
          WHERE group_id = $1 AND topic = $2 AND partition = $3 AND owner = $5 AND committed_offset <= $4
         RETURNING 1
       ) SELECT count(*)::int AS n FROM c`,
      [this.group, ref.topic, ref.partition, offset, this.memberId],
    );
    return rows[0].n === 1;
  }
}
