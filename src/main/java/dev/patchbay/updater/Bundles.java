package dev.patchbay.updater;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The bundles the device holds, as the JS API lists and deletes them. */
final class Bundles extends EnginePart {
    Bundles(Engine engine) {
        super(engine);
    }

    CurrentBundle current() {
        synchronized (lock) {
            return new CurrentBundle(info(engine.webView.servedId(), null), ports.app().nativeVersion());
        }
    }

    List<BundleInfo> list() {
        synchronized (lock) {
            List<BundleInfo> out = new ArrayList<>();
            Map<String, BundleRecord> bundles = prefs.bundles();
            bundles.values().forEach(r -> out.add(r.info()));
            engine.downloads.transientBundles.forEach((id, info) -> {
                if (!bundles.containsKey(id)) {
                    out.add(info);
                }
            });
            return out;
        }
    }

    BundleInfo nextBundle() {
        synchronized (lock) {
            String n = prefs.next();
            return n == null ? null : info(n, null);
        }
    }

    void delete(String id) {
        synchronized (lock) {
            if (isBuiltin(id) || id.equals(prefs.current()) || id.equals(prefs.next())) {
                throw new UpdaterException("not_allowed", "The builtin, current and queued bundles cannot be deleted");
            }
            BundleInfo t = engine.downloads.transientBundles.get(id);
            if (t != null && t.status() == BundleStatus.DOWNLOADING) {
                throw new UpdaterException("not_allowed", "Bundle " + id + " is being downloaded");
            }
            BundleRecord rec = prefs.bundle(id);
            if (rec == null && t == null) {
                throw new UpdaterException("not_found", "No bundle has id " + id);
            }
            engine.downloads.transientBundles.remove(id);
            if (rec != null) {
                Prefs.Tx tx = prefs.tx().remove(Prefs.BUNDLE + id).event("delete", rec.version());
                if (id.equals(prefs.fallback())) {
                    tx.remove(Prefs.FALLBACK);
                }
                commit(tx);
                deleteQuietly(id);
            }
        }
    }
}
