import { ApiProperty } from '@nestjs/swagger';
import type { DeploymentEntity } from './deployment.entity.js';

export class DeploymentBody {
  @ApiProperty({ format: 'uuid' })
  id: string;
  @ApiProperty()
  integration: string;
  @ApiProperty()
  name: string;
  @ApiProperty({ type: Object })
  config: Record<string, unknown>;
  @ApiProperty({ description: 'Whether credentials are stored (they are never returned)' })
  hasCredentials: boolean;
  @ApiProperty()
  allowPrivateNetwork: boolean;
  @ApiProperty()
  enabled: boolean;
  @ApiProperty({ format: 'date-time' })
  createdAt: string;
}

/** A deployment as the API shows it: never its credentials, only whether it has any. */
export const toDeploymentBody = (d: DeploymentEntity): DeploymentBody => ({
  id: d.id,
  integration: d.integration,
  name: d.name,
  config: d.config,
  hasCredentials: d.credentialsSealed !== null,
  allowPrivateNetwork: d.allowPrivateNetwork,
  enabled: d.enabled,
  createdAt: new Date(d.createdAt).toISOString(),
});
