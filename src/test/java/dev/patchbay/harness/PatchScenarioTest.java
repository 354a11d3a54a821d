package dev.patchbay.harness;

import static dev.patchbay.harness.Await.current;
import static dev.patchbay.harness.Await.until;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patchbay.crypto.Manifest;
import dev.patchbay.crypto.PatchBases;
import dev.patchbay.crypto.PatchIndex;
import dev.patchbay.crypto.SealedBundle;
import dev.patchbay.updater.AutoUpdate;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Binary patches end to end (bundle-format §5.4): releases sealed with patches from earlier releases, published to a
 * real server, installed by the real runtime on emulated devices, counting the bytes each device reads from
 * {@code /blobs/}.
 */
class PatchScenarioTest {
    @TempDir
    static Path dir;
    static DeviceLab server;
    DeviceLab lab;

    @BeforeAll
    static void start() throws Exception {
        server = new DeviceLab(dir);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @BeforeEach
    void app() throws Exception {
        lab = server.newApp();
    }

    @AfterEach
    void devices() {
        lab.close();
    }

    /** JavaScript-like text of a seeded vocabulary (deflates about 3:1, as real code). */
    static String code(long seed, int length) {
        String[] words = {"function", "return", "const", "let", "this.state", "props", "=>", "{", "}", "(", ")",
            "if", "else", "await", "render", "useEffect", "document", "window", "null", "map", "filter"};
        Random r = new Random(seed);
        StringBuilder b = new StringBuilder(length + 32);
        while (b.length() < length) {
            b.append(words[r.nextInt(words.length)]).append(r.nextInt(8) == 0 ? ";\n" : " ");
            if (r.nextInt(6) == 0) {
                b.append("v").append(r.nextInt(5000)).append(' ');
            }
        }
        return b.substring(0, length);
    }

    /** Release {@code n} of a site: a healthy page and a 200 KB library edited a little in every release. */
    Path site(String version, int n) throws IOException {
        Path d = lab.healthy(version);
        StringBuilder lib = new StringBuilder(code(7, 200_000));
        for (int i = 1; i <= n; i++) {
            lib.insert(i * 30_000, "/* change " + i + " */ function added" + i + "() { return " + i + "; }\n");
            lib.replace(i * 11_000, i * 11_000 + 10, "EDITED" + i + "!!!");
        }
        Files.writeString(d.resolve("lib.js"), lib);
        return d;
    }

    static PatchBases folders(Path... older) throws IOException {
        return dev.patchbay.testsupport.FolderPatchBases.of(older);
    }

    static String sha(byte[] b) {
        return dev.patchbay.testsupport.FolderPatchBases.sha(b);
    }

    SealedBundle publish(Path site, String version, long sequence, PatchBases bases) throws Exception {
        lab.app.publish(lab.keys().sealFolder(site, lab.dir.resolve("blobs").resolve(version), version, sequence,
                bases));
        return lab.keys().lastSealed;
    }

    static Manifest.File file(SealedBundle b, String path) {
        return b.manifest().files().stream().filter(f -> f.path().equals(path)).findFirst().orElseThrow();
    }

    static PatchIndex.Entry patch(SealedBundle b, String path, String baseSha) {
        String target = file(b, path).sha256();
        return b.patchIndex().patches().stream().filter(e -> e.target().equals(target) && e.base().equals(baseSha))
                .findFirst().orElseThrow();
    }

    EmulatedDevice deviceOn(String version) throws Exception {
        EmulatedDevice d = lab.headless(lab.app(AutoUpdate.ALWAYS));
        d.coldStart();
        until(d, current(version, "success"));
        d.traffic().clear();
        return d;
    }

    /** Kills the app and starts it again: it checks, downloads and installs what the channel serves. */
    static void relaunch(EmulatedDevice d, String version) throws Exception {
        d.kill();
        d.coldStart();
        until(d, current(version, "success"));
    }

    /** The details of the device's download_complete event of {@code version}, as the server recorded it. */
    JsonNode downloadComplete(EmulatedDevice d, String version) throws Exception {
        String id = d.updater().getDeviceId();
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(10).toNanos();
        while (true) {
            for (JsonNode e : lab.serverEvents(id)) {
                if (e.path("action").asText().equals("download_complete")
                        && version.equals(e.path("bundle").asText())) {
                    return e.path("details");
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no download_complete of " + version + ": " + lab.serverEvents(id));
            }
            Thread.sleep(50);
        }
    }

    byte[] installed(EmulatedDevice d, String path) throws IOException {
        return Files.readAllBytes(d.filesFolder().resolve("versions").resolve(d.state().current().id())
                .resolve(path));
    }

    @Test
    void aDeviceOnAFetchesOnlyThePatchOfTheChangedFileAndFallsBackWholeWhenItsBaseIsDamaged() throws Exception {
        Path a = site("1.1.0", 1);
        SealedBundle sa = publish(a, "1.1.0", 1, PatchBases.NONE);
        lab.serve("1.1.0");
        EmulatedDevice d = deviceOn("1.1.0");
        EmulatedDevice damaged = deviceOn("1.1.0");
        byte[] libA = Files.readAllBytes(a.resolve("lib.js"));

        Path b = site("1.2.0", 2);
        SealedBundle sb = publish(b, "1.2.0", 2, folders(a));
        assertNotNull(sb.patches(), "lib.js and index.html changed: patches from 1.1.0");
        lab.serve("1.2.0");
        Manifest.File lib = file(sb, "lib.js");
        PatchIndex.Entry libPatch = patch(sb, "lib.js", sha(libA));
        assertTrue(libPatch.blobRef().length() * 20 < lib.blobLength(), libPatch + " vs " + lib);

        relaunch(d, "1.2.0");
        assertArrayEquals(Files.readAllBytes(b.resolve("lib.js")), installed(d, "lib.js"));
        long expected = sb.manifestBlob().length() + sb.patches().index().length();
        java.util.Set<String> held = new java.util.HashSet<>();
        sa.manifest().files().forEach(f -> held.add(f.sha256()));
        for (Manifest.File f : sb.manifest().files()) {
            if (!held.contains(f.sha256())) { // each changed file: its smallest patch, or whole (app.js: too small)
                expected += sb.patchIndex().patches().stream().filter(e -> e.target().equals(f.sha256()))
                        .mapToLong(e -> e.blobRef().length()).min().orElse(f.blobLength());
            }
        }
        assertEquals(expected, d.traffic().bodyBytes("/blobs/"), d.traffic().exchanges("/blobs/").toString());
        assertTrue(d.traffic().exchanges("/blobs/" + lib.blob()).isEmpty(), "lib.js's whole blob is not fetched");
        assertEquals(1, sb.patchIndex().patches().size(), "index.html and app.js are too small to patch");
        assertEquals("1", downloadComplete(d, "1.2.0").path("patched").asText());

        // The same update on a device whose copy of lib.js was changed behind the runtime's back (same length):
        // the patched result does not match, so lib.js comes whole and the bundle still verifies.
        Path libOnDisk = damaged.filesFolder().resolve("versions").resolve(damaged.state().current().id())
                .resolve("lib.js");
        byte[] bad = Files.readAllBytes(libOnDisk);
        bad[100_000] ^= 1;
        Files.write(libOnDisk, bad);
        relaunch(damaged, "1.2.0");
        assertArrayEquals(Files.readAllBytes(b.resolve("lib.js")), installed(damaged, "lib.js"));
        assertEquals(1, damaged.traffic().exchanges("/blobs/" + lib.blob()).size(), "lib.js fetched whole");
        JsonNode details = downloadComplete(damaged, "1.2.0");
        assertEquals("0", details.path("patched").asText(), details.toString());
        assertEquals("1", details.path("patchFallbacks").asText(), details.toString());
        assertTrue(details.path("patchFallback").asText().startsWith("lib.js: the patched file does not match"),
                details.toString());
    }

    @Test
    void aDeviceTwoReleasesBehindUsesAPatchFromItsReleaseOnlyWhenThePublisherMadeOne() throws Exception {
        Path a = site("1.1.0", 1);
        lab.publish(a, "1.1.0", 1);
        lab.serve("1.1.0");
        EmulatedDevice twoBehind = deviceOn("1.1.0");
        EmulatedDevice alsoBehind = deviceOn("1.1.0");
        Path b = site("1.2.0", 2);
        publish(b, "1.2.0", 2, folders(a));

        // 1.3.0 with patches from the two earlier releases (K = 2): the device on 1.1.0 patches from its own files.
        Path c = site("1.3.0", 3);
        SealedBundle sc = publish(c, "1.3.0", 3, folders(b, a));
        lab.serve("1.3.0");
        relaunch(twoBehind, "1.3.0");
        PatchIndex.Entry fromA = patch(sc, "lib.js", sha(Files.readAllBytes(a.resolve("lib.js"))));
        assertEquals(1, twoBehind.traffic().exchanges("/blobs/" + fromA.blob()).size());
        assertTrue(twoBehind.traffic().exchanges("/blobs/" + file(sc, "lib.js").blob()).isEmpty());
        assertArrayEquals(Files.readAllBytes(c.resolve("lib.js")), installed(twoBehind, "lib.js"));

        // 1.4.0 with patches from the last release only (K = 1): a device still on 1.1.0 gets lib.js whole.
        Path e = site("1.4.0", 4);
        SealedBundle se = publish(e, "1.4.0", 4, folders(c));
        assertNotNull(se.patches());
        lab.serve("1.4.0");
        relaunch(alsoBehind, "1.4.0");
        assertEquals(1, alsoBehind.traffic().exchanges("/blobs/" + file(se, "lib.js").blob()).size());
        assertArrayEquals(Files.readAllBytes(e.resolve("lib.js")), installed(alsoBehind, "lib.js"));
        assertTrue(new String(installed(alsoBehind, "index.html"), StandardCharsets.UTF_8).contains("1.4.0"));
    }
}
