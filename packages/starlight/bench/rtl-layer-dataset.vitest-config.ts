import { defineConfig } from 'vitest/config';

/**
 * Runs the dataset builder's spec, which lives in bench/ beside the builder (the package's
 * vitest.config.ts includes only src/): `npx vitest run --config bench/rtl-layer-dataset.vitest-config.ts`.
 */
export default defineConfig({
  test: { include: ['bench/rtl-layer-dataset.spec.ts'], testTimeout: 120_000 },
});
