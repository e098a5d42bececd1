import { Injectable, type OnModuleInit, type Type } from '@nestjs/common';
import { DiscoveryService, ModuleRef } from '@nestjs/core';
import { isTopicName } from '@tributary/topics';
import { escapeIdentifier } from 'pg';
import { DataSource } from 'typeorm';
import { handledTopicOf, projectionDiscovery, type EntityClass, type ProjectionEventHandler, type ProjectionOptions } from './projection.js';

/** A PostgreSQL identifier, quoted by the driver. */
const quote = escapeIdentifier;

/** One table a projection owns, with the shadow it is rebuilt into. */
export interface ProjectionTable {
  readonly entity: EntityClass;
  /** `schema.table`, unquoted (for the catalog). */
  readonly name: string;
  readonly live: string;
  readonly shadow: string;
  /** `schema.table__rebuild`, unquoted. */
  readonly shadowName: string;
}

export interface RegisteredProjection {
  readonly name: string;
  readonly version: number;
  /** The topics it reads. */
  readonly types: readonly string[];
  readonly tables: readonly ProjectionTable[];
  /** Its event handler of each topic it reads. */
  readonly handlers: ReadonlyMap<string, ProjectionEventHandler<object>>;
}

/** Every `@Projection()` provider of the app, its plugins' included, checked once at start. */
@Injectable()
export class ProjectionRegistry implements OnModuleInit {
  private readonly byName = new Map<string, RegisteredProjection>();

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly moduleRef: ModuleRef,
    private readonly dataSource: DataSource,
  ) {}

  onModuleInit(): void {
    for (const wrapper of this.discovery.getProviders({ metadataKey: projectionDiscovery.KEY })) {
      const options = this.discovery.getMetadataByDecorator(projectionDiscovery, wrapper);
      if (!options || !wrapper.instance) continue;
      this.register(options);
    }
  }

  get all(): readonly RegisteredProjection[] {
    return [...this.byName.values()];
  }

  find(name: string): RegisteredProjection | undefined {
    return this.byName.get(name);
  }

  private register(options: ProjectionOptions): void {
    const { name, version } = options;
    if (!/^[a-z][a-z0-9_]{0,62}$/.test(name)) throw new Error(`Projection name "${name}" must match [a-z][a-z0-9_]*`);
    if (this.byName.has(name)) throw new Error(`Two projections are named "${name}"`);
    if (!Number.isInteger(version) || version < 1) throw new Error(`Projection ${name}: version must be an integer >= 1`);
    if (options.entities.length === 0) throw new Error(`Projection ${name} declares no entities`);
    if (options.handlers.length === 0) throw new Error(`Projection ${name} declares no event handlers`);
    const handlers = new Map<string, ProjectionEventHandler<object>>();
    for (const handler of options.handlers) {
      const topic = handledTopicOf(handler);
      if (!topic) throw new Error(`Projection ${name}: ${handler.name} is not a @ProjectionEventsHandler(topic)`);
      if (!isTopicName(topic.name)) throw new Error(`Projection ${name} reads "${topic.name}", which is not in the topic registry`);
      if (handlers.has(topic.name)) throw new Error(`Projection ${name} has two handlers of ${topic.name}`);
      handlers.set(topic.name, this.instanceOf(name, handler));
    }
    const tables = options.entities.map((entity) => this.tableOf(name, entity));
    this.byName.set(name, { name, version, types: [...handlers.keys()], tables, handlers });
  }

  private instanceOf(projection: string, handler: Type<ProjectionEventHandler<object>>): ProjectionEventHandler<object> {
    try {
      return this.moduleRef.get(handler, { strict: false });
    } catch {
      throw new Error(`Projection ${projection}: ${handler.name} is not a provider (list it in its module's providers)`);
    }
  }

  private tableOf(projection: string, entity: EntityClass): ProjectionTable {
    if (!this.dataSource.hasMetadata(entity)) {
      throw new Error(`Projection ${projection}: ${entity.name} is not an entity of the event store's data source`);
    }
    const { schema = 'public', tableName } = this.dataSource.getMetadata(entity);
    const shadowTable = `${tableName}__rebuild`;
    return {
      entity,
      name: `${schema}.${tableName}`,
      live: `${quote(schema)}.${quote(tableName)}`,
      shadow: `${quote(schema)}.${quote(shadowTable)}`,
      shadowName: `${schema}.${shadowTable}`,
    };
  }
}
