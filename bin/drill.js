#!/usr/bin/env node
// The harness is TypeScript run through tsx: no build step between `npm ci` and a drill.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
