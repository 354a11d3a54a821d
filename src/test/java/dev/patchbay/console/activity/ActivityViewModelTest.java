package dev.patchbay.console.activity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.patchbay.client.AuditEntry;
import dev.patchbay.client.PatchbayClient;
import dev.patchbay.console.ConsoleFixture;
import dev.patchbay.console.apps.AppsViewModel;
import dev.patchbay.domain.ChannelDraft;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Activity view model against a real sandbox server, without a stage. */
class ActivityViewModelTest {
    @TempDir
    Path home;

    private ConsoleFixture fx;
    private AppsViewModel apps;
    private ActivityViewModel vm;
    private PatchbayClient client;

    @BeforeEach
    void setUp() {
        fx = new ConsoleFixture(home);
        apps = new AppsViewModel(fx.connection, fx.data, fx.tasks);
        vm = new ActivityViewModel(fx.connection, fx.tasks, apps.apps(), ZoneOffset.UTC);
        fx.online();
        client = fx.connection.session().client();
        client.createApp("com.example.shop", "Shop");
        client.createApp("com.example.news", "News");
        for (int i = 0; i < 120; i++) {
            client.createChannel("com.example.shop", ChannelDraft.named("c" + i).withDefaults());
        }
    }

    @AfterEach
    void tearDown() {
        fx.close();
    }

    private List<String> actions() {
        return vm.entries().stream().map(AuditEntry::action).toList();
    }

    @Test
    void pagesWithLoadMoreAndFilters() {
        vm.search();
        assertEquals(ActivityViewModel.PAGE, vm.entries().size());
        assertTrue(vm.moreProperty().get());
        assertEquals("channel.create", vm.entries().get(0).action());
        vm.loadMore();
        assertEquals(122, vm.entries().size(), "120 channels and 2 apps");
        assertFalse(vm.moreProperty().get());
        assertEquals(122, new HashSet<>(vm.entries().stream().map(AuditEntry::id).toList()).size(), "no repeats");
        assertEquals("app.create", vm.entries().get(121).action());

        vm.actionProperty().set("app.");
        assertEquals(List.of("app.create", "app.create"), actions());
        apps.refresh();
        assertTrue(vm.appChoices().containsAll(List.of("", "com.example.shop", "com.example.news")), vm.appChoices().toString());
        vm.appProperty().set("com.example.news");
        assertEquals(List.of("app.create"), actions());
        vm.actionProperty().set("");
        vm.actorProperty().set("nobody");
        assertEquals(1, vm.entries().size(), "the actor filter waits for Enter / Search");
        vm.search();
        assertEquals(List.of(), actions());
        vm.actorProperty().set("ADMIN");
        vm.search();
        assertEquals(List.of("app.create"), actions());

        LocalDate today = LocalDate.ofInstant(Instant.now(), ZoneOffset.UTC);
        vm.fromDateProperty().set(today.plusDays(1));
        assertEquals(List.of(), actions());
        vm.fromDateProperty().set(today);
        vm.toDateProperty().set(today);
        assertEquals(List.of("app.create"), actions(), "To is the whole day");
        vm.toDateProperty().set(today.minusDays(1));
        assertTrue(vm.messageProperty().get().contains("From date is after the To date"), vm.messageProperty().get());
        vm.toDateProperty().set(null);
        assertEquals("", vm.messageProperty().get());
    }

    @Test
    void theSelectedEntryReadsInFull() {
        vm.search();
        vm.selectedProperty().set(vm.entries().get(0));
        String detail = vm.detailProperty().get();
        assertTrue(detail.contains("Action:  channel.create"), detail);
        assertTrue(detail.contains("Target:  com.example.shop/c119"), detail);
        assertEquals("{\n  \"a\" : 1,\n  \"b\" : [ 2, 3 ]\n}", ActivityViewModel.pretty("{\"a\":1,\"b\":[2,3]}"));
        assertEquals("name=Shop -> Shop 2", ActivityViewModel.pretty("name=Shop -> Shop 2"));
        assertEquals("{not json", ActivityViewModel.pretty("{not json"));
        assertEquals("(no detail)", ActivityViewModel.pretty(""));
        vm.selectedProperty().set(null);
        assertEquals("", vm.detailProperty().get());
    }
}
