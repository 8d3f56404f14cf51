/** @module Vite build of the dashboard: Preact JSX through Vite's own transformer (no Babel preset), output to web/dist. */
import { defineConfig } from 'vite';

export default defineConfig({
  base: './',
  // Preact's automatic JSX runtime; the tsconfig says the same for the type checker.
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', sourcemap: false, assetsInlineLimit: 0 },
  server: { proxy: { '/api': 'http://127.0.0.1:8787' } },
});
