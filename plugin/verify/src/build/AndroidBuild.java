import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * The build steps of the Capacitor plugin's Android verification that Maven has no plugin for, run by the verify
 * module's pom with {@code java AndroidBuild.java <step> ...} (JDK only, no dependencies):
 *
 * <ul>
 *   <li>{@code android DEPS OUT CAPACITOR_VERSION}: fetches {@code @capacitor/android} with {@code npm pack}, takes
 *       {@code classes.jar} and {@code res/} out of each androidx {@code .aar} in DEPS, generates the {@code R}
 *       classes with aapt2 (android-all as android.jar), compiles Capacitor's Java sources, and writes
 *       OUT/android-libs.jar (androidx + Capacitor + R) and the test app's resource APK for Robolectric;</li>
 *   <li>{@code dex DEPS OUT PLUGIN_CLASSES RUNTIME_JAR ROOT_LIB}: dexes plugin + runtime with d8 at --min-api 24
 *       (fails the build if d8 does) and writes OUT/dex-report.properties (sizes, method counts);</li>
 *   <li>{@code pack PLUGIN_DIR OUT RUNTIME_JAR}: builds the npm package (tsc) with the runtime jar in
 *       android/libs and runs {@code npm pack}.</li>
 * </ul>
 * Every step keeps its results under OUT and skips work whose result is there already.
 */
