import { Query, Resolver } from '@nestjs/graphql';
import { GqlCaller } from '@tributary/edge';
import type { Viewer } from '../../auth/viewer.js';
import { CALLER_REQUIRED } from '../graphql-context.js';
import { ViewerView } from './viewer.dto.js';

/** `viewer`: who the credential sent is (no handler: it only shows the caller the context already holds). */
@Resolver()
export class ViewerResolver {
  @Query(() => ViewerView, { name: 'viewer', description: 'The authenticated caller' })
  viewer(@GqlCaller(CALLER_REQUIRED) caller: Viewer): ViewerView {
    return { tenantId: caller.tenantId, userId: caller.kind === 'user' ? caller.userId : null };
  }
}
