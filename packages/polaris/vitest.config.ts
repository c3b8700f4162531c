import { defineConfig } from 'vitest/config';

// Generous timeouts: CI runs on a shared 2-core machine; speed is measured in benchmarks, not tests.
export default defineConfig({
  test: { include: ['src/**/*.spec.ts', 'bench/**/*.spec.ts'], testTimeout: 120_000, hookTimeout: 120_000 },
});
