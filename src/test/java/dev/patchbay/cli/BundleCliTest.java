package dev.patchbay.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patchbay.client.PatchbayClient;
import dev.patchbay.crypto.AppKeys;
import dev.patchbay.crypto.KeyFileOptions;
import dev.patchbay.domain.Json;
import dev.patchbay.server.PatchbayServer;
import dev.patchbay.server.ServerConfig;
import dev.patchbay.testsupport.SeededScripts;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bundle commands against a real server. The server runs in-process on port 0 (CliTest already covers
 * {@code patchbay serve} as a subprocess; here many publishes run, and an in-process server is quicker to start and
 * stop and still speaks real HTTP over loopback). Keys are made with {@link AppKeys} at the lowest scrypt cost.
 */
class BundleCliTest {
    static final String PASS = "correct horse battery staple";

    @TempDir
    static Path tmp;
    static PatchbayServer server;
    static Map<String, String> env;
    static String savedTmpdir;

    record Result(int code, String out, String err) {
        JsonNode json() throws IOException {
            return Json.mapper().readTree(out);
        }
    }

    @BeforeAll
    static void startServer() throws Exception {
        server = PatchbayServer.start(new ServerConfig("127.0.0.1", 0, tmp.resolve("server")));
        env = new HashMap<>();
        env.put("PATCHBAY_SERVER", server.url());
        env.put("PATCHBAY_API_KEY", Files.readString(server.adminApiKeyFile()).strip());
        env.put(Passphrases.ENV, PASS);
        savedTmpdir = System.getProperty("java.io.tmpdir");
        Files.createDirectories(tmp.resolve("java-tmp"));
        System.setProperty("java.io.tmpdir", tmp.resolve("java-tmp").toString());
    }

    @AfterAll
    static void stopServer() {
        System.setProperty("java.io.tmpdir", savedTmpdir);
        server.close();
    }

