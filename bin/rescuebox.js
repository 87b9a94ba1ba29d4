#!/usr/bin/env node
// Entry for the `rescuebox` command: load the TypeScript sources through tsx.
import { register } from 'tsx/esm/api';

register();
await import('../server/cli.ts');
