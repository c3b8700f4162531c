#!/usr/bin/env node
// Entry point of the `polaris` command: runs the TypeScript sources through tsx's loader,
// so the monorepo needs no build step before use.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/main.ts');
process.exitCode = await main(process.argv.slice(2));
// Everything is written and stored when main returns. A handle left open by a plugin (a worker,
// a socket, a timer) must not keep the command alive: exit once the loop has had a moment to drain.
setTimeout(() => process.exit(), 1000).unref();
