package dev.patchbay.harness;

import static dev.patchbay.harness.PatchSites.file;
import static dev.patchbay.harness.PatchSites.folders;
import static dev.patchbay.harness.PatchSites.patch;
import static dev.patchbay.harness.PatchSites.relaunch;
import static dev.patchbay.harness.PatchSites.sha;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patchbay.crypto.Manifest;
import dev.patchbay.crypto.PatchBases;
import dev.patchbay.crypto.PatchIndex;
import dev.patchbay.crypto.SealedBundle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
    PatchSites sites;

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
        sites = new PatchSites(lab);
    }

    @AfterEach
    void devices() {
        lab.close();
    }

    @Test
    void aDeviceOnAFetchesOnlyThePatchOfTheChangedFileAndFallsBackWholeWhenItsBaseIsDamaged() throws Exception {
        Path a = sites.site("1.1.0", 1);
        SealedBundle sa = sites.publish(a, "1.1.0", 1, PatchBases.NONE);
        lab.serve("1.1.0");
        EmulatedDevice d = sites.deviceOn("1.1.0");
        EmulatedDevice damaged = sites.deviceOn("1.1.0");
        byte[] libA = Files.readAllBytes(a.resolve("lib.js"));

        Path b = sites.site("1.2.0", 2);
        SealedBundle sb = sites.publish(b, "1.2.0", 2, folders(a));
        assertNotNull(sb.patches(), "lib.js and index.html changed: patches from 1.1.0");
        lab.serve("1.2.0");
        Manifest.File lib = file(sb, "lib.js");
        PatchIndex.Entry libPatch = patch(sb, "lib.js", sha(libA));
        assertTrue(libPatch.blobRef().length() * 20 < lib.blobLength(), libPatch + " vs " + lib);

        relaunch(d, "1.2.0");
        assertArrayEquals(Files.readAllBytes(b.resolve("lib.js")), sites.installed(d, "lib.js"));
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
        assertEquals("1", sites.downloadComplete(d, "1.2.0").path("patched").asText());

        // The same update on a device whose copy of lib.js was changed behind the runtime's back (same length):
        // the patched result does not match, so lib.js comes whole and the bundle still verifies.
        Path libOnDisk = damaged.filesFolder().resolve("versions").resolve(damaged.state().current().id())
                .resolve("lib.js");
        byte[] bad = Files.readAllBytes(libOnDisk);
        bad[100_000] ^= 1;
        Files.write(libOnDisk, bad);
        relaunch(damaged, "1.2.0");
        assertArrayEquals(Files.readAllBytes(b.resolve("lib.js")), sites.installed(damaged, "lib.js"));
        assertEquals(1, damaged.traffic().exchanges("/blobs/" + lib.blob()).size(), "lib.js fetched whole");
        JsonNode details = sites.downloadComplete(damaged, "1.2.0");
        assertEquals("0", details.path("patched").asText(), details.toString());
        assertEquals("1", details.path("patchFallbacks").asText(), details.toString());
        assertTrue(details.path("patchFallback").asText().startsWith("lib.js: the patched file does not match"),
                details.toString());
    }

    @Test
    void aDeviceTwoReleasesBehindUsesAPatchFromItsReleaseOnlyWhenThePublisherMadeOne() throws Exception {
        Path a = sites.site("1.1.0", 1);
        lab.publish(a, "1.1.0", 1);
        lab.serve("1.1.0");
        EmulatedDevice twoBehind = sites.deviceOn("1.1.0");
        EmulatedDevice alsoBehind = sites.deviceOn("1.1.0");
        Path b = sites.site("1.2.0", 2);
        sites.publish(b, "1.2.0", 2, folders(a));

        // 1.3.0 with patches from the two earlier releases (K = 2): the device on 1.1.0 patches from its own files.
        Path c = sites.site("1.3.0", 3);
        SealedBundle sc = sites.publish(c, "1.3.0", 3, folders(b, a));
        lab.serve("1.3.0");
        relaunch(twoBehind, "1.3.0");
        PatchIndex.Entry fromA = patch(sc, "lib.js", sha(Files.readAllBytes(a.resolve("lib.js"))));
        assertEquals(1, twoBehind.traffic().exchanges("/blobs/" + fromA.blob()).size());
        assertTrue(twoBehind.traffic().exchanges("/blobs/" + file(sc, "lib.js").blob()).isEmpty());
        assertArrayEquals(Files.readAllBytes(c.resolve("lib.js")), sites.installed(twoBehind, "lib.js"));

        // 1.4.0 with patches from the last release only (K = 1): a device still on 1.1.0 gets lib.js whole.
        Path e = sites.site("1.4.0", 4);
        SealedBundle se = sites.publish(e, "1.4.0", 4, folders(c));
        assertNotNull(se.patches());
        lab.serve("1.4.0");
        relaunch(alsoBehind, "1.4.0");
        assertEquals(1, alsoBehind.traffic().exchanges("/blobs/" + file(se, "lib.js").blob()).size());
        assertArrayEquals(Files.readAllBytes(e.resolve("lib.js")), sites.installed(alsoBehind, "lib.js"));
        assertTrue(new String(sites.installed(alsoBehind, "index.html"), StandardCharsets.UTF_8).contains("1.4.0"));
    }
}
