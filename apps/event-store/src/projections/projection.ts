import { applyDecorators, Injectable } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import type { TopicDefinition } from '@tributary/topics';
import type { EntityManager } from 'typeorm';
import type { StoredEvent } from '../log/stored-event.js';

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export type EntityClass = Function;

/** What a projection declares about itself. */
export interface ProjectionOptions {
  /** Unique, `[a-z][a-z0-9_]*`: names its checkpoint and its rebuilds (`tributary projections rebuild <name>`). */
  readonly name: string;
  /** Raise it when the handler derives rows differently: the projection is then rebuilt from the log. */
  readonly version: number;
  /** The TypeORM entities of the tables it owns and writes (each with a primary key); rebuilt together. */
  readonly entities: readonly EntityClass[];
  /** The topics whose events it reads; other events only move its checkpoint. */
  readonly events: readonly TopicDefinition[];
}

/**
 * A read model derived from the log. `handle` gets a batch of events in commit order and runs inside
 * the transaction that also moves the projection's checkpoint, so a batch is applied entirely or not
 * at all. It must be idempotent (a replay after a crash changes nothing twice) and write only through
 * `context.table(Entity)`, which names the shadow table while the projection is being rebuilt.
 */
export interface ProjectionHandler {
  handle(events: readonly StoredEvent[], context: ProjectionContext): Promise<void>;
}

const Discoverable = DiscoveryService.createDecorator<ProjectionOptions>();
export const PROJECTION_KEY = Discoverable.KEY;
export const projectionDiscovery = Discoverable;

/** Marks a provider as a projection; the event store finds it in any module (plugins included). */
export const Projection = (options: ProjectionOptions): ClassDecorator => applyDecorators(Injectable(), Discoverable(options));

/** Where one batch of a projection is applied. */
export class ProjectionContext {
  constructor(
    /** The batch's transaction: use it, and only it, for every statement. */
    readonly manager: EntityManager,
    private readonly tables: ReadonlyMap<EntityClass, string>,
    /** True while building the shadow tables of a rebuild. */
    readonly rebuilding: boolean,
  ) {}

  /** The quoted, schema-qualified table to write `entity`'s rows to. */
  table(entity: EntityClass): string {
    const table = this.tables.get(entity);
    if (!table) throw new Error(`${entity.name} is not one of this projection's entities`);
    return table;
  }
}
