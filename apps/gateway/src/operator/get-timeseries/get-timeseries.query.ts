import { Query } from '@nestjs/cqrs';
import type { Principal } from '@tributary/tenancy';
import type { OperatorTimeseries, TimeseriesArgs } from './get-timeseries.dto.js';

/** The operator page's charts: counts per time bucket (platform admin). */
export class GetOperatorTimeseries extends Query<OperatorTimeseries> {
  constructor(
    readonly caller: Principal,
    readonly args: TimeseriesArgs,
  ) {
    super();
  }
}
