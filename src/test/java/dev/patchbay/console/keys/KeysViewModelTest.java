package dev.patchbay.console.keys;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patchbay.console.ConsoleFixture;
import dev.patchbay.console.apps.AppsViewModel;
import dev.patchbay.crypto.AppKeys;
import dev.patchbay.crypto.FreshnessCert;
import dev.patchbay.crypto.KeyFileOptions;
import dev.patchbay.domain.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Keys view model against a real sandbox server, without a stage (low scrypt cost). */
class KeysViewModelTest {
    static final String PASS = "correct horse battery";

    @TempDir
    Path home;

    private ConsoleFixture fx;
    private AppKeyStore store;
    private KeysViewModel vm;

    @BeforeEach
    void setUp() {
        fx = new ConsoleFixture(home);
        AppsViewModel apps = new AppsViewModel(fx.connection, fx.data, fx.tasks);
        store = new AppKeyStore(home.resolve("keys"), KeyFileOptions.FAST);
        vm = new KeysViewModel(fx.connection, fx.tasks, apps.apps(), store);
        fx.online();
        apps.startCreate();
        apps.formIdProperty().set("com.example.shop");
        apps.formNameProperty().set("Shop");
        apps.submit();
    }

    @AfterEach
    void tearDown() {
        store.lockAll();
        fx.close();
    }

    @Test
    void createsKeysAfterInlineChecksAndWipesThePassphrase() {
        assertEquals("com.example.shop", vm.appProperty().get().id());
        assertFalse(vm.hasKeysProperty().get());

        char[] tooShort = "short".toCharArray();
        vm.create(tooShort, "short".toCharArray());
        assertTrue(vm.passphraseErrorProperty().get().contains("at least"), vm.passphraseErrorProperty().get());
        char[] a = PASS.toCharArray();
        vm.create(a, "something else entirely".toCharArray());
        assertTrue(vm.confirmErrorProperty().get().contains("differ"));
        assertFalse(Files.exists(home.resolve("keys/com.example.shop")));

        char[] pass = PASS.toCharArray();
        char[] confirm = PASS.toCharArray();
        vm.create(pass, confirm);
        assertEquals("", vm.messageProperty().get());
        assertTrue(vm.hasKeysProperty().get());
        assertArrayEquals(new char[pass.length], pass, "passphrase wiped");
        assertArrayEquals(new char[confirm.length], confirm, "confirmation wiped");
        assertEquals(16, vm.rootKeyIdProperty().get().length());
        assertEquals(16, vm.contentKeyIdProperty().get().length());
        assertEquals(1, vm.certs().size());
        assertTrue(vm.certs().get(0).current() && vm.certs().get(0).validNow());
        assertTrue(Files.exists(home.resolve("keys/com.example.shop/trust.json")));
        // Created keys are unlocked: the app snippet is shown.
        JsonNode snippet = parse(vm.exportTextProperty().get());
        assertEquals(vm.contentKeyIdProperty().get(), snippet.at("/plugins/PatchbayUpdater/contentKeyId").asText());
        assertEquals(vm.rootKeyIdProperty().get(), snippet.at("/plugins/PatchbayUpdater/rootKeyId").asText());
        // ... and it is the whole config the Capacitor plugin reads: the connected server's address included
        assertEquals(fx.connection.session().client().baseUrl(), snippet.at("/plugins/PatchbayUpdater/serverUrl")
                .asText());
        dev.patchbay.updater.UpdaterConfig plugin = dev.patchbay.updater.UpdaterConfig.fromJson(
                vm.exportTextProperty().get());
        assertEquals("com.example.shop", plugin.appId());
    }

    @Test
    void wrongPassphraseIsAnInlineErrorAndChangesNothing() throws Exception {
        vm.create(PASS.toCharArray(), PASS.toCharArray());
        store.lockAll();
        vm.reload();
        assertEquals("", vm.exportTextProperty().get());
        Path dir = home.resolve("keys/com.example.shop");
        List<byte[]> before = contents(dir);
        String root = vm.rootKeyIdProperty().get();

        vm.unlock("not the passphrase".toCharArray());
        assertTrue(vm.passphraseErrorProperty().get().startsWith("Wrong passphrase"), vm.passphraseErrorProperty().get());
        vm.rotate("not the passphrase".toCharArray());
        assertTrue(vm.passphraseErrorProperty().get().startsWith("Wrong passphrase"));
        List<byte[]> after = contents(dir);
        assertEquals(before.size(), after.size());
        for (int i = 0; i < before.size(); i++) {
            assertArrayEquals(before.get(i), after.get(i), "key files unchanged");
        }
        assertEquals(root, vm.rootKeyIdProperty().get());
        // Creating again never overwrites.
        vm.create(PASS.toCharArray(), PASS.toCharArray());
        assertTrue(vm.messageProperty().get().contains("never overwritten"));

        List<String> busy = new ArrayList<>();
        vm.busyProperty().addListener((obs, old, now) -> busy.add(now));
        vm.unlock(PASS.toCharArray());
        assertEquals(List.of("Unlocking…", ""), busy, "a visible state while scrypt runs");
        assertEquals("", vm.passphraseErrorProperty().get());
        assertTrue(vm.unlockedProperty().get());
        assertFalse(vm.exportTextProperty().get().isEmpty());
    }

