import { Field, ID, Int, ObjectType } from '@nestjs/graphql';

/** What a call without the platform admin key is told (everything the operator sees spans tenants). */
export const PLATFORM_ADMIN_KEY_REQUIRED = 'The platform admin key is required';

@ObjectType({ description: 'A message as it was appended to a topic (the postgres log, or the Kafka outbox)' })
export class FlowMessage {
  @Field({ description: 'The topic (the envelope type)' })
  topic: string;
  @Field(() => Int, { description: 'Partition of the log it went to' })
  partition: number;
  @Field({ description: 'Offset in that partition (a string: offsets exceed 2^53 in the long run)' })
  offset: string;
  @Field({ description: 'The envelope id (the event id)' })
  messageId: string;
  @Field(() => String, { nullable: true, description: 'The tenant the message belongs to' })
  tenantId: string | null;
  @Field(() => String, { nullable: true, description: 'The entity the message is about (the stream)' })
  subject: string | null;
  @Field(() => String, { nullable: true, description: 'The app that published it' })
  source: string | null;
  @Field({ description: 'When it was appended (ISO 8601)' })
  appendedAt: string;
}

@ObjectType({ description: 'A topic of the registry and how many messages it has carried' })
export class TopicFlow {
  @Field({ description: 'The topic' })
  topic: string;
  @Field(() => Int, { description: 'Its partitions' })
  partitions: number;
  @Field({ description: 'Messages appended since the topic was created (a string, like offsets)' })
  messages: string;
}

@ObjectType({ description: 'How far a consumer group is behind on a topic' })
export class ConsumerGroupLag {
  @Field({ description: 'The consumer group (one per app; kafka-relay moves the outbox to Kafka)' })
  group: string;
  @Field({ description: 'The topic' })
  topic: string;
  @Field(() => Int, { description: 'Messages appended but not yet committed by the group' })
  lag: number;
  @Field({ description: 'Where the lag was read: postgres (the log’s tables) or kafka (the broker)' })
  source: string;
}

@ObjectType({ description: 'A message a consumer group gave up on, with why' })
export class OperatorDeadLetter {
  @Field(() => ID, { description: 'The dead letter id (redrive it with redriveDeadLetter)' })
  id: string;
  @Field({ description: 'The consumer group that failed to handle it' })
  group: string;
  @Field({ description: 'The topic it came from' })
  topic: string;
  @Field({ description: 'Its envelope id' })
  messageId: string;
  @Field(() => String, { nullable: true, description: 'Its tenant' })
  tenantId: string | null;
  @Field({ description: 'The error code' })
  errorCode: string;
  @Field({ description: 'The error message' })
  errorMessage: string;
  @Field(() => Int, { description: 'Attempts made before giving up' })
  attempts: number;
  @Field({ description: 'When it was dead-lettered (ISO 8601)' })
  deadAt: string;
}

@ObjectType({ description: 'One webhook delivery the gateway answered' })
export class WebhookDeliveryView {
  @Field({ description: 'When it was answered (ISO 8601)' })
  at: string;
  @Field({ description: 'The webhook it was sent to' })
  webhookId: string;
  @Field(() => Int, { description: 'The HTTP status answered (202 accepted; 4xx refused)' })
  status: number;
  @Field(() => String, { nullable: true, description: 'The error code of a refusal' })
  code: string | null;
  @Field(() => String, { nullable: true, description: 'The event the delivery became (accepted ones)' })
  eventId: string | null;
  @Field(() => String, { nullable: true, description: 'The trace id of the request' })
  traceId: string | null;
}

@ObjectType({ description: 'A running app process (a replica), from its heartbeat' })
export class PlatformInstance {
  @Field({ description: 'The app' })
  app: string;
  @Field({ description: 'app@host:pid and a random suffix' })
  instanceId: string;
  @Field({ description: 'When it started (ISO 8601)' })
  startedAt: string;
  @Field({ description: 'Its last heartbeat (ISO 8601; every 5 s)' })
  heartbeatAt: string;
  @Field(() => Int, { nullable: true, description: 'Subscription clients it holds (the change-sink)' })
  connectedClients: number | null;
}

@ObjectType({ description: 'The platform’s state, refreshed every 2 seconds on the operatorStats subscription' })
export class OperatorStats {
  @Field({ description: 'When it was read (ISO 8601)' })
  at: string;
  @Field(() => [TopicFlow], { description: 'Every topic with its message count' })
  topics: TopicFlow[];
  @Field(() => [ConsumerGroupLag], { description: 'Lag per consumer group and topic' })
  lag: ConsumerGroupLag[];
  @Field(() => [OperatorDeadLetter], { description: 'The newest dead letters waiting for a decision (at most 50)' })
  deadLetters: OperatorDeadLetter[];
  @Field(() => Int, { description: 'All dead letters waiting for a decision' })
  deadLetterCount: number;
  @Field(() => [PlatformInstance], { description: 'App processes with a heartbeat in the last 20 seconds' })
  instances: PlatformInstance[];
  @Field(() => Int, { description: 'Clients connected to the change-sink’s subscriptions, over all its replicas' })
  connectedClients: number;
}

@ObjectType({ description: 'What the operator page shows first; then the subscriptions keep it live' })
export class OperatorOverview extends OperatorStats {
  @Field(() => [FlowMessage], { description: 'The newest messages over all topics (at most 50)' })
  recentMessages: FlowMessage[];
  @Field(() => [WebhookDeliveryView], {
    description: 'Recent deliveries, accepted and refused, that every gateway replica answered (the delivery log, GET /v1/deliveries), with those this replica answered in the last second',
  })
  recentDeliveries: WebhookDeliveryView[];
}

@ObjectType({ description: 'A dead letter sent back to be handled again' })
export class RedriveResult {
  @Field(() => ID, { description: 'The dead letter' })
  id: string;
  @Field({ description: 'The topic the message went back to' })
  topic: string;
  @Field({ description: 'The message id (unchanged: consumers that already handled it skip it)' })
  messageId: string;
}
