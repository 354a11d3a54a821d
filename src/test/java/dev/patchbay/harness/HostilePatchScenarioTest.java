package dev.patchbay.harness;

import static dev.patchbay.harness.Await.current;
import static dev.patchbay.harness.Await.until;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patchbay.crypto.Manifest;
import dev.patchbay.crypto.PatchBases;
import dev.patchbay.crypto.PatchIndex;
import dev.patchbay.crypto.SealedBundle;
import dev.patchbay.domain.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile binary patches against a real server and the real runtime on emulated devices (bundle-format §5.4,
 * SECURITY.md "what the device checks"): a patch never bypasses the manifest's SHA-256. A signed patch whose output
 * is not the file (a publisher that lies about its base) or a patch blob the server swapped falls back to the whole
 * file, installs the right bytes and says so in {@code download_complete}; a patch index or its signed field that
 * was changed after signing gets the release rejected, nothing installed.
 */
class HostilePatchScenarioTest {
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

    /** Release A (1.1.0) served, and a device that runs it. */
    private EmulatedDevice deviceOnA(Path a) throws Exception {
        sites.publish(a, "1.1.0", 1, PatchBases.NONE);
        lab.serve("1.1.0");
        return sites.deviceOn("1.1.0");
    }

    @Test
    void aSignedPatchWhoseResultIsNotTheFileFallsBackToTheWholeFile() throws Exception {
        Path a = sites.site("1.1.0", 1);
        EmulatedDevice d = deviceOnA(a);
        byte[] libA = Files.readAllBytes(a.resolve("lib.js"));

        // A publisher that lies: it diffs against other bytes than the base it names (A's lib.js, same size), and
        // signs the index. Applied to the device's real lib.js, the patch makes something else.
        byte[] forged = libA.clone();
        for (int i = 500; i < forged.length; i += 997) {
            forged[i] = (byte) (forged[i] == 'x' ? 'y' : 'x');
        }
        PatchBases lying = file -> file.path().equals("lib.js")
                ? List.of(new PatchBases.Base(PatchSites.sha(libA), libA.length, () -> forged.clone()))
                : List.of();
        Path b = sites.site("1.2.0", 2);
        SealedBundle sb = sites.publish(b, "1.2.0", 2, lying);
        assertNotNull(sb.patches(), "the lying patch is signed into the release");
        PatchIndex.Entry lie = PatchSites.patch(sb, "lib.js", PatchSites.sha(libA));
        Manifest.File lib = PatchSites.file(sb, "lib.js");
        lab.serve("1.2.0");

        PatchSites.relaunch(d, "1.2.0");
        assertArrayEquals(Files.readAllBytes(b.resolve("lib.js")), sites.installed(d, "lib.js"));
        assertEquals(1, d.traffic().exchanges("/blobs/" + lie.blob()).size(), "the patch was tried");
        assertEquals(1, d.traffic().exchanges("/blobs/" + lib.blob()).size(), "then lib.js came whole");
        JsonNode details = sites.downloadComplete(d, "1.2.0");
        assertEquals("0", details.path("patched").asText(), details.toString());
        assertEquals("1", details.path("patchFallbacks").asText(), details.toString());
        assertTrue(details.path("patchFallback").asText().startsWith("lib.js: the patched file does not match the"
                + " manifest's size and SHA-256"), details.toString());
    }

    @Test
    void aPatchBlobTheServerSwappedFallsBackToTheWholeFile() throws Exception {
        Path a = sites.site("1.1.0", 1);
        EmulatedDevice d = deviceOnA(a);
        Path b = sites.site("1.2.0", 2);
        SealedBundle sb = sites.publish(b, "1.2.0", 2, PatchSites.folders(a));
        PatchIndex.Entry patch = PatchSites.patch(sb, "lib.js",
                PatchSites.sha(Files.readAllBytes(a.resolve("lib.js"))));
        Manifest.File lib = PatchSites.file(sb, "lib.js");
        lab.serve("1.2.0");

        // The server (or a CDN in front of it) answers the patch blob with other bytes of the same length.
        d.faults().network().tamper("/blobs/" + patch.blob(), body -> {
            byte[] swapped = body.clone();
            swapped[swapped.length / 2] ^= 0x5a;
            return swapped;
        }, -1);
        PatchSites.relaunch(d, "1.2.0");
        assertArrayEquals(Files.readAllBytes(b.resolve("lib.js")), sites.installed(d, "lib.js"));
        assertEquals(1, d.traffic().exchanges("/blobs/" + lib.blob()).size(), "lib.js came whole");
        JsonNode details = sites.downloadComplete(d, "1.2.0");
        assertEquals("0", details.path("patched").asText(), details.toString());
        assertEquals("1", details.path("patchFallbacks").asText(), details.toString());
        assertTrue(details.path("patchFallback").asText().startsWith("lib.js: "), details.toString());
    }

