import { Query } from '@nestjs/cqrs';
import type { IntegrationBody } from './list-integrations.dto.js';

/** The integrations this worker runs, with their methods, topics and onSuccess targets. */
export class ListIntegrations extends Query<IntegrationBody[]> {}
