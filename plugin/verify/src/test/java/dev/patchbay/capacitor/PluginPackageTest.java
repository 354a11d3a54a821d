package dev.patchbay.capacitor;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.getcapacitor.PluginMethod;
import dev.patchbay.updater.js.PluginMethods;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.Test;

/** The packed npm package, the plugin's method table and the d8 result, as the build left them. */
public class PluginPackageTest {
    private static List<String> tarball() throws Exception {
        Path tgz = Path.of(System.getProperty("plugin.tarball"));
        assertTrue("npm pack ran: " + tgz, Files.exists(tgz));
        Process p = new ProcessBuilder("tar", "tzf", tgz.toString()).redirectErrorStream(true).start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        p.getInputStream().transferTo(out);
        assertEquals(0, p.waitFor());
        return Arrays.stream(out.toString(StandardCharsets.UTF_8).split("\n")).filter(s -> !s.isBlank()).sorted()
                .collect(Collectors.toList());
    }

    @Test
    public void theTarballHoldsTheJsTheAndroidLibraryAndTheRuntimeAndNothingElse() throws Exception {
        List<String> files = tarball();
        for (String f : List.of("package/package.json", "package/README.md", "package/dist/esm/index.js",
                "package/dist/esm/index.d.ts", "package/dist/esm/definitions.d.ts", "package/dist/esm/web.js",
                "package/android/build.gradle", "package/android/src/main/AndroidManifest.xml",
                "package/android/src/main/java/dev/patchbay/capacitor/PatchbayUpdaterPlugin.java",
                "package/android/src/main/java/dev/patchbay/capacitor/SharedPrefsStore.java",
                "package/android/libs/patchbay-updater-runtime.jar")) {
            assertTrue(f + " in " + files, files.contains(f));
        }
        for (String f : files) {
            assertTrue("unexpected " + f, f.equals("package/package.json") || f.equals("package/README.md")
                    || f.startsWith("package/dist/esm/") || f.equals("package/android/build.gradle")
                    || f.startsWith("package/android/src/main/") || f.equals(
                            "package/android/libs/patchbay-updater-runtime.jar"));
        }
    }

    @Test
    public void thePluginAnswersEveryMethodOfTheHarnessBridgesTable() {
        Set<String> declared = new TreeSet<>();
        for (Method m : PatchbayUpdaterPlugin.class.getMethods()) {
            if (m.isAnnotationPresent(PluginMethod.class)) {
                declared.add(m.getName());
            }
        }
        Set<String> table = new TreeSet<>(PluginMethods.all().keySet());
        assertTrue("every method of the table is a @PluginMethod: " + declared, declared.containsAll(table));
        declared.removeAll(table);
        // the others are what Capacitor's Plugin base class declares itself
        assertTrue(declared.toString(), Set.of("addListener", "removeListener", "removeAllListeners",
                "checkPermissions", "requestPermissions", "getPermissionStates").containsAll(declared));
    }

    @Test
    public void d8DexedPluginAndRuntimeFarBelowTheMethodLimit() throws Exception {
        Properties dex = new Properties();
        try (var in = Files.newInputStream(Path.of(System.getProperty("dex.report")))) {
            dex.load(in);
        }
        assertEquals("1", dex.getProperty("plugin_runtime.dex_files"));
        long methods = Long.parseLong(dex.getProperty("plugin_runtime.max_method_refs_per_dex"));
        assertTrue(methods + " method references", methods > 500 && methods < 65_536);
    }
}
