package dev.patchbay.console.bundles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.patchbay.cli.Cli;
import dev.patchbay.console.ConsoleFixture;
import dev.patchbay.console.apps.AppsViewModel;
import dev.patchbay.console.channels.ChannelsViewModel;
import dev.patchbay.console.keys.AppKeyStore;
import dev.patchbay.crypto.KeyFileOptions;
import dev.patchbay.domain.Bundle;
import dev.patchbay.domain.ChannelDraft;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Bundles view model against a real sandbox server, without a stage (low scrypt cost). */
class BundlesViewModelTest {
    static final String APP = "com.example.shop";
    static final String PASS = "correct horse battery";

    @TempDir
    Path home;
    @TempDir
    Path work;

    private ConsoleFixture fx;
    private AppKeyStore store;
    private BundlesViewModel vm;
    private AppsViewModel apps;

    @BeforeEach
    void setUp() {
        fx = new ConsoleFixture(home);
        apps = new AppsViewModel(fx.connection, fx.data, fx.tasks);
        store = new AppKeyStore(home.resolve("keys"), KeyFileOptions.FAST);
        vm = new BundlesViewModel(fx.connection, fx.tasks, apps.apps(), store, home.resolve("tmp"));
        fx.online();
        apps.startCreate();
        apps.formIdProperty().set(APP);
        apps.formNameProperty().set("Shop");
        apps.submit();
        fx.connection.session().client().createChannel(APP, ChannelDraft.named("production"));
        store.create(APP, PASS.toCharArray());
        store.lockAll();
    }

    @AfterEach
    void tearDown() {
        store.lockAll();
        fx.close();
    }

    /** A web build: index.html, app.js and {@code big} files of 256 KiB random bytes. */
    private Path build(String name, String js, int big) throws Exception {
        Path dir = work.resolve(name);
        Files.createDirectories(dir.resolve("assets"));
        Files.writeString(dir.resolve("index.html"), "<!doctype html><script src=app.js></script>");
        Files.writeString(dir.resolve("app.js"), js);
        Random r = new Random(42);
        for (int i = 0; i < big; i++) {
            byte[] b = new byte[256 * 1024];
            r.nextBytes(b);
            Files.write(dir.resolve("assets/blob" + i + ".bin"), b);
        }
        return dir;
    }

