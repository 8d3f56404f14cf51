/** @module The explicit list of source connectors. */
import type { SourceDefinition } from './define.ts';
import { archiveSource } from './archive/index.ts';
import { folderSource } from './folder/index.ts';
import { icloudSource } from './icloud/index.ts';

export const sourceDefinitions: readonly SourceDefinition[] = [
  folderSource,
  icloudSource,
  archiveSource,
];
