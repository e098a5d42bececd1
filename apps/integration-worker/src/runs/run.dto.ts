import { ApiProperty } from '@nestjs/swagger';
import type { RunEntity } from './run.entity.js';

export class RunBody {
  @ApiProperty({ format: 'uuid' })
  id: string;
  @ApiProperty({ format: 'uuid' })
  tenantId: string;
  @ApiProperty()
  integration: string;
  @ApiProperty()
  method: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String })
  actionId: string | null;
  @ApiProperty({ enum: ['topic', 'schedule', 'manual'] })
  trigger: string;
  @ApiProperty({ enum: ['init', 'ok', 'fail', 'skip', 'pending'], description: '`pending`: held unsettled (`settleLater`) until settled or its deadline' })
  state: string;
  @ApiProperty()
  attempt: number;
  @ApiProperty({ format: 'date-time' })
  startedAt: string;
  @ApiProperty({ nullable: true, type: Number })
  durationMs: number | null;
  @ApiProperty({ description: 'Messages published on success' })
  outputs: number;
  @ApiProperty({ nullable: true, type: String, description: "SHA-256 of the external service's answer" })
  responseHash: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'The external id of what the run created' })
  foreignId: string | null;
  @ApiProperty({ nullable: true, type: String })
  skipReason: string | null;
  @ApiProperty({ nullable: true, type: String })
  errorCode: string | null;
  @ApiProperty({ nullable: true, type: String })
  errorMessage: string | null;
  @ApiProperty({ description: "External effects (`once`) the run did again because a crash had left their outcome unknown (e.g. a mail re-sent with its original Message-ID)" })
  repeatedEffects: number;
}

export const toRunBody = (r: RunEntity): RunBody => ({
  id: r.id,
  tenantId: r.tenantId,
  integration: r.integration,
  method: r.method,
  actionId: r.actionId,
  trigger: r.trigger,
  state: r.state,
  attempt: r.attempt,
  startedAt: new Date(r.startedAt).toISOString(),
  durationMs: r.durationMs,
  outputs: r.outputs,
  responseHash: r.responseHash,
  foreignId: r.foreignId,
  skipReason: r.skipReason,
  errorCode: r.errorCode,
  errorMessage: r.errorMessage,
  repeatedEffects: r.repeatedEffects,
});
