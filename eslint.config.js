// Lint: TypeScript rules plus the dependency rule of DESIGN.md §2, enforced with nx tags.
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

export default [
  { ignores: ['**/node_modules/**', '**/dist/**', '.nx/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            // core depends on nothing of ours.
            { sourceTag: 'scope:core', onlyDependOnLibsWithTags: ['scope:core'] },
            // Fidelities, models and optimizers build on core only: optimizers never import fidelities.
            { sourceTag: 'scope:fidelity', onlyDependOnLibsWithTags: ['scope:core'] },
            { sourceTag: 'scope:model', onlyDependOnLibsWithTags: ['scope:core'] },
            { sourceTag: 'scope:optimizer', onlyDependOnLibsWithTags: ['scope:core'] },
            // Third-party-style plugins see only core's public API.
            { sourceTag: 'scope:external-plugin', onlyDependOnLibsWithTags: ['scope:core'] },
            // Only the CLI wires concrete plugins together.
            { sourceTag: 'scope:cli', onlyDependOnLibsWithTags: ['*'] },
          ],
        },
      ],
    },
  },
  {
    // Specs may use concrete plugins as fixtures (DESIGN.md §2: "only the CLI (and tests)").
    files: ['**/*.spec.ts', '**/bench/**/*.ts'],
    rules: { '@nx/enforce-module-boundaries': 'off' },
  },
];