    @Test
    void publishesAFolderWithProgressToOneHundredPercentAndShowsManifestAndDiff() throws Exception {
        Path v1 = build("v1", "console.log(1)", 2);
        vm.publishForm().startPublish(v1);
        assertEquals("1.0.0", vm.publishForm().versionProperty().get(), "suggested version with no bundles");
        List<Double> progress = new ArrayList<>();
        vm.publishForm().progressProperty().addListener((obs, old, now) -> progress.add(now.doubleValue()));
        vm.publishForm().channelProperty().set("production");
        char[] pass = PASS.toCharArray();
        vm.publishForm().publish(pass);
        assertEquals("", vm.publishForm().formErrorProperty().get());
        assertEquals("", vm.publishForm().sourceErrorProperty().get());
        assertEquals(new String(new char[pass.length]), new String(pass), "passphrase wiped");
        assertFalse(vm.publishForm().formOpenProperty().get());
        assertFalse(vm.publishForm().publishingProperty().get());
        assertEquals(1.0, progress.get(progress.size() - 1));
        assertTrue(progress.stream().anyMatch(p -> p > 0 && p < 1), "intermediate progress: " + progress);
        assertEquals(vm.publishForm().bytesTotalProperty().get(), vm.publishForm().bytesDoneProperty().get());
        assertTrue(vm.publishForm().bytesTotalProperty().get() > 512 * 1024);
        assertTrue(vm.publishForm().progressTextProperty().get().contains(" of "), vm.publishForm().progressTextProperty().get());

        assertEquals(1, vm.bundles().size());
        Bundle b1 = vm.bundles().get(0);
        assertEquals("1.0.0", b1.version());
        assertEquals(4, b1.fileCount());
        assertEquals(List.of("production"), b1.channels());
        assertEquals(store.trust(APP).orElseThrow().releaseCerts().get(0).keyId(), b1.releaseKeyId());
        assertEquals("production: 1.0.0", "production: "
                + fx.connection.session().client().getChannel(APP, "production").bundle());
        try (var s = Files.list(home.resolve("tmp"))) {
            assertEquals(0, s.count(), "sealed blobs deleted after the upload");
        }

        // The Keys page shows which bundles the release key signed.
        var keysVm = new dev.patchbay.console.keys.KeysViewModel(fx.connection, fx.tasks, apps.apps(), store);
        assertEquals(List.of("1.0.0"), keysVm.certs().get(0).bundles());

        // The selected (new) bundle's manifest needs the content key: unlock, wrong passphrase first.
        assertEquals("1.0.0", vm.selectedProperty().get().version());
        store.lockAll();
        vm.selectedProperty().set(null);
        vm.selectedProperty().set(b1);
        assertTrue(vm.needsUnlockProperty().get());
        vm.unlockDetail("wrong passphrase!".toCharArray());
        assertTrue(vm.detailPassphraseErrorProperty().get().startsWith("Wrong passphrase"));
        vm.unlockDetail(PASS.toCharArray());
        assertEquals("", vm.manifestMessageProperty().get());
        assertEquals(List.of("app.js", "assets/blob0.bin", "assets/blob1.bin", "index.html"),
                vm.manifest().stream().map(BundlesViewModel.ManifestRow::path).toList());
        assertEquals(64, vm.manifest().get(0).sha256().length());

        // A second version: app.js changes, one asset goes, index.html stays.
        Path v2 = build("v2", "console.log(2)", 1);
        vm.publishForm().startPublish(v2);
        assertEquals("1.0.1", vm.publishForm().versionProperty().get(), "next patch of the newest");
        vm.publishForm().publish(PASS.toCharArray());
        assertEquals(2, vm.bundles().size());
        assertEquals("1.0.1", vm.selectedProperty().get().version());
        vm.compareToProperty().set(vm.bundles().stream().filter(b -> b.version().equals("1.0.0")).findFirst().orElseThrow());
        assertNotNull(vm.diffProperty().get(), vm.manifestMessageProperty().get());
        assertEquals(List.of(), vm.diffProperty().get().added());
        assertEquals(List.of("app.js"), vm.diffProperty().get().changed());
        assertEquals(List.of("assets/blob1.bin"), vm.diffProperty().get().removed());
        assertTrue(vm.diffProperty().get().downloadBytes() < 10_000, "unchanged files are not downloaded again");
        assertTrue(vm.diffTextProperty().get().contains("1 changed"), vm.diffTextProperty().get());
        assertFalse(Files.exists(home.resolve("manifests")), "manifests come from the server, no local copies");
    }

