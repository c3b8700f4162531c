import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';

/**
 * Folder of the team's reference data (`../shared/data` beside the repository checkout).
 * Tests only: the product never reads it at run time. Override with POLARIS_SHARED_DATA.
 */
export const SHARED_DATA = process.env.POLARIS_SHARED_DATA
  ?? resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../../../shared/data');
