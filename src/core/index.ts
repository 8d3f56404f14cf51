/** @module Public face of the domain model. */
export * from './asset.ts';
export * from './outcome.ts';
export * from './transfer-error.ts';
export * from './usage-error.ts';
export * from './format.ts';
