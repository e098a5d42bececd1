import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { KafkaLogWatcher, testBrokerLog } from './kafka-log-watcher.js';
import { startTestKafka, type TestKafka } from './test-kafka.js';

/** What a chaos test reads of a Kafka log: the messages a group has not committed, by CloudEvent id. */
describe('KafkaLogWatcher', () => {
  let broker: TestKafka;
  let kafka: Kafka;
  const topic = `watched-${Date.now()}`;

  beforeAll(async () => {
    broker = await startTestKafka();
    kafka = new Kafka({ clientId: 'watcher-test', brokers: broker.brokers, logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 2 }] });
    await admin.disconnect();
  });

  afterAll(async () => {
    await broker?.stop();
  });

  it("lists the records at or past a group's committed offsets, and nothing for a group that never committed there", async () => {
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    const partitions = [0, 0, 0, 1, 1, 1];
    await producer.send({ topic, messages: partitions.map((partition, i) => ({ partition, value: `m${i}`, headers: { ce_id: `id-${i}` } })) });
    await producer.disconnect();
    const admin = kafka.admin();
    await admin.connect();
    // The group has committed the first two records of partition 0 and the first of partition 1.
    await admin.setOffsets({ groupId: 'consumer', topic, partitions: [{ partition: 0, offset: '2' }, { partition: 1, offset: '1' }] });
    await admin.disconnect();

    const watcher = await KafkaLogWatcher.start(broker.brokers, [topic]);
    try {
      const ids = async (view: { uncommitted(group: string): Promise<{ id: string }[]> }, group: string) =>
        (await view.uncommitted(group)).map((m) => m.id).sort();
      expect(await ids(watcher, 'consumer')).toEqual(['id-2', 'id-4', 'id-5']);
      expect(await ids(watcher, 'stranger')).toEqual([]);
      if (broker.testBroker) {
        const paused = testBrokerLog(broker.testBroker, [topic]);
        expect(await ids(paused, 'consumer')).toEqual(['id-2', 'id-4', 'id-5']);
        expect(await ids(paused, 'stranger')).toEqual([]);
      }
    } finally {
      await watcher.stop();
    }
  });
});
