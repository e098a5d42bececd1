import { InstanceEntity } from './instance.entity.js';

/** The `platform` schema's tables (every app shares them): `DatabaseModule` registers them in every data source. */
export const PLATFORM_ENTITIES = [InstanceEntity];
