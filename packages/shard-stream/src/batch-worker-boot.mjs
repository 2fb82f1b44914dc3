// Worker threads start without the parent's tsx hooks (Node 20): register them,
// then load the TypeScript worker, as packages/cli/bin/mtb.js does for the CLI.
import { register } from 'tsx/esm/api';

register();
await import('./batch-worker.ts');
