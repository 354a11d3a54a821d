package dev.patchbay.harness;

import static dev.patchbay.harness.Await.current;
import static dev.patchbay.harness.Await.until;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patchbay.crypto.Manifest;
import dev.patchbay.crypto.PatchBases;
import dev.patchbay.crypto.PatchIndex;
import dev.patchbay.crypto.SealedBundle;
import dev.patchbay.updater.AutoUpdate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The sites, releases and devices of the binary patch scenarios (PatchScenarioTest, HostilePatchScenarioTest): a
 * site whose library changes a little in every release, sealed with patches and published to one app of a
 * {@link DeviceLab}, and emulated devices that run it.
 */
final class PatchSites {
    private final DeviceLab lab;

    PatchSites(DeviceLab lab) {
        this.lab = lab;
    }

    /** JavaScript-like text of a seeded vocabulary (deflates about 3:1, as real code). */
    static String code(long seed, int length) {
        String[] words = {"function", "return", "const", "let", "this.state", "props", "=>", "{", "}", "(", ")",
            "if", "else", "await", "render", "useEffect", "document", "window", "null", "map", "filter"};
        return dev.patchbay.testsupport.SeededScripts.text(words, seed, length);
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
}