    /** Runs the CLI in-process against the sandbox, with its own copy of the app's key folder. */
    private void cliPublish(Path keysCopy, Path web, String version) throws Exception {
        var endpoint = fx.sandbox.start();
        Map<String, String> env = Map.of("PATCHBAY_SERVER", endpoint.url(), "PATCHBAY_API_KEY", endpoint.apiKey(),
                "PATCHBAY_KEY_PASSPHRASE", PASS);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Cli.run(new String[] {"bundle", "publish", web.toString(), "--app", APP, "--version", version,
                "--keys", keysCopy.toString(), "--quiet"}, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), env);
        assertEquals(0, code, err.toString(StandardCharsets.UTF_8) + out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void bundlesPublishedByTheCliWithAnotherKeyFolderCopyAreListedAndDiffed() throws Exception {
        // The same keys in a second folder, as a CI machine would hold them; nothing is shared but the server.
        Path cliKeys = work.resolve("ci-keys");
        Files.createDirectories(cliKeys);
        try (Stream<Path> files = Files.list(store.dir(APP))) {
            for (Path f : files.toList()) {
                Files.copy(f, cliKeys.resolve(f.getFileName()));
            }
        }
        cliPublish(cliKeys, build("ci1", "console.log(1)", 2), "2.0.0");
        cliPublish(cliKeys, build("ci2", "console.log(2)", 2), "2.0.1");
        assertFalse(Files.exists(cliKeys.resolve("manifests")), "the CLI keeps no manifest copies either");

        vm.reload();
        assertEquals(List.of("2.0.1", "2.0.0"), vm.bundles().stream().map(Bundle::version).toList());
        vm.selectedProperty().set(vm.bundles().get(0));
        assertTrue(vm.needsUnlockProperty().get());
        vm.unlockDetail(PASS.toCharArray());
        assertEquals("", vm.manifestMessageProperty().get());
        assertEquals(List.of("app.js", "assets/blob0.bin", "assets/blob1.bin", "index.html"),
                vm.manifest().stream().map(BundlesViewModel.ManifestRow::path).toList());
        vm.compareToProperty().set(vm.bundles().get(1));
        assertNotNull(vm.diffProperty().get(), vm.manifestMessageProperty().get());
        assertEquals(List.of("app.js"), vm.diffProperty().get().changed());
        assertEquals(List.of(), vm.diffProperty().get().added());
        assertEquals(List.of(), vm.diffProperty().get().removed());
    }

    @Test
    void inputErrorsAreInlineAndNamed() throws Exception {
        // No index.html.
        Path noIndex = work.resolve("noindex");
        Files.createDirectories(noIndex);
        Files.writeString(noIndex.resolve("app.js"), "x");
        vm.publishForm().startPublish(noIndex);
        vm.publishForm().versionProperty().set("1.2");
        vm.publishForm().publish(new char[0]);
        assertTrue(vm.publishForm().versionErrorProperty().get().contains("semantic"));
        assertTrue(vm.publishForm().passphraseErrorProperty().get().contains("passphrase"));
        vm.publishForm().versionProperty().set("1.2.0");
        vm.publishForm().publish(PASS.toCharArray());
        assertTrue(vm.publishForm().sourceErrorProperty().get().contains("index.html"), vm.publishForm().sourceErrorProperty().get());

        // A hostile zip (zip-slip).
        Path zip = work.resolve("evil.zip");
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(zip))) {
            z.putNextEntry(new ZipEntry("index.html"));
            z.write("<html>".getBytes(StandardCharsets.UTF_8));
            z.putNextEntry(new ZipEntry("../../etc/evil.js"));
            z.write("x".getBytes(StandardCharsets.UTF_8));
        }
        vm.publishForm().startPublish(zip);
        vm.publishForm().publish(PASS.toCharArray());
        assertTrue(vm.publishForm().sourceErrorProperty().get().contains("evil.js"), vm.publishForm().sourceErrorProperty().get());

        // Wrong passphrase.
        vm.publishForm().startPublish(build("ok", "1", 0));
        vm.publishForm().publish("not the passphrase".toCharArray());
        assertTrue(vm.publishForm().passphraseErrorProperty().get().startsWith("Wrong passphrase"));
        assertEquals(0, fx.connection.session().client().listBundles(APP).size());