    @Test
    void rotatesRegistersAndSavesTheExport() throws Exception {
        vm.create(PASS.toCharArray(), PASS.toCharArray());
        String first = vm.releaseKeyIdProperty().get();
        // Certificates carry whole seconds and the newest notBefore is the current key: rotating within the second
        // of creation would tie (the crypto library then keeps the first key). Wait for the next second.
        java.time.Instant created = vm.certs().get(0).notBefore();
        while (!java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).isAfter(created)) {
            Thread.onSpinWait();
        }
        vm.rotate(PASS.toCharArray());
        assertEquals("", vm.passphraseErrorProperty().get());
        String second = vm.releaseKeyIdProperty().get();
        assertFalse(first.equals(second));
        assertEquals(2, vm.certs().size());
        assertEquals(second, vm.certs().stream().filter(KeysViewModel.CertRow::current).findFirst().orElseThrow().keyId());

        vm.registerTrust();
        assertEquals("", vm.messageProperty().get());
        JsonNode registered = fx.connection.session().client().getTrust("com.example.shop");
        assertEquals(vm.rootKeyIdProperty().get(), registered.at("/root/keyId").asText());
        assertEquals(2, registered.path("releaseCerts").size());

        Path out = home.resolve("export/capacitor-snippet.json");
        Files.createDirectories(out.getParent());
        vm.saveExport(out);
        assertEquals("", vm.messageProperty().get());
        JsonNode saved = Json.mapper().readTree(Files.readAllBytes(out));
        assertEquals("com.example.shop", saved.at("/plugins/PatchbayUpdater/appId").asText());
        assertEquals(vm.contentKeyIdProperty().get(), saved.at("/plugins/PatchbayUpdater/contentKeyId").asText());
        assertTrue(store.unlocked("com.example.shop").map(AppKeys::releaseKeyId).orElseThrow().equals(second));
    }

    @Test
    void creatingKeysTrustsTheLocalSandboxAtOnceAndTrustServerTakesThePassphraseLater() {
        vm.create(PASS.toCharArray(), PASS.toCharArray());
        assertTrue(vm.rootUnlockedProperty().get(), "keys created this session hold the root key");
        // The fixture's connection is the Local sandbox: trusted with the new keys, no extra step.
        assertTrue(vm.serverTrustedProperty().get(), vm.serverTrustProperty().get());
        assertTrue(vm.infoProperty().get().contains("Local sandbox is trusted with them"), vm.infoProperty().get());
        vm.reload();
        assertTrue(vm.serverTrustedProperty().get(), vm.serverTrustProperty().get());

        vm.registerTrust();
        assertEquals("", vm.messageProperty().get());
        assertTrue(vm.serverTrustedProperty().get(), vm.serverTrustProperty().get());
        var client = fx.connection.session().client();
        FreshnessCert cert = client.freshnessCert("com.example.shop");
        assertEquals(client.freshnessKey().keyId(), cert.keyId());
        cert.verify(AppKeys.readTrust("com.example.shop", home.resolve("keys/com.example.shop")).rootPublicKey(),
                "com.example.shop");

        // A later session: the root key is on disk only; the server still holds the certificate.
        store.lockAll();
        vm.reload();
        assertFalse(vm.rootUnlockedProperty().get());
        assertTrue(vm.serverTrustedProperty().get(), vm.serverTrustProperty().get());
        vm.trustServer(new char[0]);
        assertTrue(vm.passphraseErrorProperty().get().startsWith("Enter the passphrase"));
        vm.trustServer("not the passphrase".toCharArray());
        assertTrue(vm.passphraseErrorProperty().get().startsWith("Wrong passphrase"), vm.passphraseErrorProperty().get());
        char[] pass = PASS.toCharArray();
        vm.trustServer(pass);
        assertEquals("", vm.passphraseErrorProperty().get());
        assertEquals("", vm.messageProperty().get());
        assertArrayEquals(new char[pass.length], pass, "passphrase wiped");
        assertTrue(vm.serverTrustedProperty().get());
    }

    private static JsonNode parse(String text) {
        try {
            return Json.mapper().readTree(text);
        } catch (Exception e) {
            throw new AssertionError(text, e);
        }
    }

    private static List<byte[]> contents(Path dir) throws Exception {
        List<byte[]> out = new ArrayList<>();
        try (var s = Files.list(dir)) {
            for (Path p : s.sorted().toList()) {
                out.add(Files.readAllBytes(p));
            }
        }
        return out;
    }
}
