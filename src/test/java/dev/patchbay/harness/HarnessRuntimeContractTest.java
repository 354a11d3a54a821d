package dev.patchbay.harness;

import dev.patchbay.updater.contract.PortSet;
import dev.patchbay.updater.contract.RuntimeContract;
import dev.patchbay.updater.port.AppInfo;
import dev.patchbay.updater.port.Ports;
import dev.patchbay.updater.port.WebViewHost;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runtime's WebView-independent behaviours ({@link RuntimeContract}) on the harness's ports: its SharedPreferences
 * file format, files folder, HTTP and APK assets, each incarnation of the app a new {@link AppProcess} over the same
 * emulated disk. The same scenarios run on the plugin's Android ports in plugin/verify.
 */
class HarnessRuntimeContractTest {
    @TempDir
    Path tmp;

    private HarnessPorts ports;
    private RuntimeContract contract;

    @BeforeEach
    void start() throws Exception {
        ports = new HarnessPorts(tmp.resolve("device"));
        contract = new RuntimeContract(tmp, ports);
    }

    @AfterEach
    void stop() {
        if (contract != null) {
            contract.close();
        }
        ports.end();
        ports.shutdown();
    }

    @Test
    void updatesConfirmsAndTheConfirmedBundleSurvivesARestart() throws Exception {
        contract.updatesConfirmsAndTheConfirmedBundleSurvivesARestart();
    }

    @Test
    void aBundleNeverConfirmedRollsBackAtALaterStart() throws Exception {
        contract.aBundleNeverConfirmedRollsBackAtALaterStart();
    }

    @Test
    void anUnconfirmedBundleRollsBackWhenTheAppReadyTimeoutPasses() throws Exception {
        contract.anUnconfirmedBundleRollsBackWhenTheAppReadyTimeoutPasses();
    }

    @Test
    void aQueuedBundleIsInstalledAtTheNextStart() throws Exception {
        contract.aQueuedBundleIsInstalledAtTheNextStart();
    }

    @Test
    void aCorruptedDownloadIsRefused() throws Exception {
        contract.aCorruptedDownloadIsRefused();
    }

    /** The ports an {@link EmulatedDevice} gives each app process, over one app's data folder. */
    private static final class HarnessPorts implements PortSet {
        private final Path data;
        private final Path apkAssets;
        private final KillSwitch killSwitch = new KillSwitch();
        private final Faults faults = new Faults();
        private final ExecutorService pool = Executors.newCachedThreadPool();
        private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
        private final TimeSource time = TimeSource.real(timers);
        private int pids;
        private AppProcess process;

        HarnessPorts(Path data) throws Exception {
            this.data = data;
            this.apkAssets = Files.createDirectories(data.resolve("apk/public"));
            Files.writeString(apkAssets.resolve("index.html"), "<!doctype html><title>builtin 1.0.0</title>\n");
        }

        @Override
        public Ports start(WebViewHost webView) {
            process = new AppProcess(++pids, killSwitch, reason -> { });
            ProcessExecutor executor = new ProcessExecutor(pool, process, (msg, t) -> process.die("crashed: " + t));
            Path prefsDir = data.resolve("shared_prefs");
            return new Ports(new AppInfo("1.0.0", 10000, "android", "15", true, false),
                    new SharedPrefsFile(prefsDir, EmulatedDevice.PREFS, process, faults.disk(), false),
                    new SharedPrefsFile(prefsDir, EmulatedDevice.WEBVIEW_PREFS, process, faults.disk(), false),
                    new DeviceFileStore(data.resolve("files"), process, faults.disk(), false),
                    new ApkAssets(apkAssets), new DeviceHttp(faults.network(), process, m -> { }, new Traffic()),
                    new DeviceClock(time, faults, 0, process, executor), webView, executor);
        }

        @Override
        public void end() {
            if (process != null) {
                process.die("the test ended the process");
            }
        }

        void shutdown() {
            pool.shutdownNow();
            timers.shutdownNow();
        }
    }
}
