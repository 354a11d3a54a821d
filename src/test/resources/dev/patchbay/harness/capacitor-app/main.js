// A plain Capacitor app using the reference updater plugin's published JS, as an app developer writes it. What it
// does is read from scenario.json (next to index.html in each bundle), so one build serves every test scenario.
import { Capacitor } from '@capacitor/core';
import { CapacitorUpdater } from '@capgo/capacitor-updater';

const out = document.getElementById('out');
function log(...parts) {
  const line = '[app] ' + parts.map((p) => (typeof p === 'string' ? p : p === undefined ? 'undefined' : JSON.stringify(p))).join(' ');
  out.textContent += line + '\n';
  console.log(line);
}

async function main() {
  const s = await (await fetch('./scenario.json')).json();
  document.getElementById('title').textContent = 'app ' + s.version;
  log('start', s.version, Capacitor.getPlatform(), String(Capacitor.isNativePlatform()));
  await CapacitorUpdater.addListener('download', (e) => log('download', e.percent, e.bundle && e.bundle.version));
  await CapacitorUpdater.addListener('updateAvailable', (e) => log('updateAvailable', e.bundle.version));
  await CapacitorUpdater.addListener('noNeedUpdate', (e) => log('noNeedUpdate', e.bundle.version));
  if (s.spam) {
    // calls notifyAppReady every 20 ms for as long as this page lives (the old page during a switch)
    setInterval(() => CapacitorUpdater.notifyAppReady().catch(() => {}), 20);
  }
  if (s.ready) {
    const r = await CapacitorUpdater.notifyAppReady();
    log('ready', r.bundle.version, r.bundle.status);
  }
  if (s.channel) {
    const r = await CapacitorUpdater.setChannel({ channel: s.channel, triggerAutoUpdate: true });
    log('channel', r.status, s.channel);
    const c = await CapacitorUpdater.getChannel();
    log('getChannel', c.channel);
  }
  if (s.manual) {
    const latest = await CapacitorUpdater.getLatest();
    log('latest', latest.version);
    const b = await CapacitorUpdater.download({ url: latest.url, version: latest.version });
    log('downloaded', b.version, b.status);
    await CapacitorUpdater.next({ id: b.id });
    const n = await CapacitorUpdater.getNextBundle();
    log('next', n && n.version);
    await CapacitorUpdater.set({ id: b.id });
  }
  if (s.probe) {
    for (const m of s.probe) {
      try {
        log('probe', m, await CapacitorUpdater[m]({}));
      } catch (e) {
        log('probe', m, 'rejected', e.code || '', e.message);
      }
    }
  }
  log('done');
}

main().catch((e) => log('error', e.code || '', e.message));
