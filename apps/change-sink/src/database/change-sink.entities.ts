import { ChangeEntity } from '../capture/change.entity.js';
import { PrunedEntity } from '../capture/pruned.entity.js';
import { SourceCursorEntity } from '../sources/source-cursor.entity.js';

/** The entities of the `change_sink` schema, one per table. */
export const CHANGE_SINK_ENTITIES = [ChangeEntity, PrunedEntity, SourceCursorEntity];
