package dev.patchbay.console.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.patchbay.client.Device;
import dev.patchbay.console.ConsoleFixture;
import dev.patchbay.console.apps.AppsViewModel;
import dev.patchbay.console.bundles.BundlesViewModel;
import dev.patchbay.console.keys.AppKeyStore;
import dev.patchbay.console.keys.KeysViewModel;
import dev.patchbay.crypto.KeyFileOptions;
import dev.patchbay.domain.ChannelDraft;
import dev.patchbay.domain.Platform;
import dev.patchbay.harness.DeviceState;
import dev.patchbay.harness.LogEntry;
import dev.patchbay.updater.AutoUpdate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.function.BooleanSupplier;
import dev.patchbay.console.common.QueuedPostTaskRunner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Emulator view model without a stage, against a real sandbox server, real keys and real emulated devices with
 * the SIMULATED web layer (no WebView, no FX toolkit). Tasks run at once on the test thread; what devices report
 * from their threads is queued and applied when the test drains it, as the FX thread would.
 */
class EmulatorViewModelTest {
    static final String APP = "com.example.shop";
    static final String PASS = "correct horse battery";
    static final String UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

    @TempDir
    Path home;
    @TempDir
    Path work;

    private ConsoleFixture fx;
    private AppsViewModel apps;
    private AppKeyStore store;
    private QueuedPostTaskRunner tasks;
    private EmulatorViewModel vm;

    @BeforeEach
    void setUp() {
        fx = new ConsoleFixture(home);
        apps = new AppsViewModel(fx.connection, fx.data, fx.tasks);
        store = new AppKeyStore(home.resolve("keys"), KeyFileOptions.FAST);
        tasks = new QueuedPostTaskRunner();
        vm = new EmulatorViewModel(fx.connection, tasks, apps.apps(), store, home.resolve("emulator"),
                EmulatorViewModel.WebLayer.SIMULATED);
        fx.online();
        apps.startCreate();
        apps.formIdProperty().set(APP);
        apps.formNameProperty().set("Shop");
        apps.submit();
    }

    @AfterEach
    void tearDown() {
        vm.closeAll();
        store.lockAll();
        fx.close();
    }

    @Test
    void saysWhatIsMissingAndChecksTheFormInline() throws Exception {
        assertEquals(APP, vm.appProperty().get().id());
        vm.checkConfig();
        assertTrue(vm.configProblemProperty().get().contains("has no keys"), vm.configProblemProperty().get());
        vm.create();
        assertTrue(vm.messageProperty().get().contains("create them on the Keys page"), vm.messageProperty().get());

        store.create(APP, PASS.toCharArray());
        store.lockAll();
        vm.checkConfig();
        assertTrue(vm.configProblemProperty().get().contains("locked: unlock them on the Keys page"),
                vm.configProblemProperty().get());

        store.unlock(APP, PASS.toCharArray());
        vm.checkConfig();
        assertEquals("", vm.configProblemProperty().get());
        String rootId = store.trust(APP).orElseThrow().rootKeyId();
        assertTrue(vm.configProperty().get().contains(fx.connection.session().client().baseUrl()));
        assertTrue(vm.configProperty().get().contains(rootId), vm.configProperty().get());
        assertFalse(vm.serverTrustedProperty().get());
        assertTrue(vm.serverTrustProperty().get().contains("not trusted"), vm.serverTrustProperty().get());

        vm.form().nativeVersionProperty().set("1.0");
        vm.form().nativeBuildProperty().set("x");
        vm.form().appReadyTimeoutProperty().set("500");
        vm.form().channelProperty().set("Not a channel!");
        vm.create();
        assertFalse(vm.form().nativeVersionErrorProperty().get().isEmpty());
        assertFalse(vm.form().nativeBuildErrorProperty().get().isEmpty());
        assertTrue(vm.form().appReadyTimeoutErrorProperty().get().contains("1000"));
        assertFalse(vm.form().channelErrorProperty().get().isEmpty());
        assertTrue(vm.devices().isEmpty());

        vm.form().nativeVersionProperty().set("1.0.0");
        vm.form().nativeBuildProperty().set("100");
        vm.form().appReadyTimeoutProperty().set("10000");
        vm.form().channelProperty().set("");
        Path empty = Files.createDirectories(work.resolve("empty"));
        vm.form().assetsFolderProperty().set(empty);
        vm.create();
        assertTrue(vm.form().assetsErrorProperty().get().contains("no index.html"), vm.form().assetsErrorProperty().get());
        assertTrue(vm.devices().isEmpty());
    }

