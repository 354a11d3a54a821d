import { WebPlugin } from '@capacitor/core';

/**
 * In a browser there is no native runtime to install bundles: every method rejects and says so.
 * Patchbay's updater runs on Android (the native part of this package).
 */
export class CapacitorUpdaterWeb extends WebPlugin {
  constructor() {
    super();
    return new Proxy(this, {
      get(target, prop, receiver) {
        if (typeof prop !== 'string' || prop in target) {
          return Reflect.get(target, prop, receiver);
        }
        return () =>
          Promise.reject(
            target.unavailable(
              `CapacitorUpdater.${prop}() is not available on the web: Patchbay's updater runs in the native app (Android)`,
            ),
          );
      },
    });
  }
}
