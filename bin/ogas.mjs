#!/usr/bin/env node
// The `ogas` command (DESIGN §10). Sources are TypeScript, loaded through tsx's ESM hooks so the
// same files run in development, tests and on a kiosk without a separate build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../main/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
