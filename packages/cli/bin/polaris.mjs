#!/usr/bin/env node
// Entry point of the `polaris` command: runs the TypeScript sources through tsx's loader,
// so the monorepo needs no build step before use.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/main.ts');
process.exitCode = await main(process.argv.slice(2));
