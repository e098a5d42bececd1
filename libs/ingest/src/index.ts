export * from './batched-log.js';
export * from './ingest-entry-columns.js';
export * from './ingest-entry.dto.js';
export * from './ingest-page.js';
export * from './ingest-records.js';
export * from './list-ingest.dto.js';
export * from './ingest-retention.js';
