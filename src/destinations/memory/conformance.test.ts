/** @module The in-memory reference store runs the shared FileStore suite. */
import { describeFileStore } from '../../../test/conformance/file-store.suite.ts';
import { createMemoryStore } from './memory-store.ts';

describeFileStore('memory', { create: async () => createMemoryStore(), largeFileBytes: 8 * 1024 * 1024 });
