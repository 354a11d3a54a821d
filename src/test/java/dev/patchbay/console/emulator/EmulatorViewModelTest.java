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

        vm.nativeVersionProperty().set("1.0");
        vm.nativeBuildProperty().set("x");
        vm.appReadyTimeoutProperty().set("500");
        vm.channelProperty().set("Not a channel!");
        vm.create();
        assertFalse(vm.nativeVersionErrorProperty().get().isEmpty());
        assertFalse(vm.nativeBuildErrorProperty().get().isEmpty());
        assertTrue(vm.appReadyTimeoutErrorProperty().get().contains("1000"));
        assertFalse(vm.channelErrorProperty().get().isEmpty());
        assertTrue(vm.devices().isEmpty());

        vm.nativeVersionProperty().set("1.0.0");
        vm.nativeBuildProperty().set("100");
        vm.appReadyTimeoutProperty().set("10000");
        vm.channelProperty().set("");
        Path empty = Files.createDirectories(work.resolve("empty"));
        vm.assetsFolderProperty().set(empty);
        vm.create();
        assertTrue(vm.assetsErrorProperty().get().contains("no index.html"), vm.assetsErrorProperty().get());
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
        vm.autoUpdateProperty().set(AutoUpdate.ALWAYS);
        vm.create();
        assertEquals("", vm.messageProperty().get());
        assertEquals(1, vm.devices().size());
        DeviceItem d = vm.selectedProperty().get();
        assertEquals("emulator-5554", d.serial());
        assertTrue(Files.isDirectory(home.resolve("emulator/sandbox/devices/emulator-5554")));
        tasks.drain();
        assertTrue(vm.processProperty().get().contains("stopped"), vm.processProperty().get());
        assertTrue(vm.currentBundleProperty().get().startsWith("1.0.0 (builtin)"), vm.currentBundleProperty().get());
        assertEquals("The device has no id yet: cold start it.", vm.serverStatusProperty().get());

        vm.coldStart();
        assertEquals("", vm.messageProperty().get());
        d.device().await(s -> "1.0.1".equals(s.currentVersion()) && "success".equals(s.current().status()),
                Duration.ofSeconds(20));
        tasks.drain();
        assertTrue(vm.currentBundleProperty().get().startsWith("1.0.1 – success"), vm.currentBundleProperty().get());
        EmulatorViewModel.BundleRow row = vm.bundles().stream().filter(r -> r.version().equals("1.0.1"))
                .findFirst().orElseThrow();
        assertEquals("success", row.status());
        assertTrue(row.role().contains("current"), row.role());
        assertTrue(d.log().stream().map(LogEntry::message).anyMatch(m -> m.startsWith("cold start")));

        // The runtime reports its events (app_ready among them) at lifecycle moments and after checks.
        vm.background();
        waitFor(() -> {
            vm.refreshServerView();
            Device s = vm.serverDeviceProperty().get();
            return s != null && "1.0.1".equals(s.currentBundle()) && s.bundles().stream()
                    .anyMatch(b -> b.bundle().equals("1.0.1") && b.state().equals("success"));
        });
        assertEquals("production (default)", vm.serverChannelProperty().get());
        assertTrue(vm.serverBundleProperty().get().startsWith("1.0.1"), vm.serverBundleProperty().get());
        assertTrue(vm.serverBundlesProperty().get().contains("1.0.1 success"), vm.serverBundlesProperty().get());
        assertFalse(vm.serverLastCheckProperty().get().isEmpty());
    }

    @Test
    void lifecycleFaultsPerDeviceNativeUpgradeAndRemove() throws Exception {
        store.create(APP, PASS.toCharArray());
        vm.checkConfig();
        vm.create();
        DeviceItem first = vm.selectedProperty().get();
        vm.create();
        DeviceItem second = vm.selectedProperty().get();
        assertEquals("emulator-5556", second.serial());
        assertEquals(2, vm.devices().size());

        vm.offlineProperty().set(true);
        vm.diskFullProperty().set(true);
        assertTrue(second.device().faults().network().offline());
        assertTrue(second.device().faults().disk().limited());
        assertTrue(vm.activeFaultsProperty().get().contains("offline"), vm.activeFaultsProperty().get());
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
        assertTrue(vm.processProperty().get().contains("stopped"), vm.processProperty().get());

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
        assertNull(vm.serverDeviceProperty().get());
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
                throw new AssertionError("condition not met; server: " + vm.serverStatusProperty().get() + " "
                        + vm.serverDeviceProperty().get());
            }
            Thread.sleep(100);
        }
    }
}
