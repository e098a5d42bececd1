import { TributaryError } from '@tributary/domain';
import { buildCreated } from './builds/build-created.topic.js';
import { buildDiskUsageUpdated } from './builds/build-disk-usage-updated.topic.js';
import { buildReaped } from './builds/build-reaped.topic.js';
import { buildUpdated } from './builds/build-updated.topic.js';
import { productUpserted } from './catalog/product-upserted.topic.js';
import { stockPriceSynced } from './catalog/stock-price-synced.topic.js';
import { stockPullRequested } from './catalog/stock-pull-requested.topic.js';
import type { TopicDefinition } from './topic.js';
import { carrierPollRequested } from './tracking/carrier-poll-requested.topic.js';
import { carrierUpdateReceived } from './tracking/carrier-update-received.topic.js';
import { packageUpdated } from './tracking/package-updated.topic.js';
import { actionRequested } from './integration/action-requested.topic.js';
import { dpdPushReceived } from './tracking/dpd-push-received.topic.js';
import { easyPostEventReceived } from './tracking/easypost-event-received.topic.js';
import { notificationSent } from './tracking/notification-sent.topic.js';
import { packageStateChanged } from './tracking/package-state-changed.topic.js';

/** Every topic of the platform. Add a topic by defining it next to its payload and listing it here. */
export const Topics = {
  carrierUpdateReceived,
  packageUpdated,
  actionRequested,
  dpdPushReceived,
  easyPostEventReceived,
  packageStateChanged,
  notificationSent,
  buildCreated,
  buildUpdated,
  buildDiskUsageUpdated,
  buildReaped,
  carrierPollRequested,
  productUpserted,
  stockPriceSynced,
  stockPullRequested,
} as const;

export const allTopics: readonly TopicDefinition[] = Object.values(Topics) as TopicDefinition[];

export function topicByName(name: string): TopicDefinition {
  const topic = allTopics.find((t) => t.name === name);
  if (!topic) throw new TributaryError('invalid', 'topic_unknown', `Unknown topic "${name}"`);
  return topic;
}

export const isTopicName = (name: string): boolean => allTopics.some((t) => t.name === name);
