#!/usr/bin/env node
// @module Bundles the CLI into dist/ with esbuild, so a run loads plain JS: no TypeScript loader in memory
// (~40 MB and ~0.5 s per start), dependencies left external. bin/photoferry.js uses dist/ only while it is fresh.
import { build } from 'esbuild';
import { rmSync, writeFileSync } from 'node:fs';

// chunk names change with their content: old ones would pile up
rmSync('dist', { recursive: true, force: true });

const EXTERNAL = [
  'better-sqlite3', 'exiftool-vendored', 'exifr', 'pino', '@aws-sdk/*', '@smithy/*', 'ssh2', 'ssh2-sftp-client', 'webdav',
  'undici', 'fastify', '@fastify/*', 'pg', 'pg-boss', 'nodemailer', 'playwright-core', 'axe-core', 'esbuild', 'tsx',
];

await build({
  entryPoints: { main: 'src/cli/main.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node24',
  // Pure-JS dependencies the CLI loads on every run (kysely alone is ~400 ESM files) are bundled: resolving and
  // compiling hundreds of small modules was most of a short run's start-up. Packages with native code, their own
  // binaries or workers, or that load only for one connector or `serve`, stay external and load on first use.
  external: EXTERNAL,
  banner: { js: "import { createRequire as __pfCreateRequire } from 'node:module'; const require = __pfCreateRequire(import.meta.url);" },
  sourcemap: 'linked',
  logLevel: 'warning',
});
writeFileSync('dist/.built', `${new Date().toISOString()}\n`);
