import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { CommandBus } from '@nestjs/cqrs';
import { TributaryError } from '@tributary/domain';
import { GqlCaller } from '@tributary/edge';
import type { Principal } from '@tributary/tenancy';
import { EXPECTED_VERSION_KEYWORDS, type ExpectedVersion } from '../expected-version.js';
import { AppendToStream } from './append-to-stream.command.js';
import { AppendEventInput, AppendResultView } from './append-to-stream.dto.js';

function parseExpectedVersion(text: string): ExpectedVersion {
  if ((EXPECTED_VERSION_KEYWORDS as readonly string[]).includes(text)) return text as ExpectedVersion;
  if (/^\d{1,15}$/.test(text)) return Number(text);
  throw new TributaryError('invalid', 'expected_version_invalid', 'expectedVersion is any, no-stream, stream-exists or an integer >= 0');
}

@Resolver()
export class AppendToStreamResolver {
  constructor(private readonly commandBus: CommandBus) {}

  @Mutation(() => AppendResultView, { description: "Appends events to one of the tenant's streams, checking its version; idempotent by event id" })
  appendToStream(
    @GqlCaller() caller: Principal,
    @Args('streamId', { description: '1 to 200 characters' }) streamId: string,
    @Args('events', { type: () => [AppendEventInput], description: '1 to 1000 events' }) events: AppendEventInput[],
    @Args('expectedVersion', {
      defaultValue: 'any',
      description: 'any | no-stream | stream-exists | the exact current version ("0" = no events); a mismatch fails with wrong_expected_version',
    })
    expectedVersion: string,
  ): Promise<AppendResultView> {
    return this.commandBus.execute(new AppendToStream(caller, streamId, parseExpectedVersion(expectedVersion), events));
  }
}
