/** @module Request types and schemas the edges (cli/, server/) build use-case calls from. */
export { filterSchema, MEDIA_TYPES, type Filters } from '../engine/filters.ts';
export type { ResourcePolicy as PolicyInput } from '../engine/plan.ts';
export { DEFAULT_TEMPLATE } from '../engine/path-template.ts';
