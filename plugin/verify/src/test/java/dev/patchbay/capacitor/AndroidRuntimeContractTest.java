package dev.patchbay.capacitor;

import static org.junit.Assert.assertNotSame;

import android.app.Application;
import android.content.Context;
import dev.patchbay.updater.contract.PortSet;
import dev.patchbay.updater.contract.RuntimeContract;
import dev.patchbay.updater.port.Ports;
import dev.patchbay.updater.port.WebViewHost;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.junit.runner.RunWith;
import org.robolectric.RobolectricTestRunner;
import org.robolectric.RuntimeEnvironment;
import org.robolectric.annotation.Config;
import org.robolectric.util.ReflectionHelpers;

/**
 * The runtime's WebView-independent behaviours ({@link RuntimeContract}) on the plugin's Android ports under
 * Robolectric (SDK 35): Android's real {@code SharedPreferencesImpl} files, the app's files folder,
 * {@code HttpURLConnection}, the APK's {@code public/} assets and the package's versionName. The same scenarios run
 * on the harness's ports in the root build ({@code HarnessRuntimeContractTest}).
 */
@RunWith(RobolectricTestRunner.class)
@Config(sdk = 35)
public class AndroidRuntimeContractTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private AppProcesses ports;
    private RuntimeContract contract;

    @Before
    public void start() throws Exception {
        ProcessRuntime.end();
        ports = new AppProcesses(RuntimeEnvironment.getApplication());
        contract = new RuntimeContract(tmp.newFolder("contract").toPath(), ports);
    }

    @After
    public void stop() {
        if (contract != null) {
            contract.close();
        }
        ports.end();
    }

    @Test
    public void updatesConfirmsAndTheConfirmedBundleSurvivesARestart() throws Exception {
        contract.updatesConfirmsAndTheConfirmedBundleSurvivesARestart();
    }

    @Test
    public void aBundleNeverConfirmedRollsBackAtALaterStart() throws Exception {
        contract.aBundleNeverConfirmedRollsBackAtALaterStart();
    }

    @Test
    public void anUnconfirmedBundleRollsBackWhenTheAppReadyTimeoutPasses() throws Exception {
        contract.anUnconfirmedBundleRollsBackWhenTheAppReadyTimeoutPasses();
    }

    @Test
    public void aQueuedBundleIsInstalledAtTheNextStart() throws Exception {
        contract.aQueuedBundleIsInstalledAtTheNextStart();
    }

    @Test
    public void aCorruptedDownloadIsRefused() throws Exception {
        contract.aCorruptedDownloadIsRefused();
    }

    /**
     * The plugin's {@link AndroidPorts}, a new set per app process. A process restart also drops the framework's
     * in-memory SharedPreferences cache, so the next process reads the preferences back from their XML files as a
     * new process would (not from the dead one's memory). The WebView port is the contract's.
     */
    private static final class AppProcesses implements PortSet {
        private final Application app;
        private AndroidPorts current;
        private Object lastPrefs;

        AppProcesses(Application app) {
            this.app = app;
        }

        @Override
        public Ports start(WebViewHost webView) {
            Object prefs = app.getSharedPreferences(AndroidPorts.PREFS, Context.MODE_PRIVATE);
            if (lastPrefs != null) {
                assertNotSame("a new process reads its preferences from the file", lastPrefs, prefs);
            }
            lastPrefs = prefs;
            current = new AndroidPorts(app);
            Ports p = current.ports;
            return new Ports(p.app(), p.prefs(), p.webViewSettings(), p.files(), p.builtin(), p.http(), p.clock(),
                    webView, p.background());
        }

        @Override
        public void end() {
            if (current != null) {
                current.shutdown();
                current = null;
                try {
                    ReflectionHelpers.setStaticField(Class.forName("android.app.ContextImpl"), "sSharedPrefsCache",
                            null);
                } catch (ClassNotFoundException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
    }
}
