import { applyDecorators, Injectable, type Type } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import type { IEvent, IEventHandler } from '@nestjs/cqrs';
import type { TopicDefinition } from '@tributary/topics';
import type { EntityManager, ObjectLiteral } from 'typeorm';
import type { StoredEvent } from '../log/stored-event.js';
import { ProjectionTable } from './projection-table.js';

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export type EntityClass = Function;

/** What a projection declares about itself. */
export interface ProjectionOptions {
  /** Unique, `[a-z][a-z0-9_]*`: names its checkpoint and its rebuilds (`tributary projections rebuild <name>`). */
  readonly name: string;
  /** Raise it when the handlers derive rows differently: the projection is then rebuilt from the log. */
  readonly version: number;
  /** The TypeORM entities of the tables it owns and writes (each with a primary key); rebuilt together. */
  readonly entities: readonly EntityClass[];
  /**
   * Its event handlers (`@ProjectionEventsHandler(topic)` providers of the same module), one per topic
   * it reads; events of other topics only move its checkpoint.
   */
  readonly handlers: readonly Type<ProjectionEventHandler<object>>[];
}

const Discoverable = DiscoveryService.createDecorator<ProjectionOptions>();
export const projectionDiscovery = Discoverable;

/**
 * Declares a projection: a read model derived from the log by its event handlers. The event store
 * finds it in any module (plugins included). The class itself holds nothing: it names the projection.
 */
export const Projection = (options: ProjectionOptions): ClassDecorator => applyDecorators(Injectable(), Discoverable(options));

/** An event of the log with its payload typed by its topic. */
export interface ProjectedEvent<T extends object> extends Omit<StoredEvent, 'data'> {
  readonly data: T;
}

/**
 * What a projection's event handler receives: consecutive events of its topic in commit order, and
 * where to write them. Handlers run inside the transaction that also moves the projection's
 * checkpoint: the daemon awaits them, and a handler that throws rolls its whole batch back with
 * the checkpoint (the batch is retried), so a batch is applied entirely or not at all.
 */
export class ProjectedEvents<T extends object> implements IEvent {
  constructor(
    readonly events: readonly ProjectedEvent<T>[],
    readonly context: ProjectionContext,
  ) {}
}

/**
 * A projection's handler of one topic, `@nestjs/cqrs`-style — but invoked and awaited by the
 * projection daemon in the checkpoint's transaction, not published on the event bus (a failure must
 * roll back). It must be idempotent (a replay after a crash changes nothing twice) and
 * deterministic (rows from the events only, never `now()`), and write only through
 * `context.table(Entity)`.
 */
export interface ProjectionEventHandler<T extends object> extends IEventHandler<ProjectedEvents<T>> {
  handle(batch: ProjectedEvents<T>): Promise<void>;
}

const HANDLED_TOPIC = Symbol('tributary.projection.topic');

/** Marks a provider as a projection's handler of `topic`'s events (list it in its `@Projection({ handlers })`). */
export function ProjectionEventsHandler<T extends object>(topic: TopicDefinition<T>): ClassDecorator {
  return (target) => {
    Reflect.defineMetadata(HANDLED_TOPIC, topic, target);
    Injectable()(target);
  };
}

/** The topic a `@ProjectionEventsHandler()` class handles. */
export const handledTopicOf = (handler: Type<unknown>): TopicDefinition | undefined =>
  Reflect.getMetadata(HANDLED_TOPIC, handler) as TopicDefinition | undefined;

/** Where one batch of a projection is applied. */
export class ProjectionContext {
  constructor(
    /** The batch's transaction: every statement of a handler runs in it (reads included). */
    readonly manager: EntityManager,
    /** Each entity's table, `schema.table` unquoted: the live one, or its shadow during a rebuild. */
    private readonly tables: ReadonlyMap<EntityClass, string>,
    /** True while building the shadow tables of a rebuild (only the final rows count there). */
    readonly rebuilding: boolean,
  ) {}

  /** Writes `entity`'s rows to its live table, or to its shadow while the projection is being rebuilt. */
  table<T extends ObjectLiteral>(entity: Type<T>): ProjectionTable<T> {
    const path = this.tables.get(entity);
    if (!path) throw new Error(`${entity.name} is not one of this projection's entities`);
    return new ProjectionTable<T>(this.manager, this.manager.connection.getMetadata(entity), path);
  }
}
