/** @module Defaults the CLI needs while it registers its flags, free of heavy imports so `--help` stays fast. */
export { DEFAULT_FIDELITY, type FidelityOptions } from '../engine/derived/types.ts';
