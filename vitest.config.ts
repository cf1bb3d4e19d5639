import { defineConfig } from 'vitest/config';

// Kept apart from vite.config.ts so that running tests never loads vite-plugin-electron.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    // Builds dist-cli/packet-chat.js once; the CLI tests spawn that file (test/helpers/cli-node.ts).
    globalSetup: ['test/helpers/build-cli.ts'],
    pool: 'forks',
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // Integration tests bind real ports; each file picks its own range (test/helpers/ports.ts).
    fileParallelism: true,
  },
});
