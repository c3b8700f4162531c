import { defineConfig } from 'vitest/config';

/**
 * Runs the sample-efficiency benchmark's specs, which live in bench/ beside the benchmark (the
 * package's vitest.config.ts includes only src/): `npx vitest run --config bench/sample-efficiency.vitest-config.ts`.
 */
export default defineConfig({
  test: { include: ['bench/sample-efficiency-*.spec.ts', 'bench/rtl-layer-samples-file.spec.ts'], testTimeout: 120_000 },
});
