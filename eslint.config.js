// @module Lint rules: typescript-eslint strict plus the import boundaries from the house style.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const boundary = (from, message) => ({ group: from, message });

export default tseslint.config(
  { ignores: ['node_modules/**', 'web/dist/**', 'bin/**', '**/.*'] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    languageOptions: {
      parserOptions: { projectService: false },
      globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly' },
    },
    rules: {
      'max-lines': ['warn', { max: 400, skipBlankLines: true, skipComments: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [boundary(['../*'], 'core/ imports nothing from the project')] }],
    },
  },
  {
    files: ['src/engine/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [boundary(['../destinations/*/*', '../sources/*/*', '!../destinations/*.ts', '!../sources/*.ts'],
          'engine/ uses the interfaces, never a concrete connector')],
      }],
    },
  },
  {
    files: ['src/cli/**/*.ts', 'src/server/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [boundary(['**/engine/*', '**/catalog/*', '**/destinations/*', '**/sources/*'],
          'cli/ and server/ go through app/')],
      }],
    },
  },
);
