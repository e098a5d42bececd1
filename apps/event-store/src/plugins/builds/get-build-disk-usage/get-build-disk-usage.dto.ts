import { Field, Float, ID, ObjectType } from '@nestjs/graphql';
import { ApiProperty } from '@nestjs/swagger';

@ObjectType('BuildDiskUsage', { description: "A build's disk usage" })
export class BuildDiskUsageView {
  @ApiProperty({ format: 'uuid' }) @Field(() => ID, { description: 'The build' }) buildId: string;
  @ApiProperty() @Field(() => Float, { description: 'Disk used, in bytes' }) bytesReal: number;
  @ApiProperty() @Field(() => Float, { description: 'Virtual disk size, in bytes' }) bytesVirtual: number;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) @Field(() => String, { nullable: true, description: 'When it was measured; null if never' }) measuredAt: string | null;
}
