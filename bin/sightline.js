#!/usr/bin/env node
// The `sightline` command. The project is TypeScript run as is: register tsx, then hand over.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../infra/local/cli.ts');
try {
  await main(process.argv.slice(2));
} catch (error) {
  console.error(`sightline: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
