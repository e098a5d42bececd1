import { Injectable } from '@nestjs/common';
import { ConsumerLagSources } from '@tributary/messaging';
import { Metrics } from './metrics.js';
import { PlatformGaugeLeader } from './platform-gauge-leader.js';

/**
 * Consumer lag per group and topic: this app's Kafka consumer groups from the broker (every replica of
 * the app); groups on the postgres log (and, in Kafka mode, the outbox relay) from the database, with
 * the dead letters and deferred messages, by one process of the platform alone (PlatformGaugeLeader).
 */
@Injectable()
export class ConsumerLagMetrics {
  constructor(metrics: Metrics, leader: PlatformGaugeLeader, kafkaGroups: ConsumerLagSources) {
    metrics.gauge('tributary_consumer_lag_messages', 'Messages a consumer group has not yet committed, per topic', ['group', 'topic'], async (set) => {
      for (const { group, topic, lag } of await kafkaGroups.read()) set({ group, topic }, lag);
      const db = await leader.lead();
      if (!db) return;
      // SQL: a GROUP BY aggregate over the messaging lib's tables, read by every app (not all register their entities).
      const rows = await db.query<{ group_id: string; topic: string; lag: string }[]>(
        `SELECT g.group_id, g.topic, sum(p.next_offset - g.committed_offset)::bigint AS lag
           FROM messaging.group_partitions g
           JOIN messaging.topic_partitions p ON p.topic = g.topic AND p.partition = g.partition
          GROUP BY g.group_id, g.topic`,
      );
      for (const row of rows) set({ group: row.group_id, topic: row.topic }, Number(row.lag));
    });
    metrics.gauge('tributary_dead_letters', 'Messages dead-lettered and not redriven or discarded, per consumer group and topic', ['group', 'topic'], async (set) => {
      const db = await leader.lead();
      if (!db) return;
      // SQL: a GROUP BY aggregate over the messaging lib's tables, read by every app (not all register their entities).
      const rows = await db.query<{ group_id: string; topic: string; n: string }[]>(
        `SELECT group_id, topic, count(*) AS n FROM messaging.dead_letters WHERE status = 'dead' GROUP BY group_id, topic`,
      );
      for (const row of rows) set({ group: row.group_id, topic: row.topic }, Number(row.n));
    });
    metrics.gauge('tributary_deferred_messages', 'Messages retrying or waiting behind a retrying message of their key, per consumer group and topic', ['group', 'topic'], async (set) => {
      const db = await leader.lead();
      if (!db) return;
      // SQL: a GROUP BY aggregate over the messaging lib's tables, read by every app (not all register their entities).
      const rows = await db.query<{ group_id: string; topic: string; n: string }[]>(
        `SELECT group_id, topic, count(*) AS n FROM messaging.deferred GROUP BY group_id, topic`,
      );
      for (const row of rows) set({ group: row.group_id, topic: row.topic }, Number(row.n));
    });
  }
}
