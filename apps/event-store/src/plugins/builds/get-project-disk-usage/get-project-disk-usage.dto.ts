import { Field, Float, ID, Int, ObjectType } from '@nestjs/graphql';
import { ApiProperty } from '@nestjs/swagger';

@ObjectType('ProjectDiskUsage', { description: "A project's disk usage: the sum over its builds that are not reaped" })
export class ProjectDiskUsageView {
  @ApiProperty({ format: 'uuid' }) @Field(() => ID, { description: 'The project' }) projectId: string;
  @ApiProperty() @Field(() => Float, { description: 'Disk used by its active builds, in bytes' }) bytesReal: number;
  @ApiProperty() @Field(() => Float, { description: 'Virtual disk size of its active builds, in bytes' }) bytesVirtual: number;
  @ApiProperty({ description: 'Its builds that are not reaped' }) @Field(() => Int, { description: 'Its builds that are not reaped' }) activeBuilds: number;
}
