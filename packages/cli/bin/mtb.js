#!/usr/bin/env node
// The sources are TypeScript run directly through tsx: no build step between a
// code edit and the next `mtb` run (Nx hashes the sources, not a dist folder).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/main.ts');
process.exitCode = await main(process.argv);
