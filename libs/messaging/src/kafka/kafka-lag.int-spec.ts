import { Kafka, logLevel, Partitioners, type Producer } from 'kafkajs';
import { startTestKafka, type TestKafka } from '@tributary/testing';
import { KafkaGroupLag, kafkaConsumerGroups, kafkaConsumerLag } from './kafka-lag.js';

/** Consumer lag as the broker reports it, on the Kafka-protocol test broker (or a real Kafka with KAFKA_BROKERS). */
describe('Kafka consumer lag', () => {
  let broker: TestKafka;
  let kafka: Kafka;
  let producer: Producer;
  const topic = `lag-${Date.now()}`;
  const produce = (partitions: number[]) => producer.send({ topic, messages: partitions.map((partition, i) => ({ partition, value: `m${i}` })) });

  beforeAll(async () => {
    broker = await startTestKafka();
    kafka = new Kafka({ clientId: 'lag-test', brokers: broker.brokers, logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 2 }] });
    await admin.disconnect();
    producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
  });

  afterAll(async () => {
    await producer?.disconnect();
    await broker?.stop();
  });

  it('counts what a group has not committed: everything before its first commit, then what arrived after', async () => {
    await produce([0, 0, 0, 1, 1]);
    const admin = kafka.admin();
    await admin.connect();
    const source = new KafkaGroupLag(kafka, 'follower', () => [topic]);
    const consumer = kafka.consumer({ groupId: 'follower', sessionTimeout: 6_000, heartbeatInterval: 500, maxWaitTimeInMs: 200 });
    try {
      expect(await kafkaConsumerLag(admin, ['follower', 'idle'], [topic])).toEqual([
        { group: 'follower', topic, lag: 5 },
        { group: 'idle', topic, lag: 5 },
      ]);
      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      let seen = 0;
      await consumer.run({ autoCommitThreshold: 1, eachMessage: async () => void (seen += 1) });
      const deadline = Date.now() + 30_000;
      while (seen < 5 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      await consumer.stop(); // commits what was resolved
      expect(await source.lag()).toEqual([{ group: 'follower', topic, lag: 0 }]);
      // The cluster lists the group that joined (the idle one never did).
      expect(await kafkaConsumerGroups(admin)).toContain('follower');
      expect(await kafkaConsumerGroups(admin)).not.toContain('idle');

      // Two more on one partition: the committed group is 2 behind there; the idle one counts all 7.
      await produce([1, 1]);
      expect(await kafkaConsumerLag(admin, ['follower', 'idle'], [topic])).toEqual([
        { group: 'follower', topic, lag: 2 },
        { group: 'idle', topic, lag: 7 },
      ]);
    } finally {
      await consumer.disconnect();
      await source.close();
      await admin.disconnect();
    }
  });
});
