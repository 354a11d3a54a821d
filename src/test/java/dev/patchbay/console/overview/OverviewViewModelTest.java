package dev.patchbay.console.overview;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.patchbay.client.PatchbayClient;
import dev.patchbay.client.ProgressListener;
import dev.patchbay.client.RolloutStart;
import dev.patchbay.console.ConsoleFixture;
import dev.patchbay.console.apps.AppsViewModel;
import dev.patchbay.console.overview.OverviewViewModel.AppCard;
import dev.patchbay.console.overview.OverviewViewModel.RolloutLine;
import dev.patchbay.domain.ChannelDraft;
import dev.patchbay.domain.rollout.RolloutPlan;
import dev.patchbay.domain.rollout.RolloutStage;
import dev.patchbay.server.TestReleases;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Overview view model against a real sandbox server, without a stage. */
public class OverviewViewModelTest {
    @TempDir
    Path home;

    private ConsoleFixture fx;
    private AppsViewModel apps;
    private OverviewViewModel vm;
    private final List<String> opened = new ArrayList<>();

    @BeforeEach
    void setUp() {
        fx = new ConsoleFixture(home);
        apps = new AppsViewModel(fx.connection, fx.data, fx.tasks);
        vm = new OverviewViewModel(fx.connection, fx.tasks, apps.apps(), apps::refresh,
                (app, channel) -> opened.add(app + "/" + channel));
        fx.online();
    }

    @AfterEach
    void tearDown() {
        fx.close();
    }

    /** Publishes 1.5.0 for {@code app} and starts a rollout of it on production, as a key holder would. */
    public static void startRollout(PatchbayClient client, Path dir, String app, Integer bps, RolloutPlan plan)
            throws Exception {
        TestReleases keys = new TestReleases(app);
        client.registerTrust(app, keys.trustJson());
        TestReleases.Sealed b = keys.seal("1.5.0", 1, 1000);
        client.publishBundle(app, "1.5.0", b.envelope(), b.writeTo(dir), b.blobs(), ProgressListener.NONE);
        client.startRollout(app, "production", new RolloutStart("1.5.0", bps, plan, null, null, "first devices"));
    }

    @Test
    void aCardPerAppWithItsRolloutsInFlight() throws Exception {
        PatchbayClient client = fx.connection.session().client();
        client.createApp("com.example.shop", "Shop");
        client.createApp("com.example.news", "News");
        client.createChannel("com.example.shop", ChannelDraft.named("production").withDefaults());
        startRollout(client, home.resolve("blobs"), "com.example.shop", null, new RolloutPlan(true, List.of(
                new RolloutStage(100, 3600, "healthy"), new RolloutStage(2500, 3600, "healthy"),
                new RolloutStage(10000, 0, "none"))));

        vm.setActive(true);
        apps.refresh();
        assertEquals(List.of("com.example.news", "com.example.shop"),
                vm.cards().stream().map(c -> c.app().id()).toList(), "loaded when the app list arrived");
        AppCard shop = vm.cards().get(1);
        assertNull(shop.problem());
        assertEquals(0, shop.overview().devices());
        RolloutLine line = shop.rollouts().get(0);
        assertEquals("1.00 %", line.percent());
        assertEquals(0.01, line.progress(), 1e-9);
        assertEquals("running", line.state());
        assertEquals("builtin → 1.5.0", line.bundles());
        assertEquals("stage 1 of 3", line.stage());
        assertTrue(vm.cards().get(0).rollouts().isEmpty());
        assertTrue(vm.fetchedAtProperty().get() != null);

        client.setRolloutPercentage("com.example.shop", "production", 2500, "more");
        client.pauseRollout("com.example.shop", "production", "look at the crash reports");
        vm.tick();
        line = vm.cards().get(1).rollouts().get(0);
        assertEquals("25.00 %", line.percent());
        assertEquals("paused", line.state());
        assertEquals("stage 2 of 3", line.stage());

        vm.open(line.rollout());
        assertEquals(List.of("com.example.shop/production"), opened);
    }

    @Test
    void oneAppsProblemDoesNotHideTheOthersAndInactiveIgnoresAppChanges() {
        PatchbayClient client = fx.connection.session().client();
        client.createApp("com.example.shop", "Shop");
        apps.refresh();
        assertTrue(vm.cards().isEmpty(), "not shown: the app list changing asks nothing");
        client.createApp("com.example.news", "News");
        vm.refresh();
        assertEquals(2, vm.cards().size());
        // An app deleted after the list was read: its card says so, the other card still has numbers.
        client.deleteApp("com.example.news");
        vm.load();
        AppCard news = vm.cards().stream().filter(c -> c.app().id().equals("com.example.news")).findFirst().orElseThrow();
        assertNull(news.overview());
        assertTrue(news.problem().contains("com.example.news"), news.problem());
        assertEquals(0, vm.cards().stream().filter(c -> c.app().id().equals("com.example.shop")).findFirst()
                .orElseThrow().overview().failures24h());
        assertEquals("", vm.messageProperty().get());
    }
}