    @Test
    void aPatchIndexChangedAfterSigningGetsTheReleaseRejected() throws Exception {
        Path a = sites.site("1.1.0", 1);
        EmulatedDevice edited = deviceOnA(a);
        EmulatedDevice swapped = sites.deviceOn("1.1.0");
        Path b = sites.site("1.2.0", 2);
        SealedBundle sb = sites.publish(b, "1.2.0", 2, PatchSites.folders(a));
        assertNotNull(sb.patches());
        lab.serve("1.2.0");

        // The release's patches field points at another index (digest edited, signature left as it was).
        UnaryOperator<ObjectNode> otherIndex = release -> {
            ObjectNode patches = (ObjectNode) release.path("release").path("patches");
            patches.put("plainSha256", "0".repeat(64));
            return release;
        };
        edited.faults().network().tamper("/updates", body -> {
            try {
                ObjectNode answer = (ObjectNode) Json.mapper().readTree(body);
                if (answer.has("release")) {
                    answer.set("release", otherIndex.apply((ObjectNode) answer.get("release")));
                }
                return answer.toString().getBytes(StandardCharsets.UTF_8);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, -1);
        edited.kill();
        edited.coldStart();
        edited.updater().awaitIdle(Duration.ofSeconds(20));
        // Refused before any download: by the freshness statement (it signs the digest of the release as published)
        // or, were the server's freshness key also in the attacker's hands, by the release signature.
        awaitLogged(edited, "event verifyFailed", "event freshnessFailed");
        assertTrue(edited.traffic().exchanges("/blobs/").isEmpty(), "nothing downloaded");
        assertReported(edited, "verify_fail", "freshness_fail");
        assertEquals("1.1.0", edited.state().current().version());
        assertTrue(edited.state().bundles().stream().noneMatch(x -> "1.2.0".equals(x.version())
                && "success".equals(x.status())), edited.state().bundles().toString());

        // The index blob itself swapped by the server: its signed digest does not match, the download fails.
        swapped.faults().network().tamper("/blobs/" + sb.patches().index().sha256(), body -> {
            byte[] other = body.clone();
            other[other.length - 1] ^= 1;
            return other;
        }, -1);
        swapped.kill();
        swapped.coldStart();
        swapped.updater().awaitIdle(Duration.ofSeconds(20));
        awaitLogged(swapped, "event downloadFailed", "event verifyFailed");
        assertEquals("1.1.0", swapped.state().current().version());
        assertReported(swapped, "download_fail", "verify_fail");
        assertTrue(swapped.state().bundles().stream().noneMatch(x -> "1.2.0".equals(x.version())
                && "success".equals(x.status())), swapped.state().bundles().toString());
        until(swapped, current("1.1.0", "success"));
    }

    /** The server's timeline of the device holds one of {@code actions} with a reason. */
    private void assertReported(EmulatedDevice d, String... actions) throws Exception {
        String id = d.updater().getDeviceId();
        long deadline = System.nanoTime() + Await.LONG.toNanos();
        while (true) {
            for (JsonNode e : lab.serverEvents(id)) {
                if (List.of(actions).contains(e.path("action").asText())
                        && !e.path("details").path("reason").asText().isEmpty()) {
                    return;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("none of " + List.of(actions) + " reported: " + lab.serverEvents(id));
            }
            Thread.sleep(50);
        }
    }

    /** Waits until the device's log holds one of {@code texts}. */
    private static void awaitLogged(EmulatedDevice d, String... texts) throws Exception {
        long deadline = System.nanoTime() + Await.LONG.toNanos();
        while (d.log().stream().noneMatch(e -> java.util.Arrays.stream(texts).anyMatch(e.message()::contains))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("none of " + List.of(texts) + " in the device log:\n" + d.tail(40));
            }
            Thread.sleep(50);
        }
    }
}