    @Test
    void aDeviceUpdatesToThePublishedBundleAndTheServerSaysTheSame() throws Exception {
        var client = fx.connection.session().client();
        client.createChannel(APP, ChannelDraft.named("production").withDefaultFor(Set.of(Platform.ANDROID)));
        KeysViewModel keys = new KeysViewModel(fx.connection, fx.tasks, apps.apps(), store);
        keys.create(PASS.toCharArray(), PASS.toCharArray());
        keys.registerTrust();
        assertTrue(keys.serverTrustedProperty().get(), keys.serverTrustProperty().get());
        BundlesViewModel bundles = new BundlesViewModel(fx.connection, fx.tasks, apps.apps(), store,
                home.resolve("tmp"));
        Path www = Files.createDirectories(work.resolve("www"));
        Files.writeString(www.resolve("index.html"), "<!doctype html><title>Shop 1.0.1</title>");
        bundles.publishForm().startPublish(www);
        bundles.publishForm().versionProperty().set("1.0.1");
        bundles.publishForm().channelProperty().set("production");
        bundles.publishForm().publish(PASS.toCharArray());
        assertEquals("", bundles.publishForm().formErrorProperty().get());

        vm.checkConfig();
        assertTrue(vm.serverTrustedProperty().get(), vm.serverTrustProperty().get());
        vm.form().autoUpdateProperty().set(AutoUpdate.ALWAYS);
        vm.create();
        assertEquals("", vm.messageProperty().get());
        assertEquals(1, vm.devices().size());
        DeviceItem d = vm.selectedProperty().get();
        assertTrue(d.deviceId().matches(UUID), "the device's one name is its device id: " + d.deviceId());
        assertTrue(Files.isDirectory(home.resolve("emulator/sandbox/devices/" + d.deviceId())));
        tasks.drain();
        assertTrue(vm.state().processProperty().get().contains("stopped"), vm.state().processProperty().get());
        assertTrue(vm.state().currentBundleProperty().get().startsWith("1.0.0 (builtin)"), vm.state().currentBundleProperty().get());
        assertEquals("The server has not heard from device " + d.deviceId() + " yet: cold start it.",
                vm.server().statusProperty().get());

        vm.coldStart();
        assertEquals("", vm.messageProperty().get());
        d.device().await(s -> "1.0.1".equals(s.currentVersion()) && "success".equals(s.current().status()),
                Duration.ofSeconds(20));
        tasks.drain();
        assertTrue(vm.state().currentBundleProperty().get().startsWith("1.0.1 – success"), vm.state().currentBundleProperty().get());
        DeviceStateView.BundleRow row = vm.state().bundles().stream().filter(r -> r.version().equals("1.0.1"))
                .findFirst().orElseThrow();
        assertEquals("success", row.status());
        assertTrue(row.role().contains("current"), row.role());
        assertTrue(d.log().stream().map(LogEntry::message).anyMatch(m -> m.startsWith("cold start")));

        // The runtime reports its events (app_ready among them) at lifecycle moments and after checks.
        vm.background();
        waitFor(() -> {
            vm.server().refresh();
            Device s = vm.server().deviceProperty().get();
            return s != null && "1.0.1".equals(s.currentBundle()) && s.bundles().stream()
                    .anyMatch(b -> b.bundle().equals("1.0.1") && b.state().equals("success"));
        });
        assertEquals("production (default)", vm.server().channelProperty().get());
        assertTrue(vm.server().bundleProperty().get().startsWith("1.0.1"), vm.server().bundleProperty().get());
        assertTrue(vm.server().bundlesProperty().get().contains("1.0.1 success"), vm.server().bundlesProperty().get());
        assertFalse(vm.server().lastCheckProperty().get().isEmpty());
        assertEquals(d.deviceId(), vm.server().deviceProperty().get().deviceId(), "the server knows it by that name");
        assertEquals(d.deviceId(), d.device().readPrefs("CapacitorUpdater").get("deviceId"));
    }

