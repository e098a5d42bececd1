import { DeadLetterEntity } from './consumer/dead-letter.entity.js';
import { DeferredMessageEntity } from './consumer/deferred-message.entity.js';
import { InboxClaimEntity } from './inbox/inbox-claim.entity.js';
import { GroupMemberEntity } from './postgres/group-member.entity.js';
import { GroupPartitionEntity } from './postgres/group-partition.entity.js';
import { MessageEntity } from './postgres/message.entity.js';
import { TopicPartitionEntity } from './postgres/topic-partition.entity.js';
import { TopicEntity } from './postgres/topic.entity.js';

/**
 * The `messaging` schema's tables: register them in the data source of an app that reads or writes
 * them through TypeORM (the dead-letter queue does; the message log, inbox and retries are SQL).
 */
export const MESSAGING_ENTITIES = [
  TopicEntity,
  TopicPartitionEntity,
  MessageEntity,
  GroupMemberEntity,
  GroupPartitionEntity,
  DeadLetterEntity,
  DeferredMessageEntity,
  InboxClaimEntity,
];