    static Result run(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Cli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), env);
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static Result run(String... args) {
        return run(env, args);
    }

    static Result ok(String... args) {
        Result r = run(args);
        assertEquals(0, r.code(), String.join(" ", args) + "\n" + r.err() + r.out());
        return r;
    }

    /** A failure: exit code 1 and exactly one line "patchbay: ..." on stderr; answers that line. */
    static String fails(Map<String, String> env, String... args) {
        Result r = run(env, args);
        assertEquals(1, r.code(), String.join(" ", args) + "\n" + r.err() + r.out());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().startsWith("patchbay: "), r.err());
        return r.err().strip();
    }

    static String fails(String... args) {
        return fails(env, args);
    }

    /** An app on the server, its keys, and a channel "production". */
    static Path app(String appId) {
        ok("app", "create", appId, "--name", "Shop " + appId);
        ok("channel", "create", "production", "--app", appId);
        return keys(appId, "keys-" + appId);
    }

    static Path keys(String appId, String folder) {
        Path dir = tmp.resolve(folder);
        AppKeys.create(appId, dir, PASS.toCharArray(), KeyFileOptions.FAST).close();
        return dir;
    }

    /** A web build: small index.html and main.js, two large random assets. */
    static Path web(String name, String mainJs) throws IOException {
        Path dir = tmp.resolve(name);
        Files.createDirectories(dir.resolve("assets"));
        Files.writeString(dir.resolve("index.html"), "<!doctype html><script src=main.js></script>");
        Files.writeString(dir.resolve("main.js"), mainJs);
        Random random = new Random(42);
        byte[] big = new byte[300_000];
        random.nextBytes(big);
        Files.write(dir.resolve("assets/vendor.js"), big);
        random.nextBytes(big);
        Files.write(dir.resolve("assets/logo.png"), big);
        return dir;
    }

    static Path zip(Path folder, Path zipFile) throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.walk(folder)) {
            files = s.filter(Files::isRegularFile).sorted().toList();
        }
        try (OutputStream os = Files.newOutputStream(zipFile); ZipOutputStream zip = new ZipOutputStream(os)) {
            for (Path f : files) {
                zip.putNextEntry(new ZipEntry("dist/" + folder.relativize(f).toString().replace('\\', '/')));
                zip.write(Files.readAllBytes(f));
                zip.closeEntry();
            }
        }
        return zipFile;
    }

    static boolean hasLine(String text, String regex) {
        return text.lines().anyMatch(l -> l.matches(regex));
    }

    static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    /** Folders left in this test's java.io.tmpdir (publish seals into a temp folder there). */
    static long sealTempFolders() throws IOException {
        try (Stream<Path> s = Files.list(tmp.resolve("java-tmp"))) {
            return s.count();
        }
    }

    /** JavaScript-like text: words of a small vocabulary in a seeded order (deflates about 3:1, as real code). */
    static String script(long seed, int length) {
        String[] words = {"function", "return", "const", "let", "this.state", "props", "=>", "{", "}", "(", ")",
            "if", "else", "await", "render", "useEffect", "document", "window", "null", "0x1f", "map", "filter"};
        return SeededScripts.text(words, seed, length);
    }

    static long deflated(Path file) throws IOException {
        java.util.zip.Deflater d = new java.util.zip.Deflater(9, true);
        byte[] in = Files.readAllBytes(file);
        d.setInput(in);
        d.finish();
        byte[] buf = new byte[in.length + 1024];
        long n = 0;
        while (!d.finished()) {
            n += d.deflate(buf);
        }
        d.end();
        return n;
    }

    @Test
    void aSecondPublishUploadsOnlyTheChangedFilesCompressed() throws Exception {
        String appId = "com.example.dedup";
        Path keys = app(appId);
        Path web = tmp.resolve("web-dedup");
        Files.createDirectories(web.resolve("assets"));
        Files.writeString(web.resolve("index.html"), "<!doctype html><script src=assets/f00.js></script>");
        for (int i = 0; i < 31; i++) {
            Files.writeString(web.resolve(String.format("assets/f%02d.js", i)), script(i, 100_000));
        }
        JsonNode first = ok("bundle", "publish", web.toString(), "--app", appId, "--version", "1.0.0", "--keys",
                keys.toString(), "--json", "-q").json();
        assertEquals(2, first.path("format").asInt());
        assertEquals(32, first.path("files").asInt());
        assertTrue(first.path("totalBytes").asLong() < first.path("plainBytes").asLong() / 2, first.toString());
        long changedCompressed = 0;
        for (int i = 0; i < 12; i++) { // 12 of 32 files change, 20 stay
            Path f = web.resolve(String.format("assets/f%02d.js", i));
            Files.writeString(f, script(1000 + i, 100_000));
            changedCompressed += deflated(f);
        }
        JsonNode second = ok("bundle", "publish", web.toString(), "--app", appId, "--version", "1.0.1", "--keys",
                keys.toString(), "--json", "-q").json();
        long uploaded = second.path("uploadedBytes").asLong();
        assertTrue(uploaded <= changedCompressed * 1.05, uploaded + " uploaded, changed files deflate to "
                + changedCompressed);
        assertTrue(uploaded >= changedCompressed, uploaded + " < " + changedCompressed);
        JsonNode diff = ok("bundle", "diff", "1.0.0", "1.0.1", "--app", appId, "--keys", keys.toString(), "--json")
                .json();
        assertEquals(12, diff.path("changed").size());
        assertEquals(uploaded, diff.path("downloadBytes").asLong(), "a device on 1.0.0 fetches what was uploaded");

        // --format 1 (for updaters older than format 2): everything is sealed and uploaded as it is
        JsonNode old = ok("bundle", "publish", web.toString(), "--app", appId, "--version", "1.0.2", "--keys",
                keys.toString(), "--json", "-q", "--format", "1").json();
        assertEquals(1, old.path("format").asInt());
        assertTrue(old.path("uploadedBytes").asLong() > old.path("plainBytes").asLong(), old.toString());
        assertTrue(fails("bundle", "publish", web.toString(), "--app", appId, "--version", "1.0.3", "--keys",
                keys.toString(), "--format", "3").contains("--format must be 1 or 2"));
    }

    @Test
    void publishFolderAndZipThenListShowDiffAndPointChannels() throws Exception {
        String appId = "com.example.bundles";
        ok("app", "create", appId, "--name", "Bundles");
        ok("channel", "create", "production", "--app", appId);
        Path keys = tmp.resolve("keys-from-cli"); // the folder `patchbay key create` writes
        ok("key", "create", "--app", appId, "--dir", keys.toString(), "--kdf-cost", "15");
        Path v1 = web("web-v1", "console.log('v1');");
        long sealFolders = 0;
        assertEquals(0, sealTempFolders());

        // A folder, with progress on stderr (not a terminal: the final line), and --channel.
        Result first = run("bundle", "publish", v1.toString(), "--app", appId, "--version", "1.0.0", "--keys",
                keys.toString(), "--channel", "production", "--json");
        assertEquals(0, first.code(), first.err());
        JsonNode p1 = first.json();
        assertEquals("1.0.0", p1.path("version").asText());
        assertEquals(1, p1.path("sequence").asLong());
        assertEquals(4, p1.path("files").asInt());
        assertEquals(p1.path("totalBytes").asLong(), p1.path("uploadedBytes").asLong());
        assertEquals(0, p1.path("skippedBytes").asLong());
        assertEquals(AppKeys.readTrust(appId, keys).releaseCerts().get(0).keyId(), p1.path("releaseKeyId").asText());
        assertEquals("production", p1.path("channel").asText());
        assertTrue(first.err().matches("(?s)Uploading .* / .* \\(100%\\), [0-9.]+ MB/s, ETA .*\n"), first.err());
        assertEquals(sealFolders, sealTempFolders(), "the sealing folder is deleted");
        // The server now has the app's trust, the same as the key folder's.
        JsonNode trust = Json.mapper().readTree(Files.readAllBytes(keys.resolve("trust.json")));
        assertEquals(trust.path("root").path("keyId").asText(), PatchbayClient.connect(server.url(),
                env.get("PATCHBAY_API_KEY")).getTrust(appId).path("root").path("keyId").asText());
        // And the server was trusted on the way (it was not: a first publish), so devices accept its answers.
        dev.patchbay.crypto.FreshnessCert cert = PatchbayClient.connect(server.url(), env.get("PATCHBAY_API_KEY"))
                .freshnessCert(appId);
        assertEquals(trust.path("root").path("keyId").asText(), cert.rootKeyId());
        assertEquals(cert.notAfter().toString(), p1.path("serverTrustedUntil").asText());

        // A zip with a single top folder, one small file changed, the passphrase from a file, quietly, as text.
        Path v2 = web("web-v2", "console.log('v2');");
        Path passFile = tmp.resolve("passphrase.txt");
        Files.writeString(passFile, PASS + "\n");
        Map<String, String> noPassEnv = new HashMap<>(env);
        noPassEnv.remove(Passphrases.ENV);
        Result second = run(noPassEnv, "bundle", "publish", zip(v2, tmp.resolve("v2.zip")).toString(), "--app", appId,
                "--version", "1.0.1", "--keys", keys.toString(), "--passphrase-file", passFile.toString(), "--quiet");
        assertEquals(0, second.code(), second.err());
        assertEquals("", second.err());
        assertTrue(second.out().startsWith("Published " + appId + " 1.0.1 (sequence 2)\n"), second.out());
        assertTrue(hasLine(second.out(), "Files:\\s+4 \\(600\\.1 kB\\)"), second.out());
        assertTrue(hasLine(second.out(), "Release key:\\s+" + p1.path("releaseKeyId").asText()), second.out());
        assertTrue(!second.out().contains("Server:"), "already trusted: not certified again\n" + second.out());

        // list --json: newest first, sizes, key id, channels.
        JsonNode list = ok("bundle", "list", "--app", appId, "--json").json();
        assertEquals(2, list.size());
        assertEquals("1.0.1", list.get(0).path("version").asText());
        assertEquals(2, list.get(0).path("sequence").asLong());
        assertEquals("1.0.0", list.get(1).path("version").asText());
        assertEquals(4, list.get(1).path("fileCount").asInt());
        assertEquals(p1.path("totalBytes").asLong(), list.get(1).path("totalBytes").asLong());
        assertEquals(p1.path("releaseKeyId").asText(), list.get(1).path("releaseKeyId").asText());
        assertEquals("[\"production\"]", list.get(1).path("channels").toString());
        Result table = ok("bundle", "list", "--app", appId);
        assertTrue(table.out().lines().anyMatch(l -> l.matches("1\\.0\\.0\\s+1\\s+.*UTC\\s+[0-9.]+ kB\\s+4\\s+[0-9a-f]{16}\\s+production")),
                table.out());

        // show --keys decrypts the manifest: every file with its size and SHA-256.
        JsonNode show = ok("bundle", "show", "1.0.1", "--app", appId, "--keys", keys.toString(), "--json").json();
        assertEquals("1.0.1", show.path("bundle").path("version").asText());
        JsonNode files = show.path("files");
        List<String> paths = new ArrayList<>();
        files.forEach(f -> paths.add(f.path("path").asText()));
        assertEquals(List.of("assets/logo.png", "assets/vendor.js", "index.html", "main.js"), paths);
        for (JsonNode f : files) {
            Path local = v2.resolve(f.path("path").asText());
            assertEquals(Files.size(local), f.path("size").asLong());
            assertEquals(sha256(local), f.path("sha256").asText());
        }
        Result showText = ok("bundle", "show", "1.0.0", "--app", appId, "--keys", keys.toString());
        assertTrue(hasLine(showText.out(), "main\\.js\\s+18\\s+" + sha256(v1.resolve("main.js"))), showText.out());
        Result noKeys = ok("bundle", "show", "1.0.0", "--app", appId);
        assertTrue(hasLine(noKeys.out(), "Channels:\\s+production"), noKeys.out());
        assertFalse(noKeys.out().contains("main.js"), noKeys.out());

        // diff: one small file changed, so a device on 1.0.0 downloads a small fraction of 1.0.1.
        JsonNode diff = ok("bundle", "diff", "1.0.0", "1.0.1", "--app", appId, "--keys", keys.toString(), "--json")
                .json();
        assertEquals("[]", diff.path("added").toString());
        assertEquals("[\"main.js\"]", diff.path("changed").toString());
        assertEquals("[]", diff.path("removed").toString());
        long download = diff.path("downloadBytes").asLong();
        long full = diff.path("fullBytes").asLong();
        assertTrue(download > 0 && download < full / 50, download + " of " + full);
        Result diffText = ok("bundle", "diff", "1.0.0", "1.0.1", "--app", appId, "--keys", keys.toString());
        assertTrue(diffText.out().startsWith("1.0.0 -> 1.0.1: 0 added, 1 changed, 0 removed\n  ~ main.js\n"),
                diffText.out());

        // channel update --bundle, then back to builtin (both spellings); the bundle column of list and show.
        Result update = ok("channel", "update", "production", "--app", appId, "--bundle", "1.0.1");
        assertTrue(hasLine(update.out(), "Bundle:\\s+1\\.0\\.1"), update.out());
        assertEquals("1.0.1", ok("channel", "show", "production", "--app", appId, "--json").json().path("bundle")
                .asText());
        assertTrue(ok("channel", "list", "--app", appId).out().lines().anyMatch(l -> l.matches("production\\s.*\\s1\\.0\\.1(\\s.*)?")));
        assertEquals("[]", ok("bundle", "list", "--app", appId, "--json").json().get(1).path("channels").toString());
        ok("channel", "update", "production", "--app", appId, "--bundle", "builtin");
        assertTrue(ok("channel", "show", "production", "--app", appId, "--json").json().path("bundle").isNull());
        assertTrue(hasLine(ok("channel", "show", "production", "--app", appId).out(), "Bundle:\\s+builtin"));
        ok("channel", "update", "production", "--app", appId, "--bundle", "1.0.0", "--description", "Live");
        JsonNode both = ok("channel", "show", "production", "--app", appId, "--json").json();
        assertEquals("1.0.0", both.path("bundle").asText());
        assertEquals("Live", both.path("description").asText());
        ok("channel", "update", "production", "--app", appId, "--no-bundle");
        assertTrue(ok("channel", "show", "production", "--app", appId, "--json").json().path("bundle").isNull());
        assertEquals(1, fails("channel", "update", "production", "--app", appId, "--bundle", "9.9.9").lines().count());
        assertEquals(2, run("channel", "update", "production", "--app", appId, "--bundle", "1.0.0", "--no-bundle").code());

        // The same version again is refused before anything is uploaded; the temp folder is gone on failure too.
        assertEquals("patchbay: App " + appId + " already has a bundle 1.0.0 (sequence 1); versions are unique,"
                + " publish a new one", fails("bundle", "publish", v1.toString(), "--app", appId, "--version", "1.0.0",
                "--keys", keys.toString()));
        String badNative = fails("bundle", "publish", v1.toString(), "--app", appId, "--version", "1.0.2", "--keys",
                keys.toString(), "--native-min", "not a version");
        assertTrue(badNative.contains("nativeMin") || badNative.contains("native"), badNative);
        assertEquals(sealFolders, sealTempFolders(), "the sealing folder is deleted after a failure");
        assertEquals("patchbay: App '" + appId + "' has no channel named 'nightly'", fails("bundle", "publish", v1.toString(),
                "--app", appId, "--version", "1.0.2", "--keys", keys.toString(), "--channel", "nightly"));
        assertEquals(2, ok("bundle", "list", "--app", appId, "--json").json().size());

        // Delete: refused with the reason while production serves 1.0.0; 1.0.1 (unused) goes, its own blobs freed.
        ok("channel", "update", "production", "--app", appId, "--bundle", "1.0.0");
        String refused = fails("bundle", "delete", "1.0.0", "--app", appId);
        assertTrue(refused.contains("channel 'production' serves it"), refused);
        Result deleted = ok("bundle", "delete", "1.0.1", "--app", appId);
        assertTrue(deleted.out().startsWith("Deleted " + appId + " 1.0.1 ("), deleted.out());
        assertEquals(List.of("1.0.0"), ok("bundle", "list", "--app", appId, "--json").json().findValuesAsText("version"));

        // Retention: shown, set (applied at once: 1.0.0 is served, so nothing goes), refused out of range, cleared.
        assertEquals(appId + " keeps every bundle", ok("bundle", "retention", "--app", appId).out().strip());
        assertEquals(appId + " keeps the newest 1 unused bundle",
                ok("bundle", "retention", "--app", appId, "--keep", "1").out().strip());
        assertEquals(1, ok("bundle", "retention", "--app", appId, "--json").json().path("keepUnusedBundles").asInt());
        assertTrue(fails("bundle", "retention", "--app", appId, "--keep", "0").contains("Keep between 1 and 10000"));
        assertEquals(2, run("bundle", "retention", "--app", appId, "--keep", "2", "--keep-all").code());
        ok("bundle", "retention", "--app", appId, "--keep-all");
        assertTrue(ok("bundle", "retention", "--app", appId, "--json").json().path("keepUnusedBundles").isNull());
        assertEquals(List.of("1.0.0"), ok("bundle", "list", "--app", appId, "--json").json().findValuesAsText("version"));

        // The channel switches for physical devices and production builds.
        ok("channel", "update", "production", "--app", appId, "--no-physical-devices", "--no-production-builds");
        JsonNode qa = ok("channel", "show", "production", "--app", appId, "--json").json();
        assertFalse(qa.path("allowPhysicalDevices").asBoolean(true), qa.toString());
        assertFalse(qa.path("allowProductionBuilds").asBoolean(true), qa.toString());
        assertTrue(hasLine(ok("channel", "show", "production", "--app", appId).out(), "Physical devices:\\s+no"));
    }

    @Test
    void showAndDiffReadBundlesPublishedWithAnotherCopyOfTheKeys() throws Exception {
        String appId = "com.example.twocopies";
        Path laptop = app(appId);
        // The CI machine holds a copy of the same key folder; only the server is shared between the two.
        Path ci = tmp.resolve("ci-copy-" + appId);
        Files.createDirectories(ci);
        try (Stream<Path> files = Files.list(laptop)) {
            for (Path f : files.toList()) {
                Files.copy(f, ci.resolve(f.getFileName()));
            }
        }
        Path v1 = web("web-ci1", "console.log('ci1');");
        Path v2 = web("web-ci2", "console.log('ci-two');");
        ok("bundle", "publish", v1.toString(), "--app", appId, "--version", "3.0.0", "--keys", ci.toString(), "--quiet");
        ok("bundle", "publish", v2.toString(), "--app", appId, "--version", "3.0.1", "--keys", ci.toString(), "--quiet");
        assertFalse(Files.exists(ci.resolve("manifests")), "no local manifest copies");

        JsonNode show = ok("bundle", "show", "3.0.0", "--app", appId, "--keys", laptop.toString(), "--json").json();
        List<String> paths = new ArrayList<>();
        show.path("files").forEach(f -> paths.add(f.path("path").asText()));
        assertEquals(List.of("assets/logo.png", "assets/vendor.js", "index.html", "main.js"), paths);
        JsonNode diff = ok("bundle", "diff", "3.0.0", "3.0.1", "--app", appId, "--keys", laptop.toString(), "--json")
                .json();
        assertEquals("[\"main.js\"]", diff.path("changed").toString());

        // Other keys for the same app id do not pass the signature check: one line, before anything is fetched.
        Path otherKeys = keys(appId, "keys-unrelated-" + appId);
        String foreign = fails("bundle", "show", "3.0.0", "--app", appId, "--keys", otherKeys.toString());
        assertTrue(foreign.contains("did not certify"), foreign);
    }

    @Test
    void failuresAreOneLine() throws Exception {
        String appId = "com.example.failing";
        Path keys = app(appId);
        Path web = web("web-failing", "x");

        Map<String, String> wrongPass = new HashMap<>(env);
        wrongPass.put(Passphrases.ENV, "not the passphrase");
        String wrong = fails(wrongPass, "bundle", "publish", web.toString(), "--app", appId, "--version", "1.0.0",
                "--keys", keys.toString());
        assertTrue(wrong.contains("encrypted with a different passphrase"), wrong);

        Map<String, String> noPass = new HashMap<>(env);
        noPass.remove(Passphrases.ENV);
        assertEquals("patchbay: No passphrase: set PATCHBAY_KEY_PASSPHRASE or use --passphrase-file FILE",
                fails(noPass, "bundle", "publish", web.toString(), "--app", appId, "--version", "1.0.0", "--keys",
                        keys.toString()));

        Path noIndex = tmp.resolve("no-index");
        Files.createDirectories(noIndex);
        Files.writeString(noIndex.resolve("main.js"), "x");
        String missing = fails("bundle", "publish", noIndex.toString(), "--app", appId, "--version", "1.0.0",
                "--keys", keys.toString());
        assertTrue(missing.contains("index.html"), missing);

        Path otherKeys = keys("com.example.other", "keys-other-app");
        assertEquals("patchbay: The keys in " + otherKeys + " belong to app com.example.other, not " + appId,
                fails("bundle", "publish", web.toString(), "--app", appId, "--version", "1.0.0", "--keys",
                        otherKeys.toString()));

        // Keys of the same app id but another root, once the server knows the app's root: refused, nothing stored.
        ok("bundle", "publish", web.toString(), "--app", appId, "--version", "1.0.0", "--keys", keys.toString(), "-q");
        Path impostor = keys(appId, "keys-impostor");
        String otherRoot = fails("bundle", "publish", web.toString(), "--app", appId, "--version", "1.0.1", "--keys",
                impostor.toString());
        assertTrue(otherRoot.startsWith("patchbay: The server knows app " + appId + " with root key "), otherRoot);
        assertEquals(1, ok("bundle", "list", "--app", appId, "--json").json().size());

        Path nopeKeys = keys("com.example.nope", "keys-nope");
        assertEquals("patchbay: No app with id 'com.example.nope'", fails("bundle", "publish", web.toString(), "--app",
                "com.example.nope", "--version", "1.0.0", "--keys", nopeKeys.toString()));

        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        Map<String, String> noServer = new HashMap<>(env);
        noServer.put("PATCHBAY_SERVER", "http://127.0.0.1:" + closed);
        String unreachable = fails(noServer, "bundle", "publish", web.toString(), "--app", appId, "--version",
                "1.0.1", "--keys", keys.toString());
        assertTrue(unreachable.startsWith("patchbay: Cannot reach the server at http://127.0.0.1:" + closed), unreachable);
        assertTrue(fails(noServer, "bundle", "list", "--app", appId).startsWith("patchbay: Cannot reach the server"));

        String unknown = fails("bundle", "show", "7.7.7", "--app", appId);
        assertTrue(unknown.contains("7.7.7"), unknown);
        String diffWrongKeys = fails("bundle", "diff", "1.0.0", "1.0.0", "--app", appId, "--keys", impostor.toString());
        assertTrue(diffWrongKeys.startsWith("patchbay: "), diffWrongKeys);
    }

    /** A separate {@code patchbay bundle publish} process stopped (SIGTERM, as Ctrl+C) while it works. */
    @Test
    void aStoppedPublishLeavesNothingBehind() throws Exception {
        String appId = "com.example.stopped";
        Path keys = app(appId);
        Path web = tmp.resolve("web-big");
        Files.createDirectories(web);
        Files.writeString(web.resolve("index.html"), "<!doctype html>");
        byte[] chunk = new byte[1 << 20];
        new Random(7).nextBytes(chunk);
        try (OutputStream big = Files.newOutputStream(web.resolve("big.bin"))) {
            for (int i = 0; i < 120; i++) {
                big.write(chunk);
                chunk[i] ^= 1;
            }
        }
        Path childTmp = Files.createDirectories(tmp.resolve("child-tmp"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Djava.io.tmpdir=" + childTmp, "-cp",
                System.getProperty("java.class.path"), "dev.patchbay.Launcher", "bundle", "publish", web.toString(),
                "--app", appId, "--version", "1.0.0", "--keys", keys.toString(), "--quiet")
                .redirectErrorStream(true).redirectOutput(tmp.resolve("child.log").toFile());
        pb.environment().putAll(env);
        Process child = pb.start();
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (sealFolders(childTmp) == 0 && child.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertTrue(child.isAlive(), "still publishing: " + Files.readString(tmp.resolve("child.log")));
        Thread.sleep(300);
        child.destroy();
        assertTrue(child.waitFor(60, TimeUnit.SECONDS));
        assertTrue(child.exitValue() != 0, Files.readString(tmp.resolve("child.log")));
        assertEquals(0, sealFolders(childTmp), "the sealing folder is deleted on a stop");
        assertEquals(0, ok("bundle", "list", "--app", appId, "--json").json().size());
    }

    static long sealFolders(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.count();
        }
    }

    @Test
    void helpOfTheBundleCommands() {
        Result top = run(Map.of(), "--help");
        assertTrue(top.out().contains("  bundle "), top.out());
        Result publish = run(Map.of(), "bundle", "publish", "--help");
        assertEquals(0, publish.code(), publish.err());
        assertTrue(publish.out().contains("--version=V"), publish.out());
        assertTrue(publish.out().contains("--passphrase-file=FILE"), publish.out());
        assertFalse(publish.out().contains("--passphrase="), publish.out());
        for (String sub : List.of("list", "show", "diff")) {
            Result r = run(Map.of(), "bundle", sub, "--help");
            assertEquals(0, r.code(), sub + ": " + r.err());
        }
        assertTrue(run(Map.of(), "channel", "update", "--help").out().contains("--bundle=VERSION"));
    }

    @Test
    void progressOnATerminalRewritesOneLine() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        AtomicLong now = new AtomicLong(0);
        UploadProgress p = new UploadProgress(new PrintStream(bytes, true, StandardCharsets.UTF_8), true, false, now::get);
        p.onProgress(0, 10_000_000);
        now.set(1_000_000_000L);
        p.onProgress(2_000_000, 10_000_000);
        now.set(1_100_000_000L);
        p.onProgress(2_100_000, 10_000_000); // within 200 ms: not shown
        now.set(2_000_000_000L);
        p.onProgress(10_000_000, 10_000_000);
        p.finish();
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertEquals("\rUploading 2.0 MB / 10.0 MB (20%), 2.0 MB/s, ETA 0:04"
                + "\rUploading 10.0 MB / 10.0 MB (100%), 5.0 MB/s, ETA 0:00"
                + "\rUploading 10.0 MB / 10.0 MB (100%), 5.0 MB/s, ETA 0:00\n", out);
        assertEquals(10_000_000, p.total());

        ByteArrayOutputStream quiet = new ByteArrayOutputStream();
        UploadProgress q = new UploadProgress(new PrintStream(quiet, true, StandardCharsets.UTF_8), false, true, now::get);
        q.onProgress(0, 5);
        now.set(60_000_000_000L);
        q.onProgress(5, 5);
        q.finish();
        assertEquals("", quiet.toString(StandardCharsets.UTF_8));
        assertEquals(5, q.total());
    }

    @Test
    void publishShowsItsPhasesAndSealingBytesOnATerminalFromTheStart() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        AtomicLong now = new AtomicLong(0);
        PublishProgress p = new PublishProgress(new PrintStream(bytes, true, StandardCharsets.UTF_8), true, false,
                now::get);
        p.phase("Reading dist");
        p.phase("Unlocking keys");
        p.sealed(0, 12_000_000);
        now.set(100_000_000L);
        p.sealed(1_000_000, 12_000_000); // within 200 ms of the last line: not shown
        now.set(300_000_000L);
        p.sealed(6_000_000, 12_000_000);
        now.set(310_000_000L);
        p.sealed(12_000_000, 12_000_000); // the end is always shown
        p.done();
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertEquals("\rReading dist …\rUnlocking keys …"
                + "\rCompressing and sealing 0 B / 12.0 MB (0%)"
                + "\rCompressing and sealing 6.0 MB / 12.0 MB (50%)"
                + "\rCompressing and sealing 12.0 MB / 12.0 MB (100%)"
                + "\r" + " ".repeat(48) + "\r", out);

        ByteArrayOutputStream log = new ByteArrayOutputStream(); // not a terminal: CI logs get only the upload line
        PublishProgress q = new PublishProgress(new PrintStream(log, true, StandardCharsets.UTF_8), false, false,
                now::get);
        q.phase("Unlocking keys");
        q.sealed(5, 5);
        q.done();
        assertEquals("", log.toString(StandardCharsets.UTF_8));
    }
}
