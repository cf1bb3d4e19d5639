import { defineConfig } from 'vitest/config';

// `npm run soak`: the long fault runs, kept out of `npm test` (files named *.soak.ts).
export default defineConfig({
  test: {
    include: ['test/faults/**/*.soak.ts'],
    pool: 'forks',
    testTimeout: 600_000,
    hookTimeout: 600_000,
    fileParallelism: false,
  },
});
