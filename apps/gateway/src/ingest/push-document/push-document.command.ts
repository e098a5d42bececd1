import { Command } from '@nestjs/cqrs';
import type { Principal } from '@tributary/tenancy';
import type { PushedDocumentView } from '../ingest-entry.dto.js';
import type { PushDocumentBody } from './push-document.dto.js';

/** A tenant pushes a document: validated, published to its topic and logged, once per document. */
export class PushDocument extends Command<PushedDocumentView> {
  constructor(
    readonly caller: Principal,
    readonly input: PushDocumentBody,
    readonly sourceIp: string | null,
    readonly traceparent: string,
  ) {
    super();
  }
}
