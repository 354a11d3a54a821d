package dev.patchbay.updater;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.patchbay.crypto.FileCodec;
import dev.patchbay.crypto.Manifest;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Bundle format 2 on the device (bundle-format §5.1): compressed blobs are fetched and decoded to the exact files,
 * a release published in format 1 still installs on this runtime, and a device going from a format 1 to a format 2
 * release fetches only the changed files, compressed.
 */
class BundleFormatTest {
    static final TestKeys KEYS = LifecycleTest.KEYS;

    static Map<String, String> app(String version, String page) {
        Map<String, String> m = new LinkedHashMap<>(Device.files(version, page));
        m.put("assets/vendor.js", "function vendor(n) { return n * 2; } // library code\n".repeat(4_000));
        m.put("assets/photo.png", Device.noise(100_000, 9));
        return m;
    }

    @Test
    void aFormat1ReleaseInstallsAndAFormat2ReleaseFollowsWithCompressedDeltas() {
        TestKeys.Sealed v1 = KEYS.sealFormat1("1.1.0", 1, app("1.1.0", "a"));
        assertEquals(1, v1.sealed().manifest().version());
        Device d = LifecycleTest.runningConfirmed(AutoUpdate.AT_BACKGROUND, v1);
        assertEquals("1.1.0", d.servedVersion(Map.of("1.1.0", v1)));
        assertTrue(Device.sameFiles(v1.files(), ResilienceTest.readInstalled(d, d.updater.current().bundle().id())));

        Map<String, String> next = app("1.2.0", "b");
        next.put("assets/vendor.js", next.get("assets/vendor.js") + "function more() {}\n");
        TestKeys.Sealed v2 = KEYS.seal("1.2.0", 2, next);
        Manifest m = v2.sealed().manifest();
        assertEquals(2, m.version());
        Manifest.File vendor = file(m, "assets/vendor.js");
        assertEquals(FileCodec.DEFLATE, vendor.codec());
        assertTrue(vendor.blobLength() < vendor.size() / 20, vendor.toString());
        assertEquals(FileCodec.NONE, file(m, "assets/photo.png").codec(), "an image is stored as it is");

        long before = d.server.blobBytes;
        d.server.publish(v2);
        d.boot();
        d.settle();
        // photo.png and app.js are held already; index.html, the page and vendor.js come compressed
        long expected = v2.sealed().manifestBlob().length() + file(m, "index.html").blobLength()
                + file(m, "assets/page-1.2.0.js").blobLength() + vendor.blobLength();
        assertEquals(expected, d.server.blobBytes - before);
        assertEquals(expected, dev.patchbay.crypto.ManifestDiff.between(v1.sealed().manifest(), m,
                v2.sealed().manifestBlob()).downloadBytes(), "what `bundle diff` reports is what the device fetched");
        d.updater.onBackground();
        assertEquals("1.2.0", d.servedVersion(Map.of("1.2.0", v2)));
        assertTrue(Device.sameFiles(v2.files(), ResilienceTest.readInstalled(d, d.updater.current().bundle().id())));
    }

    static Manifest.File file(Manifest m, String path) {
        return m.files().stream().filter(f -> f.path().equals(path)).findFirst().orElseThrow();
    }
}