        // The version exists.
        vm.publishForm().publish(PASS.toCharArray());
        assertEquals(1, vm.bundles().size());
        vm.publishForm().startPublish(build("ok2", "2", 0));
        vm.publishForm().versionProperty().set("1.0.0");
        vm.publishForm().publish(PASS.toCharArray());
        assertTrue(vm.publishForm().versionErrorProperty().get().contains("already"), vm.publishForm().versionErrorProperty().get());
    }

    @Test
    void cancelMidUploadLeavesNoBundleAndNoTempFiles() throws Exception {
        Path dir = build("big", "x", 6);
        vm.publishForm().startPublish(dir);
        vm.publishForm().bytesDoneProperty().addListener((obs, old, now) -> {
            if (now.longValue() > 0 && now.longValue() < vm.publishForm().bytesTotalProperty().get()) {
                vm.publishForm().cancelPublish();
            }
        });
        vm.publishForm().publish(PASS.toCharArray());
        assertTrue(vm.publishForm().formErrorProperty().get().contains("cancelled"), vm.publishForm().formErrorProperty().get());
        assertTrue(vm.publishForm().bytesDoneProperty().get() < vm.publishForm().bytesTotalProperty().get());
        assertFalse(vm.publishForm().publishingProperty().get());
        assertTrue(vm.publishForm().formOpenProperty().get(), "the form stays open to try again");
        assertEquals(0, fx.connection.session().client().listBundles(APP).size());
        try (var s = Files.list(home.resolve("tmp"))) {
            assertEquals(0, s.count(), "sealed blobs deleted");
        }
    }

    @Test
    void cancelWhileSealingStopsBeforeAnyUploadAndDeletesWhatWasSealed() throws Exception {
        Path dir = build("sealing", "x", 12);
        vm.publishForm().startPublish(dir);
        List<String> seen = new ArrayList<>();
        vm.publishForm().phases().addListener((javafx.collections.ListChangeListener<String>) c -> {
            seen.clear();
            seen.addAll(c.getList());
        });
        vm.publishForm().progressProperty().addListener((obs, old, now) -> {
            if (now.doubleValue() > 0 && now.doubleValue() < 1 && !seen.isEmpty()
                    && seen.get(seen.size() - 1).equals("Compressing and sealing")) {
                vm.publishForm().cancelPublish(); // some files sealed, others not yet
            }
        });
        vm.publishForm().publish(PASS.toCharArray());
        assertTrue(vm.publishForm().formErrorProperty().get().contains("cancelled"),
                vm.publishForm().formErrorProperty().get());
        assertEquals(List.of("Reading", "Unlocking keys", "Checking the server", "Compressing and sealing"), seen);
        assertFalse(vm.publishForm().publishingProperty().get());
        assertEquals(0, fx.connection.session().client().listBundles(APP).size());
        try (var s = Files.list(home.resolve("tmp"))) {
            assertEquals(0, s.count(), "sealed blobs deleted");
        }
    }

    @Test
    void channelsFormPointsAChannelAtABundleAndBack() throws Exception {
        vm.publishForm().startPublish(build("v1", "1", 0));
        vm.publishForm().publish(PASS.toCharArray());
        ChannelsViewModel channels = new ChannelsViewModel(fx.connection, fx.data, fx.tasks, apps.apps(), apps::refresh);
        channels.appProperty().set(apps.apps().get(0));
        channels.selectedProperty().set(channels.channels().get(0));
        channels.startEdit();
        assertEquals(List.of("", "1.0.0"), List.copyOf(channels.bundleChoices()));
        assertEquals("", channels.formBundleProperty().get());
        channels.formBundleProperty().set("1.0.0");
        channels.submit();
        assertEquals("", channels.formErrorProperty().get());
        assertEquals("1.0.0", channels.channels().get(0).bundle());
        vm.reload();
        assertEquals(List.of("production"), vm.bundles().get(0).channels());

        channels.selectedProperty().set(channels.channels().get(0));
        channels.startEdit();
        assertEquals("1.0.0", channels.formBundleProperty().get());
        channels.formBundleProperty().set("");
        channels.submit();
        assertEquals(null, channels.channels().get(0).bundle(), "back to the builtin assets");
    }

    @Test
    void theSuggestedVersionSkipsRollbackReleases() {
        java.time.Instant t = java.time.Instant.now();
        vm.bundles().setAll(
                new dev.patchbay.domain.Bundle(APP, "1.4.0+rollback.3", 3, t, t, 1, 1, "k", List.of(), null, "1.4.0"),
                new dev.patchbay.domain.Bundle(APP, "1.5.0", 2, t, t, 1, 1, "k", List.of(), null, null),
                new dev.patchbay.domain.Bundle(APP, "1.4.0", 1, t, t, 1, 1, "k", List.of(), null, null));
        assertEquals("1.5.1", vm.publishForm().suggestVersion());
        vm.bundles().setAll(
                new dev.patchbay.domain.Bundle(APP, "1.4.0+rollback.3", 3, t, t, 1, 1, "k", List.of(), null, "1.4.0"));
        assertEquals("1.0.0", vm.publishForm().suggestVersion());
    }
}
