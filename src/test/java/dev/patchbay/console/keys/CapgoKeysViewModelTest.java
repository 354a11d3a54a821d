package dev.patchbay.console.keys;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patchbay.console.ConsoleFixture;
import dev.patchbay.console.apps.AppsViewModel;
import dev.patchbay.crypto.KeyFileOptions;
import dev.patchbay.crypto.capgo.CapgoKeyFile;
import dev.patchbay.crypto.capgo.CapgoKeyPair;
import dev.patchbay.domain.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Capgo part of the Keys page against a real sandbox and real key files (docs/capgo-compat.md §2): importing the
 * reference CLI's private PEM keeps its public key, the pair is stored under the Patchbay keys' passphrase, and the
 * export is the capacitor.config snippet the CLI prints.
 */
class CapgoKeysViewModelTest {
    static final String PASS = "correct horse battery";

    @TempDir
    Path home;
    @TempDir
    Path work;

    private ConsoleFixture fx;
    private AppKeyStore store;
    private KeysViewModel keys;
    private CapgoKeysViewModel vm;

    @BeforeEach
    void setUp() {
        fx = new ConsoleFixture(home);
        AppsViewModel apps = new AppsViewModel(fx.connection, fx.data, fx.tasks);
        store = new AppKeyStore(home.resolve("keys"), KeyFileOptions.FAST);
        keys = new KeysViewModel(fx.connection, fx.tasks, apps.apps(), store);
        vm = keys.capgo();
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
    void importsTheReferencePemUnderTheAppsPassphraseAndExportsTheSnippet() throws Exception {
        Path dir = home.resolve("keys/com.example.shop");
        // Before the Patchbay keys exist there is no passphrase to store the pair under.
        vm.create(PASS.toCharArray());
        assertTrue(vm.messageProperty().get().contains("Patchbay keys first"), vm.messageProperty().get());
        assertFalse(CapgoKeyFile.exists(dir));

        keys.create(PASS.toCharArray(), PASS.toCharArray());
        assertFalse(vm.existsProperty().get());
        CapgoKeyPair reference = CapgoKeyPair.generate();
        Path pem = Files.writeString(work.resolve(".capgo_key_v2"), reference.privatePem(), StandardCharsets.US_ASCII);

        vm.importPem(pem, "a different passphrase".toCharArray());
        assertTrue(vm.passphraseErrorProperty().get().startsWith("Wrong passphrase"), vm.passphraseErrorProperty().get());
        assertFalse(CapgoKeyFile.exists(dir), "nothing written");

        Path notPem = Files.writeString(work.resolve("notes.txt"), "hello");
        vm.importPem(notPem, PASS.toCharArray());
        assertFalse(vm.messageProperty().get().isEmpty());
        assertFalse(CapgoKeyFile.exists(dir));

        char[] pass = PASS.toCharArray();
        vm.importPem(pem, pass);
        assertArrayEquals(new char[pass.length], pass, "passphrase wiped");
        assertEquals("", vm.messageProperty().get());
        assertTrue(vm.infoProperty().get().startsWith("Imported"));
        assertTrue(vm.existsProperty().get());
        // Stored encrypted; the same passphrase opens it and yields the imported pair.
        assertFalse(Files.readString(dir.resolve(CapgoKeyFile.FILE)).contains("PRIVATE KEY"));
        assertTrue(CapgoKeyFile.read(dir, "com.example.shop", PASS.toCharArray()).sameAs(reference));
        assertTrue(store.capgoUnlocked("com.example.shop").orElseThrow().sameAs(reference));

        String text = vm.exportTextProperty().get();
        assertTrue(text.contains(reference.keyId()), text);
        JsonNode snippet = Json.mapper().readTree(text.substring(text.indexOf('{')));
        assertEquals(reference.publicPem(), snippet.at("/plugins/CapacitorUpdater/publicKey").asText());

        // Shown again after a restart of the page (read from capgo.pub, no passphrase).
        store.lockAll();
        vm.reload();
        assertEquals(text, vm.exportTextProperty().get());
    }
}