public class AndroidBuild {
    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "android" -> android(Path.of(args[1]), Path.of(args[2]), args[3]);
            case "dex" -> dex(Path.of(args[1]), Path.of(args[2]), Path.of(args[3]), Path.of(args[4]), Path.of(args[5]));
            case "pack" -> pack(Path.of(args[1]), Path.of(args[2]), Path.of(args[3]));
            default -> throw new IllegalArgumentException("unknown step " + args[0]);
        }
    }

    // ---- android: Capacitor + androidx + R ----

    static void android(Path deps, Path out, String capVersion) throws Exception {
        Path libsJar = out.resolve("android-libs.jar");
        Path stamp = out.resolve("android-libs.stamp");
        String key = capVersion + " " + list(deps).stream().map(p -> p.getFileName().toString()).sorted()
                .collect(Collectors.joining(","));
        if (Files.exists(libsJar) && Files.exists(stamp) && Files.readString(stamp).equals(key)) {
            System.out.println("android-libs.jar is up to date");
            return;
        }
        Path work = out.resolve("android-work");
        deleteTree(work);
        Files.createDirectories(work);
        Path androidJar = only(deps, "android-all-");

        // 1. Capacitor's sources from npm
        Path npm = Files.createDirectories(work.resolve("npm"));
        run(npm, "npm", "pack", "--silent", "@capacitor/android@" + capVersion);
        Path tgz = only(npm, "capacitor-android-");
        run(npm, "tar", "xzf", tgz.getFileName().toString());
        Path cap = npm.resolve("package/capacitor/src/main");

        // 2. androidx: classes.jar and res/ of each aar, jars as they are
        Path classes = Files.createDirectories(work.resolve("classes"));
        List<Path> classpath = new ArrayList<>();
        classpath.add(androidJar);
        List<String[]> resDirs = new ArrayList<>(); // {package, res dir}
        for (Path dep : list(deps)) {
            String name = dep.getFileName().toString();
            if (name.startsWith("android-all") || name.startsWith("aapt2") || name.startsWith("r8")) {
                continue;
            }
            if (name.endsWith(".jar")) {
                classpath.add(dep);
                continue;
            }
            if (!name.endsWith(".aar")) {
                continue;
            }
            Path dir = Files.createDirectories(work.resolve("aar").resolve(name));
            unzip(dep, dir);
            if (Files.exists(dir.resolve("classes.jar"))) {
                classpath.add(dir.resolve("classes.jar"));
            }
            String pkg = manifestPackage(dir.resolve("AndroidManifest.xml"));
            if (Files.isDirectory(dir.resolve("res")) && pkg != null) {
                resDirs.add(new String[] {pkg, dir.resolve("res").toString()});
            }
        }
        resDirs.add(new String[] {"com.getcapacitor.android", cap.resolve("res").toString()});

        // 3. R with aapt2 (as AGP would: one R per library package, ids of the linked test app)
        Path aapt2 = aapt2(deps, work);
        Path flats = Files.createDirectories(work.resolve("flats"));
        List<String> link = new ArrayList<>(List.of(aapt2.toString(), "link", "-I", androidJar.toString(),
                "--manifest", testManifest(work).toString(), "-o", out.resolve("test-app.apk").toString(),
                "--java", work.resolve("gen").toString(), "--auto-add-overlay", "-A",
                testAssets(work, cap).toString()));
        Set<String> packages = new TreeSet<>();
        int i = 0;
        for (String[] r : resDirs) {
            Path zip = flats.resolve((i++) + ".zip");
            run(work, aapt2.toString(), "compile", "--dir", r[1], "-o", zip.toString());
            link.add("-R");
            link.add(zip.toString());
            packages.add(r[0]);
        }
        link.add("--extra-packages");
        link.add(String.join(":", packages));
        run(work, link.toArray(String[]::new));

        // 4. Capacitor's Java sources + every R
        List<String> sources = new ArrayList<>();
        try (Stream<Path> s = Stream.concat(Files.walk(cap.resolve("java")), Files.walk(work.resolve("gen")))) {
            s.filter(p -> p.toString().endsWith(".java")).forEach(p -> sources.add(p.toString()));
        }
        Path capClasses = Files.createDirectories(work.resolve("capacitor-classes"));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        List<String> opts = new ArrayList<>(List.of("--release", "17", "-nowarn", "-proc:none", "-d",
                capClasses.toString(), "-cp", classpath.stream().map(Path::toString)
                        .collect(Collectors.joining(File.pathSeparator))));
        opts.addAll(sources);
        if (javac.run(null, null, null, opts.toArray(String[]::new)) != 0) {
            throw new IllegalStateException("Capacitor's sources did not compile");
        }
        System.out.println("compiled " + sources.size() + " Capacitor sources and R classes");

        // 5. one jar: androidx classes + Capacitor + R (android-all stays a Maven dependency)
        Set<String> seen = new HashSet<>();
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(libsJar))) {
            addTree(z, capClasses, seen);
            for (Path jar : classpath.subList(1, classpath.size())) {
                addJar(z, jar, seen);
            }
        }
        // Robolectric's test config, as AGP writes it for includeAndroidResources
        Path config = Files.createDirectories(out.resolve("test-config/com/android/tools"));
        Files.writeString(config.resolve("test_config.properties"), "android_resource_apk="
                + out.resolve("test-app.apk").toAbsolutePath() + "\nandroid_merged_manifest="
                + work.resolve("AndroidManifest.xml").toAbsolutePath() + "\nandroid_merged_assets="
                + work.resolve("assets").toAbsolutePath() + "\nandroid_custom_package=" + TEST_PACKAGE + "\n");
        Files.writeString(stamp, key);
        System.out.println("wrote " + libsJar + " (" + Files.size(libsJar) / 1024 + " KiB)");
    }

    static final String TEST_PACKAGE = "dev.patchbay.capacitor.testapp";

    private static Path testManifest(Path work) throws IOException {
        Path m = work.resolve("AndroidManifest.xml");
        Files.writeString(m, """
                <?xml version="1.0" encoding="utf-8"?>
                <manifest xmlns:android="http://schemas.android.com/apk/res/android"
                    package="%s" android:versionCode="10000" android:versionName="1.0.0">
                    <uses-sdk android:minSdkVersion="24" android:targetSdkVersion="35"/>
                    <uses-permission android:name="android.permission.INTERNET"/>
                    <application android:label="Patchbay plugin test" android:theme="@style/AppTheme.NoActionBar">
                        <activity android:name="dev.patchbay.capacitor.TestAppActivity" android:exported="true"/>
                    </application>
                </manifest>
                """.formatted(TEST_PACKAGE));
        return m;
    }

    /** The test app's assets: Capacitor's native-bridge.js and a builtin web layer public/ (version 1.0.0). */
    private static Path testAssets(Path work, Path cap) throws IOException {
        Path assets = Files.createDirectories(work.resolve("assets/public/js"));
        Files.copy(cap.resolve("assets/native-bridge.js"), work.resolve("assets/native-bridge.js"),
                StandardCopyOption.REPLACE_EXISTING);
        Files.writeString(work.resolve("assets/public/index.html"),
                "<!doctype html><html><head><title>builtin 1.0.0</title></head><body>builtin 1.0.0"
                        + "<script src=\"js/app.js\"></script></body></html>\n");
        Files.writeString(assets.resolve("app.js"), "window.appVersion = 'builtin 1.0.0';\n");
        return work.resolve("assets");
    }

    private static Path aapt2(Path deps, Path work) throws IOException {
        Path dir = Files.createDirectories(work.resolve("aapt2"));
        unzip(only(deps, "aapt2-"), dir);
        Path exe = dir.resolve("aapt2");
        exe.toFile().setExecutable(true);
        return exe;
    }

    private static String manifestPackage(Path manifest) throws IOException {
        if (!Files.exists(manifest)) {
            return null;
        }
        var m = java.util.regex.Pattern.compile("package=\"([^\"]+)\"").matcher(Files.readString(manifest));
        return m.find() ? m.group(1) : null;
    }

    // ---- dex ----

    static void dex(Path deps, Path out, Path pluginClasses, Path runtimeJar, Path rootLib) throws Exception {
        Path work = out.resolve("dex");
        Path stamp = out.resolve("dex.stamp");
        String key = digest(pluginClasses) + " " + digest(runtimeJar) + " " + Boolean.getBoolean("dex.withLibraries");
        if (Files.exists(stamp) && Files.readString(stamp).equals(key) && Files.exists(out.resolve(
                "dex-report.properties"))) {
            System.out.println("dex is up to date (same plugin classes and runtime jar)");
            return;
        }
        deleteTree(work);
        Path onlyPlugin = Files.createDirectories(work.resolve("plugin-runtime"));
        Path withLibs = Files.createDirectories(work.resolve("with-libraries"));
        Path pluginJar = work.resolve("plugin-classes.jar");
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(pluginJar))) {
            addTree(z, pluginClasses, new HashSet<>());
        }
        List<Path> libraries = list(rootLib).stream().filter(p -> {
            String n = p.getFileName().toString();
            return n.startsWith("jackson-") || n.startsWith("bcprov-");
        }).toList();
        Path androidJar = only(deps, "android-all-");
        Path r8 = only(deps, "r8-");
        Path androidLibs = out.resolve("android-libs.jar");
        List<String> base = new ArrayList<>(List.of(javaBin(), "-cp", r8.toString(), "com.android.tools.r8.D8",
                "--release", "--min-api", "24", "--lib", androidJar.toString(), "--classpath",
                androidLibs.toString()));
        List<String> a = new ArrayList<>(base);
        for (Path l : libraries) {
            a.add("--classpath");
            a.add(l.toString());
        }
        a.addAll(List.of("--output", onlyPlugin.toString(), pluginJar.toString(), runtimeJar.toString()));
        long t0 = System.nanoTime();
        run(work, a.toArray(String[]::new));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        StringBuilder report = new StringBuilder("# d8 --release --min-api 24 (written by AndroidBuild dex)\n");
        report.append(dexFigures("plugin_runtime", onlyPlugin));
        if (Boolean.getBoolean("dex.withLibraries")) {
            // What the app's dex gains with the runtime's libraries too; slow (BouncyCastle), so on request only
            List<String> b = new ArrayList<>(base);
            b.addAll(List.of("--output", withLibs.toString(), pluginJar.toString(), runtimeJar.toString()));
            libraries.forEach(l -> b.add(l.toString()));
            long t1 = System.nanoTime();
            run(work, b.toArray(String[]::new));
            report.append(dexFigures("with_jackson_bouncycastle", withLibs));
            report.append("with_libraries_d8_millis=").append((System.nanoTime() - t1) / 1_000_000).append('\n');
        }
        report.append("libraries=").append(libraries.stream().map(p -> p.getFileName().toString())
                .collect(Collectors.joining(","))).append('\n');
        report.append("d8_millis=").append(ms).append('\n');
        Files.writeString(out.resolve("dex-report.properties"), report);
        Files.writeString(stamp, key);
        System.out.print(report);
    }

    /** Sizes and the method references of each classes*.dex (header field method_ids_size; the 64K limit). */
    private static String dexFigures(String name, Path dir) throws IOException {
        long bytes = 0;
        long maxMethods = 0;
        int files = 0;
        for (Path d : list(dir)) {
            if (!d.getFileName().toString().endsWith(".dex")) {
                continue;
            }
            byte[] h = Files.readAllBytes(d);
            bytes += h.length;
            files++;
            long methods = (h[0x58] & 0xff) | (h[0x59] & 0xff) << 8 | (h[0x5a] & 0xff) << 16
                    | (long) (h[0x5b] & 0xff) << 24;
            maxMethods = Math.max(maxMethods, methods);
        }
        return name + ".dex_files=" + files + "\n" + name + ".dex_bytes=" + bytes + "\n" + name
                + ".max_method_refs_per_dex=" + maxMethods + "\n";
    }

    // ---- pack: the npm package ----

    static void pack(Path pluginDir, Path out, Path runtimeJar) throws Exception {
        Path pkg = Files.createDirectories(out.resolve("plugin-package"));
        for (String keep : List.of("package.json", "tsconfig.json", "README.md", "src", "android")) {
            deleteTree(pkg.resolve(keep));
            copyTree(pluginDir.resolve(keep), pkg.resolve(keep));
        }
        Path libs = Files.createDirectories(pkg.resolve("android/libs"));
        Files.copy(runtimeJar, libs.resolve("patchbay-updater-runtime.jar"), StandardCopyOption.REPLACE_EXISTING);
        if (!Files.exists(pkg.resolve("node_modules/typescript")) || !Files.exists(pkg.resolve("node_modules/@capacitor/core"))) {
            run(pkg, "npm", "install", "--no-audit", "--no-fund", "--silent");
        }
        deleteTree(pkg.resolve("dist"));
        run(pkg, "npm", "run", "build", "--silent");
        try (Stream<Path> s = Files.list(pkg)) {
            for (Path old : s.filter(p -> p.getFileName().toString().endsWith(".tgz")).toList()) {
                Files.delete(old);
            }
        }
        run(pkg, "npm", "pack", "--silent");
        Path tgz = only(pkg, "patchbay-capacitor-updater-");
        Files.copy(tgz, out.resolve("patchbay-capacitor-updater.tgz"), StandardCopyOption.REPLACE_EXISTING);
        System.out.println("packed " + tgz.getFileName() + " (" + Files.size(tgz) / 1024 + " KiB)");
    }

    // ---- helpers ----

    /** SHA-256 over the contents of a file or of every file under a folder (paths included). */
    private static String digest(Path p) throws Exception {
        java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
        List<Path> files;
        try (Stream<Path> s = Files.walk(p)) {
            files = s.filter(Files::isRegularFile).sorted().toList();
        }
        for (Path f : files) {
            md.update(p.relativize(f).toString().getBytes(StandardCharsets.UTF_8));
            // class files carry no timestamps: the same sources give the same digest
            md.update(Files.readAllBytes(f));
        }
        return java.util.HexFormat.of().formatHex(md.digest());
    }

    private static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static void run(Path dir, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        p.getInputStream().transferTo(log);
        int rc = p.waitFor();
        String text = log.toString(StandardCharsets.UTF_8);
        if (rc != 0) {
            throw new IllegalStateException(String.join(" ", command).substring(0, Math.min(300,
                    String.join(" ", command).length())) + " failed (exit " + rc + "):\n" + text);
        }
        if (!text.isBlank() && text.length() < 4000) {
            System.out.print(text);
        }
    }

    private static List<Path> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }

    private static Path only(Path dir, String prefix) throws IOException {
        List<Path> found = list(dir).stream().filter(p -> p.getFileName().toString().startsWith(prefix)).toList();
        if (found.size() != 1) {
            throw new IllegalStateException("expected one " + prefix + "* in " + dir + ", found " + found);
        }
        return found.get(0);
    }

    private static void unzip(Path zip, Path dir) throws IOException {
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                Path t = dir.resolve(e.getName()).normalize();
                if (!t.startsWith(dir)) {
                    throw new IOException("entry outside the folder: " + e.getName());
                }
                if (e.isDirectory()) {
                    Files.createDirectories(t);
                } else {
                    Files.createDirectories(t.getParent());
                    Files.copy(in, t, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private static void addTree(ZipOutputStream z, Path root, Set<String> seen) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.filter(Files::isRegularFile).sorted().toList()) {
                String name = root.relativize(p).toString().replace(File.separatorChar, '/');
                if (seen.add(name)) {
                    z.putNextEntry(new ZipEntry(name));
                    Files.copy(p, z);
                    z.closeEntry();
                }
            }
        }
    }

    private static void addJar(ZipOutputStream z, Path jar, Set<String> seen) throws IOException {
        try (ZipFile f = new ZipFile(jar.toFile())) {
            for (ZipEntry e : java.util.Collections.list(f.entries())) {
                if (e.isDirectory() || e.getName().startsWith("META-INF/") && !e.getName().startsWith(
                        "META-INF/services/") || !seen.add(e.getName())) {
                    continue;
                }
                z.putNextEntry(new ZipEntry(e.getName()));
                try (InputStream in = f.getInputStream(e)) {
                    in.transferTo(z);
                }
                z.closeEntry();
            }
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        if (!Files.exists(from)) {
            return;
        }
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(q);
            }
        }
    }
}
