import type { PluginListenerHandle } from '@capacitor/core';

/** A bundle as the runtime reports it. */
export interface BundleInfo {
  id: string;
  version: string;
  sequence?: number;
  status: 'success' | 'error' | 'pending' | 'downloading' | string;
  reason?: string | null;
  downloaded?: string | null;
  checksum?: string | null;
  percent?: number;
}

export interface BundleId {
  id: string;
}

export interface LatestVersion {
  kind: 'update' | 'no_update' | 'error' | string;
  version?: string | null;
  sequence?: number;
  channel?: string | null;
  error?: string | null;
  message?: string | null;
}

export interface ChannelResult {
  status: 'ok' | 'error';
  channel?: string | null;
  error?: string | null;
  message?: string | null;
}

export interface DelayCondition {
  kind: 'background' | 'kill' | 'nativeVersion' | 'date';
  value?: string;
}

export type UpdaterEvent =
  | 'download'
  | 'downloadComplete'
  | 'updateAvailable'
  | 'noNeedUpdate'
  | 'updateCheckResult'
  | 'downloadFailed'
  | 'updateFailed'
  | 'set'
  | 'setNext'
  | 'appReady'
  | 'appReloaded'
  | 'majorAvailable'
  | 'breakingAvailable'
  | 'channelPrivate'
  | 'freshnessFailed'
  | 'verifyFailed'
  | 'checkFailed';

/**
 * The updater's JS API: the reference plugin's (`@capgo/capacitor-updater`) methods that Patchbay's runtime
 * answers. Methods the reference plugin has and Patchbay refuses (preview sessions, per-file downloads, the shake
 * menu, app-store updates, changing the server at run time) reject with the reason; see docs/harness.md.
 */
export interface CapacitorUpdaterPlugin {
  /** Confirms that the running bundle works; without it the bundle is rolled back after `appReadyTimeout`. */
  notifyAppReady(): Promise<{ bundle: BundleInfo }>;
  current(): Promise<{ bundle: BundleInfo; native: string }>;
  getLatest(options?: { channel?: string }): Promise<LatestVersion>;
  /** Downloads and verifies the release of the last `getLatest` answer with that version. */
  download(options: { version: string; url?: string }): Promise<BundleInfo>;
  next(options: BundleId): Promise<BundleInfo>;
  set(options: BundleId): Promise<BundleInfo>;
  reset(options?: { toLastSuccessful?: boolean }): Promise<BundleInfo>;
  reload(): Promise<void>;
  list(): Promise<{ bundles: BundleInfo[] }>;
  delete(options: BundleId): Promise<void>;
  getNextBundle(): Promise<BundleInfo | null>;
  setMultiDelay(options: { delayConditions: DelayCondition[] }): Promise<void>;
  cancelDelay(): Promise<void>;
  setChannel(options: { channel: string; triggerAutoUpdate?: boolean }): Promise<ChannelResult>;
  unsetChannel(options?: { triggerAutoUpdate?: boolean }): Promise<ChannelResult>;
  getChannel(): Promise<{ channel: string | null }>;
  listChannels(): Promise<{ channels: { id: string; name: string; public: boolean; allow_self_set: boolean }[] }>;
  getDeviceId(): Promise<{ deviceId: string }>;
  setCustomId(options: { customId: string }): Promise<void>;
  getBuiltinVersion(): Promise<{ version: string }>;
  getPluginVersion(): Promise<{ version: string }>;
  getFailedUpdate(): Promise<{ bundle: BundleInfo } | null>;
  triggerUpdateCheck(): Promise<{ status: string; queued: boolean }>;
  isAutoUpdateEnabled(): Promise<{ enabled: boolean }>;
  isAutoUpdateAvailable(): Promise<{ available: boolean }>;
  getAppId(): Promise<{ appId: string }>;
  /** Refused: the app trusts only the server its embedded keys certify. */
  setAppId(options: { appId: string }): Promise<void>;
  /** Refused: the app trusts only the server its embedded keys certify. */
  setUpdateUrl(options: { url: string }): Promise<void>;
  /** Refused: the app trusts only the server its embedded keys certify. */
  setStatsUrl(options: { url: string }): Promise<void>;
  /** Refused: the app trusts only the server its embedded keys certify. */
  setChannelUrl(options: { url: string }): Promise<void>;
  /** Refused: a bundle that never calls `notifyAppReady` is rolled back instead. */
  setBundleError(options: BundleId): Promise<BundleInfo>;
  addListener(eventName: UpdaterEvent, listener: (event: any) => void): Promise<PluginListenerHandle>;
  removeAllListeners(): Promise<void>;
}