    @Test
    void devicesComeBackAfterARestartWithTheirIdsAndTheKeysTheyEmbed() throws Exception {
        var client = fx.connection.session().client();
        client.createChannel(APP, ChannelDraft.named("production").withDefaultFor(Set.of(Platform.ANDROID)));
        KeysViewModel keys = new KeysViewModel(fx.connection, fx.tasks, apps.apps(), store);
        keys.create(PASS.toCharArray(), PASS.toCharArray());
        keys.registerTrust();
        vm.checkConfig();
        vm.form().autoUpdateProperty().set(AutoUpdate.ALWAYS);
        vm.create();
        DeviceItem first = vm.selectedProperty().get();
        vm.form().webLayerProperty().set(EmulatorViewModel.WebLayer.SIMULATED);
        vm.create();
        DeviceItem second = vm.selectedProperty().get();
        vm.coldStart();
        second.device().await(DeviceState::running, Duration.ofSeconds(10));
        vm.upgradeVersionProperty().set("1.1.0");
        vm.upgradeBuildProperty().set("110");
        vm.nativeUpgrade();
        assertEquals("", vm.messageProperty().get());
        Path manifest = second.device().folder().resolve(EmulatorDevices.MANIFEST);
        if (manifest.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(manifest)), "it holds the content key the app embeds");
        }
        Path strange = Files.createDirectories(manifest.getParent().getParent().resolve("not-a-device"));
        Files.writeString(strange.resolve(EmulatorDevices.MANIFEST), "{ half");

        // The console quits (devices closed, keys locked); a bundle is published meanwhile.
        vm.closeAll();
        BundlesViewModel bundles = new BundlesViewModel(fx.connection, fx.tasks, apps.apps(), store,
                home.resolve("tmp"));
        Path www = Files.createDirectories(work.resolve("www"));
        Files.writeString(www.resolve("index.html"), "<!doctype html><title>Shop 1.0.1</title>");
        bundles.publishForm().startPublish(www);
        bundles.publishForm().versionProperty().set("1.0.1");
        bundles.publishForm().channelProperty().set("production");
        bundles.publishForm().publish(PASS.toCharArray());
        assertEquals("", bundles.publishForm().formErrorProperty().get());
        store.lockAll();

        // The next session: the same devices, stopped, with the same ids, the upgraded native version, and the
        // content key they embed (they decrypt the new bundle although the console's keys are locked).
        vm = new EmulatorViewModel(fx.connection, tasks, apps.apps(), store, home.resolve("emulator"),
                EmulatorViewModel.WebLayer.SIMULATED);
        tasks.drain();
        assertEquals(java.util.List.of(first.deviceId(), second.deviceId()),
                vm.devices().stream().map(DeviceItem::deviceId).toList());
        assertTrue(vm.messageProperty().get().contains("not-a-device cannot be resumed"),
                vm.messageProperty().get());
        assertTrue(Files.exists(strange), "a folder it cannot read is kept");
        DeviceItem back = vm.devices().get(1);
        vm.selectedProperty().set(back);
        tasks.drain();
        assertEquals(DeviceState.ProcessState.STOPPED, back.state().process());
        assertEquals("1.1.0", back.state().nativeVersion());
        assertEquals(110, back.state().nativeBuild());
        vm.coldStart();
        assertEquals("", vm.messageProperty().get());
        back.device().await(s -> "1.0.1".equals(s.currentVersion()) && "success".equals(s.current().status()),
                Duration.ofSeconds(20));
        waitFor(() -> {
            vm.server().refresh();
            Device s = vm.server().deviceProperty().get();
            return s != null && second.deviceId().equals(s.deviceId()) && "1.0.1".equals(s.currentBundle());
        });
    }

    @Test
    void lifecycleFaultsPerDeviceNativeUpgradeAndRemove() throws Exception {
        store.create(APP, PASS.toCharArray());
        vm.checkConfig();
        vm.create();
        DeviceItem first = vm.selectedProperty().get();
        vm.create();
        DeviceItem second = vm.selectedProperty().get();
        assertFalse(first.deviceId().equals(second.deviceId()));
        assertEquals(2, vm.devices().size());

        vm.offlineProperty().set(true);
        vm.diskFullProperty().set(true);
        assertTrue(second.device().faults().network().offline());
        assertTrue(second.device().faults().disk().limited());
        assertTrue(vm.state().activeFaultsProperty().get().contains("offline"), vm.state().activeFaultsProperty().get());
        vm.selectedProperty().set(first);
        assertFalse(vm.offlineProperty().get(), "the toggles show the selected device's faults");
        assertFalse(first.device().faults().network().offline());
        vm.clockSkewProperty().set(true);
        assertEquals(Duration.ofDays(365), first.device().faults().clockSkew());
        vm.selectedProperty().set(second);
        assertTrue(vm.offlineProperty().get() && vm.diskFullProperty().get() && !vm.clockSkewProperty().get());
        vm.offlineProperty().set(false);
        vm.diskFullProperty().set(false);
        assertTrue(second.device().faults().describe().isEmpty(), second.device().faults().describe().toString());

        vm.coldStart();
        second.device().await(DeviceState::running, Duration.ofSeconds(10));
        vm.background();
        tasks.drain();
        assertEquals(DeviceState.ProcessState.BACKGROUND, second.device().state().process());
        vm.foreground();
        vm.kill();
        tasks.drain();
        assertTrue(vm.state().processProperty().get().contains("stopped"), vm.state().processProperty().get());

        assertEquals("1.1.0", vm.upgradeVersionProperty().get(), "suggests the next minor version");
        assertEquals("101", vm.upgradeBuildProperty().get());
        vm.upgradeVersionProperty().set("two");
        vm.nativeUpgrade();
        assertFalse(vm.upgradeErrorProperty().get().isEmpty());
        vm.upgradeVersionProperty().set("1.1.0");
        vm.nativeUpgrade();
        assertEquals("", vm.messageProperty().get());
        assertEquals("1.1.0", second.device().state().nativeVersion());
        assertTrue(Files.readString(second.device().folder().resolve("data/app/" + APP + "/assets/public/index.html"))
                .contains("native version 1.1.0"));
        vm.reboot();
        assertEquals("", vm.messageProperty().get());

        Path folder = second.device().folder();
        vm.removeSelected();
        assertFalse(Files.exists(folder));
        assertEquals(1, vm.devices().size());
        assertEquals(first, vm.selectedProperty().get());
        assertNull(vm.server().deviceProperty().get());
        assertNotNull(first.state());
    }

    private void waitFor(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (true) {
            tasks.drain();
            if (condition.getAsBoolean()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met; server: " + vm.server().statusProperty().get() + " "
                        + vm.server().deviceProperty().get());
            }
            Thread.sleep(100);
        }
    }
}
