/** @module What the CLI needs while it registers its flags, free of heavy imports so `--help` stays fast. */
export { DEFAULT_FIDELITY, type FidelityOptions } from '../engine/derived/types.ts';
export { MEDIA_TYPES } from '../engine/media-types.ts';
export { RunGate, parseBandwidth } from '../engine/gate.ts';
