import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { TenantContext, TenantRepository, withTenant } from '@tributary/tenancy';
import { DataSource } from 'typeorm';
import { toScheduleBody, type ScheduleBody } from '../schedule.dto.js';
import { ScheduleEntity } from '../schedule.entity.js';
import { ListSchedules } from './list-schedules.query.js';

@QueryHandler(ListSchedules)
export class ListSchedulesHandler implements IQueryHandler<ListSchedules> {
  constructor(private readonly dataSource: DataSource) {}

  async execute({ caller }: ListSchedules): Promise<ScheduleBody[]> {
    const tenant = TenantContext.of(caller);
    const rows = await withTenant(this.dataSource, tenant, (db) =>
      new TenantRepository(db, ScheduleEntity, tenant).find({ order: { createdAt: 'ASC', id: 'ASC' } }),
    );
    return rows.map(toScheduleBody);
  }
}
