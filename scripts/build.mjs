#!/usr/bin/env node
// @module Bundles the CLI into dist/ with esbuild, so a run loads plain JS: no TypeScript loader in memory
// (~40 MB and ~0.5 s per start), dependencies left external. bin/photoferry.js uses dist/ only while it is fresh.
import { build } from 'esbuild';
import { writeFileSync } from 'node:fs';

await build({
  entryPoints: { main: 'src/cli/main.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node24',
  packages: 'external',
  sourcemap: 'linked',
  logLevel: 'warning',
});
writeFileSync('dist/.built', `${new Date().toISOString()}\n`);
