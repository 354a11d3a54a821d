package dev.patchbay.console.connections;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.patchbay.console.ConsoleFixture;
import dev.patchbay.console.common.FormMode;
import dev.patchbay.console.connection.ConnectionState;
import dev.patchbay.console.settings.SavedConnection;
import dev.patchbay.console.settings.SecretStore;
import dev.patchbay.console.settings.Settings;
import dev.patchbay.server.PatchbayServer;
import dev.patchbay.server.ServerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Saved remote connections: validation, secrets kept apart, test, switch and remove; a real remote server. */
class ConnectionsViewModelTest {
    @TempDir
    Path home;
    @TempDir
    Path remoteDir;

    private ConsoleFixture fx;
    private ConnectionsViewModel vm;
    private PatchbayServer remote;
    private String remoteKey;

    @BeforeEach
    void setUp() throws Exception {
        fx = new ConsoleFixture(home);
        vm = new ConnectionsViewModel(fx.settings, fx.secrets, fx.connection, fx.tasks, fx.cache::forgetConnection);
        remote = PatchbayServer.start(new ServerConfig("127.0.0.1", 0, remoteDir));
        remoteKey = Files.readString(remote.adminApiKeyFile()).strip();
    }

    @AfterEach
    void tearDown() {
        remote.close();
        fx.close();
    }

    private void fill(String name, String url, String key) {
        vm.formNameProperty().set(name);
        vm.formUrlProperty().set(url);
        vm.formApiKeyProperty().set(key);
    }

    @Test
    void listsTheSandboxFirst() {
        assertEquals(1, vm.items().size());
        assertTrue(vm.items().get(0).sandbox());
        assertEquals(Settings.SANDBOX_ID, vm.items().get(0).id());
    }

    @Test
    void validatesEachFieldInline() {
        vm.startAdd();
        fill("", "https://x.example", "k");
        vm.save();
        assertEquals("Name is required", vm.nameErrorProperty().get());
        fill("Prod", "ftp://nope", "k");
        vm.save();
        assertTrue(vm.urlErrorProperty().get().contains("http"), vm.urlErrorProperty().get());
        assertEquals("", vm.nameErrorProperty().get());
        fill("Prod", "https://x.example", "");
        vm.save();
        assertEquals("API key is required", vm.apiKeyErrorProperty().get());
        assertEquals(FormMode.CREATE, vm.formModeProperty().get());
        assertTrue(fx.settings.connections().isEmpty());
    }

    @Test
    void savesTheConnectionAndKeepsTheKeyOutOfTheSettings() throws Exception {
        vm.startAdd();
        fill("Staging", remote.url(), remoteKey);
        vm.save();
        assertEquals(FormMode.CLOSED, vm.formModeProperty().get());
        SavedConnection saved = fx.settings.connections().get(0);
        assertEquals("Staging", saved.name());
        assertEquals(remote.url(), saved.url());
        assertEquals(remoteKey, SecretStore.load(home).apiKey(saved.id()).orElseThrow());
        assertFalse(fx.settings.snapshot().toString().contains(remoteKey));
        assertEquals(2, vm.items().size());

        // Edit without retyping the key keeps it.
        vm.selectedProperty().set(vm.items().get(1));
        vm.startEdit();
        vm.formNameProperty().set("Staging EU");
        vm.formApiKeyProperty().set("");
        vm.save();
        assertEquals("Staging EU", fx.settings.connections().get(0).name());
        assertEquals(remoteKey, SecretStore.load(home).apiKey(saved.id()).orElseThrow());
    }

    @Test
    void testConnectionSaysWhetherUrlAndKeyWork() {
        vm.startAdd();
        fill("Staging", remote.url(), remoteKey);
        vm.testConnection();
        assertTrue(vm.testResultProperty().get().startsWith("Connection works"), vm.testResultProperty().get());
        fill("Staging", remote.url(), "wrong-key");
        vm.testConnection();
        assertTrue(vm.testResultProperty().get().startsWith("Connection failed"), vm.testResultProperty().get());
        String url = remote.url();
        remote.close();
        fill("Staging", url, remoteKey);
        vm.testConnection();
        assertTrue(vm.testResultProperty().get().startsWith("Connection failed")
                && vm.testResultProperty().get().contains(url), vm.testResultProperty().get());
    }

    @Test
    void switchesConnectionsAndFallsBackToTheSandboxWhenTheActiveOneIsRemoved() {
        vm.startAdd();
        fill("Staging", remote.url(), remoteKey);
        vm.save();
        vm.selectedProperty().set(vm.items().get(1));
        vm.useSelected();
        assertEquals(ConnectionState.ONLINE, fx.connection.stateProperty().get());
        assertEquals("Staging", fx.connection.session().label());
        assertEquals(remote.url(), fx.connection.session().client().baseUrl());
        String remoteId = vm.items().get(1).id();
        assertEquals(remoteId, fx.settings.activeConnectionProperty().get());
        fx.data.fetchApps(fx.connection.session());
        assertTrue(fx.cache.apps(remoteId).isKnown(), "the remote's apps are cached");

        vm.removeSelected();
        assertFalse(fx.cache.apps(remoteId).isKnown(), "a removed connection leaves nothing in the cache");
        assertEquals(List.of(), fx.settings.connections());
        assertEquals(Settings.SANDBOX_ID, fx.settings.activeConnectionProperty().get());
        assertEquals("Local sandbox", fx.connection.session().label());
        assertTrue(SecretStore.load(home).apiKey("anything").isEmpty());
    }

    @Test
    void switchingConnectionReloadsThePages() {
        dev.patchbay.console.apps.AppsViewModel apps = new dev.patchbay.console.apps.AppsViewModel(fx.connection, fx.data, fx.tasks);
        fx.online();
        apps.startCreate();
        apps.formIdProperty().set("com.example.sandboxonly");
        apps.formNameProperty().set("Sandbox only");
        apps.submit();
        dev.patchbay.client.PatchbayClient.connect(remote.url(), remoteKey).createApp("com.example.remoteonly", "Remote only");

        vm.startAdd();
        fill("Staging", remote.url(), remoteKey);
        vm.save();
        vm.selectedProperty().set(vm.items().get(1));
        vm.useSelected();
        assertEquals(List.of("com.example.remoteonly"), apps.apps().stream().map(dev.patchbay.domain.App::id).toList());

        vm.selectedProperty().set(vm.items().get(0));
        vm.useSelected();
        assertEquals(ConnectionState.ONLINE, fx.connection.stateProperty().get());
        assertEquals(List.of("com.example.sandboxonly"), apps.apps().stream().map(dev.patchbay.domain.App::id).toList());
    }
}
