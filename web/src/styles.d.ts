/** @module Lets TypeScript accept the dashboard's stylesheet import (Vite bundles it). */
declare module '*.css';
