import { IsUUID } from 'class-validator';

/** What every build event carries: which build, of which project (both UUIDs, as in probo). */
export abstract class BuildEvent {
  @IsUUID()
  buildId: string;

  @IsUUID()
  projectId: string;
}
