import { registerPlugin } from '@capacitor/core';

import type { CapacitorUpdaterPlugin } from './definitions';

/**
 * Patchbay's updater, registered under the reference plugin's name: an app that used
 * `import { CapacitorUpdater } from '@capgo/capacitor-updater'` changes only the import.
 */
const CapacitorUpdater = registerPlugin<CapacitorUpdaterPlugin>('CapacitorUpdater', {
  web: () => import('./web').then((m) => new m.CapacitorUpdaterWeb()),
});

export * from './definitions';
export { CapacitorUpdater };
