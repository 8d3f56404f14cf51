/** @module Sample library generator: real, deterministic photo/video files for tests, demos and benchmarks. */
export { generateSampleLibrary, type SampleLibrary } from './generate.ts';
export type { SampleOptions, PlannedAsset, PlannedFile, Range } from './plan.ts';
