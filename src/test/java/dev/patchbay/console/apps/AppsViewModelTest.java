package dev.patchbay.console.apps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.patchbay.console.ConsoleFixture;
import dev.patchbay.console.common.FormMode;
import dev.patchbay.console.connection.ConnectionState;
import dev.patchbay.domain.App;
import dev.patchbay.domain.ChannelDraft;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Apps view model against a real sandbox server, without a stage. */
class AppsViewModelTest {
    @TempDir
    Path home;

    private ConsoleFixture fx;
    private AppsViewModel vm;

    @BeforeEach
    void setUp() {
        fx = new ConsoleFixture(home);
        vm = new AppsViewModel(fx.connection, fx.data, fx.tasks);
        fx.online();
    }

    @AfterEach
    void tearDown() {
        fx.close();
    }

    private void create(String id, String name) {
        vm.startCreate();
        vm.formIdProperty().set(id);
        vm.formNameProperty().set(name);
        vm.submit();
    }

    @Test
    void createsAnAppAndClosesTheForm() {
        create("com.example.shop", "Shop");
        assertEquals(FormMode.CLOSED, vm.formModeProperty().get());
        assertEquals(List.of("com.example.shop"), vm.apps().stream().map(App::id).toList());
        assertEquals("com.example.shop", vm.selectedProperty().get().id());
        assertEquals(List.of("com.example.shop"), fx.cache.apps("sandbox").value().stream().map(App::id).toList(),
                "writes reach the cache after the server");
    }

    @Test
    void localValidationPutsTheMessageUnderTheField() {
        create("shop", "Shop");
        assertEquals(FormMode.CREATE, vm.formModeProperty().get());
        assertTrue(vm.idErrorProperty().get().contains("reverse-domain"), vm.idErrorProperty().get());
        assertEquals("", vm.nameErrorProperty().get());
        create("com.example.shop", " ");
        assertTrue(vm.nameErrorProperty().get().contains("required"), vm.nameErrorProperty().get());
        assertEquals("", vm.idErrorProperty().get());
        assertTrue(vm.apps().isEmpty());
    }

    @Test
    void aDuplicateIdIsReportedOnTheIdField() {
        create("com.example.shop", "Shop");
        create("com.example.shop", "Shop again");
        assertEquals(FormMode.CREATE, vm.formModeProperty().get());
        assertFalse(vm.idErrorProperty().get().isEmpty(), "409 lands on the id field");
        assertEquals(1, vm.apps().size());
    }

    @Test
    void renamesTheSelectedApp() {
        create("com.example.shop", "Shop");
        vm.startRename();
        assertEquals("com.example.shop", vm.formIdProperty().get());
        vm.formNameProperty().set("Shop Deluxe");
        vm.submit();
        assertEquals(FormMode.CLOSED, vm.formModeProperty().get());
        assertEquals("Shop Deluxe", vm.apps().get(0).name());
    }

    @Test
    void deletesTheSelectedAppWithItsChannels() {
        create("com.example.shop", "Shop");
        create("com.example.news", "News");
        fx.data.createChannel(fx.connection.session(), "com.example.shop", ChannelDraft.named("beta"));
        vm.selectedProperty().set(vm.apps().stream().filter(a -> a.id().equals("com.example.shop")).findFirst().orElseThrow());
        vm.deleteSelected();
        assertEquals(List.of("com.example.news"), vm.apps().stream().map(App::id).toList());
        vm.reload();
        assertEquals(List.of("com.example.news"), vm.apps().stream().map(App::id).toList());
        assertTrue(fx.cache.channels("sandbox", "com.example.shop").value().isEmpty());
    }

    @Test
    void switchesCapgoCompatibleDeliveryOnAndOffThroughTheServerAndCache() {
        create("com.example.shop", "Shop");
        assertFalse(vm.selectedProperty().get().capgoCompat());
        assertTrue(AppsViewModel.CAPGO_WARNING.contains("no anti-rollback")
                && AppsViewModel.CAPGO_WARNING.contains("without a MAC"), "the warning names what the plugin lacks");
        vm.setCapgoCompat(true);
        assertTrue(vm.apps().get(0).capgoCompat());
        assertTrue(fx.data.cachedApps(fx.connection.session()).value().get(0).capgoCompat(), "kept in the cache");
        assertTrue(fx.connection.session().requireClient().getApp("com.example.shop").capgoCompat(), "on the server");
        vm.setCapgoCompat(false);
        assertFalse(fx.connection.session().requireClient().getApp("com.example.shop").capgoCompat());
    }

    @Test
    void whenTheServerIsGoneTheListStaysAndEditingStops() {
        create("com.example.shop", "Shop");
        vm.reload();
        assertNotNull(vm.fetchedAtProperty().get());
        assertFalse(vm.cannotModifyProperty().get());
        fx.sandbox.close();
        vm.refresh();
        assertEquals(ConnectionState.OFFLINE, fx.connection.stateProperty().get());
        assertNotNull(fx.connection.offlineSinceProperty().get());
        assertEquals(List.of("com.example.shop"), vm.apps().stream().map(App::id).toList());
        assertTrue(vm.cannotModifyProperty().get());
        assertTrue(fx.connection.readOnlyReasonProperty().get().startsWith("Offline"));
        assertEquals("", vm.messageProperty().get(), "unreachable is said by the offline notice, not as a page error");
    }

    @Test
    void aFreshConsoleShowsTheCacheBeforeTheServerAnswers() {
        create("com.example.shop", "Shop");
        vm.reload();
        fx.sandbox.close();
        AppsViewModel second = new AppsViewModel(fx.connection, fx.data, fx.tasks);
        second.reload();
        assertEquals(List.of("com.example.shop"), second.apps().stream().map(App::id).toList());
        assertEquals(vm.fetchedAtProperty().get(), second.fetchedAtProperty().get());
        assertEquals(ConnectionState.OFFLINE, fx.connection.stateProperty().get());
    }
}
