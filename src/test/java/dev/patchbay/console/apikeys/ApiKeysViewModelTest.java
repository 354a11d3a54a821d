package dev.patchbay.console.apikeys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.patchbay.client.ApiKey;
import dev.patchbay.client.PatchbayClient;
import dev.patchbay.client.UnauthorizedException;
import dev.patchbay.console.ConsoleFixture;
import dev.patchbay.console.common.FormMode;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The API keys page's view model against a real sandbox server, without a stage. */
class ApiKeysViewModelTest {
    @TempDir
    Path home;

    private ConsoleFixture fx;
    private ApiKeysViewModel vm;
    private PatchbayClient client;

    @BeforeEach
    void setUp() {
        fx = new ConsoleFixture(home);
        vm = new ApiKeysViewModel(fx.connection, fx.tasks, Clock.systemUTC());
        fx.online();
        client = fx.connection.session().client();
        client.createApp("com.example.shop", "Shop");
    }

    @AfterEach
    void tearDown() {
        fx.close();
    }

    private List<String> names() {
        return vm.keys().stream().map(ApiKey::name).toList();
    }

    @Test
    void createShowsTheSecretOnceAndTheKeyWorksWithItsScope() {
        vm.refresh();
        assertEquals(List.of("admin"), names());
        vm.startCreate();
        assertEquals(FormMode.CREATE, vm.formModeProperty().get());
        vm.formNameProperty().set("ci-shop");
        vm.formRoleProperty().set("publisher");
        vm.formAppsProperty().set("com.example.shop");
        vm.formExpiresProperty().set("90d");
        vm.submit();
        assertEquals(FormMode.CLOSED, vm.formModeProperty().get(), vm.formErrorProperty().get());
        String secret = vm.secretProperty().get();
        assertTrue(secret.startsWith("pbk_"), secret);
        assertEquals(List.of("admin", "ci-shop"), names());
        ApiKey k = vm.keys().get(1);
        assertEquals(List.of("com.example.shop"), k.apps());
        assertTrue(k.expiresAt().isAfter(Instant.now().plus(Duration.ofDays(89))), k.toString());

        PatchbayClient ci = PatchbayClient.connect(client.baseUrl(), secret);
        assertEquals(List.of("com.example.shop"), ci.listApps().stream().map(a -> a.id()).toList());
        vm.hideSecret();
        assertEquals("", vm.secretProperty().get());
    }

    @Test
    void formErrorsLandUnderTheirFields() {
        vm.refresh();
        vm.startCreate();
        vm.submit();
        assertFalse(vm.nameErrorProperty().get().isEmpty(), "a name is needed");
        vm.formNameProperty().set("admin");
        vm.submit();
        assertTrue(vm.nameErrorProperty().get().contains("already exists"), vm.nameErrorProperty().get());
        vm.formNameProperty().set("x");
        vm.formExpiresProperty().set("tomorrow");
        vm.submit();
        assertFalse(vm.expiresErrorProperty().get().isEmpty());
        vm.formExpiresProperty().set("");
        vm.formRoleProperty().set("admin");
        vm.formAppsProperty().set("com.example.shop");
        vm.submit();
        assertFalse(vm.appsErrorProperty().get().isEmpty());
        assertEquals(FormMode.CREATE, vm.formModeProperty().get());
        assertNull(ApiKeysViewModel.expiry(" ", Instant.now()));
    }

    @Test
    void revokeAndRotateTakeEffectAtOnce() {
        String viewer = client.apiKeys().create("support", "viewer", null, null).secret();
        vm.refresh();
        vm.selectedProperty().set(vm.keys().get(1));
        vm.rotateSelected();
        String rotated = vm.secretProperty().get();
        assertThrows(UnauthorizedException.class, () -> PatchbayClient.connect(client.baseUrl(), viewer).whoami());
        assertEquals("support", PatchbayClient.connect(client.baseUrl(), rotated).whoami().name());

        vm.selectedProperty().set(vm.keys().stream().filter(k -> k.name().equals("support")).findFirst().orElseThrow());
        vm.revokeSelected();
        assertThrows(UnauthorizedException.class, () -> PatchbayClient.connect(client.baseUrl(), rotated).whoami());
        assertEquals(List.of("admin"), names(), "revoked keys are hidden by default");
        vm.showAllProperty().set(true);
        assertEquals(List.of("admin", "support", "support"), names());
        assertTrue(vm.keys().stream().noneMatch(k -> k.name().equals("support") && k.active()));
    }

    @Test
    void rotatingTheSandboxAdminKeyReconnectsTheConsoleWithTheNewOne() {
        vm.refresh();
        vm.selectedProperty().set(vm.keys().get(0));
        assertEquals("admin", vm.selectedProperty().get().name());
        vm.rotateSelected();
        assertThrows(UnauthorizedException.class, client::whoami, "the old admin key is refused at once");
        PatchbayClient now = fx.connection.session().client();
        assertEquals("admin", now.whoami().name(), "the console reconnected with the rotated key");
        assertEquals(List.of("admin"), names());
        assertTrue(vm.secretNoteProperty().get().contains("reconnected"), vm.secretNoteProperty().get());
    }
}
