import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { isTopicName } from '@tributary/topics';
import { escapeIdentifier } from 'pg';
import { DataSource } from 'typeorm';
import { projectionDiscovery, type EntityClass, type ProjectionHandler, type ProjectionOptions } from './projection.js';

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
  readonly types: readonly string[];
  readonly tables: readonly ProjectionTable[];
  readonly handler: ProjectionHandler;
}

/** Every `@Projection()` provider of the app, its plugins' included, checked once at start. */
@Injectable()
export class ProjectionRegistry implements OnModuleInit {
  private readonly byName = new Map<string, RegisteredProjection>();

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly dataSource: DataSource,
  ) {}

  onModuleInit(): void {
    for (const wrapper of this.discovery.getProviders({ metadataKey: projectionDiscovery.KEY })) {
      const options = this.discovery.getMetadataByDecorator(projectionDiscovery, wrapper);
      if (!options || !wrapper.instance) continue;
      this.register(options, wrapper.instance as ProjectionHandler);
    }
  }

  get all(): readonly RegisteredProjection[] {
    return [...this.byName.values()];
  }

  find(name: string): RegisteredProjection | undefined {
    return this.byName.get(name);
  }

  private register(options: ProjectionOptions, handler: ProjectionHandler): void {
    const { name, version } = options;
    if (!/^[a-z][a-z0-9_]{0,62}$/.test(name)) throw new Error(`Projection name "${name}" must match [a-z][a-z0-9_]*`);
    if (this.byName.has(name)) throw new Error(`Two projections are named "${name}"`);
    if (!Number.isInteger(version) || version < 1) throw new Error(`Projection ${name}: version must be an integer >= 1`);
    if (options.entities.length === 0) throw new Error(`Projection ${name} declares no entities`);
    const types = options.events.map((t) => t.name);
    const unknown = types.find((t) => !isTopicName(t));
    if (unknown) throw new Error(`Projection ${name} reads "${unknown}", which is not in the topic registry`);
    const tables = options.entities.map((entity) => this.tableOf(name, entity));
    this.byName.set(name, { name, version, types, tables, handler });
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
