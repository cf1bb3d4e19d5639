#!/usr/bin/env node
// Runs the TypeScript command-line node through tsx, so `npm link` / `npx packet-chat` work from a
// checkout without a separate build step.
import { register } from 'tsx/esm/api';

register();
await import('../electron/cli/main.ts');
