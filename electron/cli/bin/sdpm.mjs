#!/usr/bin/env node
// npm bin `sdpm`: runs the TypeScript CLI (electron/cli/sdpm.ts) through tsx's loader, so `npx sdpm ...`
// works straight after `npm install` with no build step. The CLI uses core only, never Electron.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../sdpm.ts');
process.exitCode = await main(process.argv.slice(2));
