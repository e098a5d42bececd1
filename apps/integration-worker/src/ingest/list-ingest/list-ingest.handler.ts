import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { listIngestPage } from '@tributary/ingest';
import { TenantContext } from '@tributary/tenancy';
import { DataSource } from 'typeorm';
import { toActionAnswerView, type ActionAnswerPage } from '../action-answer.dto.js';
import { ActionAnswerEntity } from '../action-answer.entity.js';
import { ListIngest } from './list-ingest.query.js';

/** The ingest log's one reader (the gateway's too), over the worker's table: keyset pagination in receiving order, (received_at, id), per tenant. */
@QueryHandler(ListIngest)
export class ListIngestHandler implements IQueryHandler<ListIngest> {
  constructor(private readonly dataSource: DataSource) {}

  execute({ caller, filter }: ListIngest): Promise<ActionAnswerPage> {
    return listIngestPage(this.dataSource, ActionAnswerEntity, TenantContext.of(caller), filter, toActionAnswerView);
  }
}
