package dev.patchbay.console.channels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.patchbay.console.ConsoleFixture;
import dev.patchbay.console.apps.AppsViewModel;
import dev.patchbay.console.common.FormMode;
import dev.patchbay.domain.Channel;
import dev.patchbay.domain.ChannelDraft;
import dev.patchbay.domain.Platform;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Channels view model against a real sandbox server, without a stage. */
class ChannelsViewModelTest {
    @TempDir
    Path home;

    private ConsoleFixture fx;
    private AppsViewModel apps;
    private ChannelsViewModel vm;

    @BeforeEach
    void setUp() {
        fx = new ConsoleFixture(home);
        apps = new AppsViewModel(fx.connection, fx.data, fx.tasks);
        vm = new ChannelsViewModel(fx.connection, fx.data, fx.tasks, apps.apps(), apps::refresh);
        fx.online();
        apps.startCreate();
        apps.formIdProperty().set("com.example.shop");
        apps.formNameProperty().set("Shop");
        apps.submit();
    }

    @AfterEach
    void tearDown() {
        fx.close();
    }

    private Channel channel(String name) {
        return vm.channels().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }

    private void create(String name, boolean defaultAndroid) {
        vm.startCreate();
        vm.formNameProperty().set(name);
        vm.defaultAndroidProperty().set(defaultAndroid);
        vm.submit();
    }

    @Test
    void followsTheFirstAppAndCreatesChannels() {
        assertEquals("com.example.shop", vm.appProperty().get().id());
        create("production", true);
        create("beta", false);
        assertEquals(FormMode.CLOSED, vm.formModeProperty().get());
        assertEquals(List.of("beta", "production"), vm.channels().stream().map(Channel::name).toList());
        // The app's first channel is the default for every platform it serves (the form says so); the next is not.
        assertEquals(Set.of(Platform.ANDROID, Platform.IOS), channel("production").defaultFor());
        assertEquals(Set.of(), channel("beta").defaultFor());
        assertEquals("beta", vm.selectedProperty().get().name());
        vm.startCreate();
        assertEquals(ChannelsViewModel.DEFAULTS_HINT, vm.defaultsHintProperty().get());
        assertFalse(vm.defaultAndroidProperty().get());
    }

    @Test
    void openChoosesTheAppAndSelectsTheChannelRow() {
        create("production", true);
        create("beta", false);
        var other = fx.connection.session().client();
        other.createApp("com.example.news", "News");
        other.createChannel("com.example.news", ChannelDraft.named("nightly"));
        other.createChannel("com.example.news", ChannelDraft.named("stable"));
        vm.refresh();

        vm.open("com.example.news", "stable"); // the Overview's link to a rollout on another app
        assertEquals("com.example.news", vm.appProperty().get().id());
        assertEquals("stable", vm.selectedProperty().get().name());

        vm.open("com.example.news", "nightly"); // same app: only the row moves
        assertEquals("nightly", vm.selectedProperty().get().name());
        vm.open("com.example.shop", "production");
        assertEquals("com.example.shop", vm.appProperty().get().id());
        assertEquals("production", vm.selectedProperty().get().name());
        vm.open("com.example.gone", "x");
        assertEquals("com.example.shop", vm.appProperty().get().id(), "an unknown app changes nothing");
    }

    @Test
    void refreshShowsAppsAndChannelsMadeElsewhere() {
        // Another release manager (or the CLI) works on the same server.
        var other = fx.connection.session().client();
        other.createApp("com.example.news", "News");
        other.createChannel("com.example.news", ChannelDraft.named("nightly"));
        assertEquals(List.of("com.example.shop"), vm.apps().stream().map(a -> a.id()).toList());

        vm.refresh();
        assertEquals(List.of("com.example.news", "com.example.shop"), vm.apps().stream().map(a -> a.id()).toList());
        vm.appProperty().set(vm.apps().get(0));
        assertEquals(List.of("nightly"), vm.channels().stream().map(Channel::name).toList());
    }

    @Test
    void makingAChannelTheDefaultClearsItElsewhere() {
        create("production", true);
        create("beta", false);
        vm.selectedProperty().set(channel("beta"));
        vm.startEdit();
        assertEquals(FormMode.EDIT, vm.formModeProperty().get());
        vm.defaultAndroidProperty().set(true);
        vm.formDescriptionProperty().set("Early adopters");
        vm.submit();
        assertEquals(FormMode.CLOSED, vm.formModeProperty().get());
        assertEquals(Set.of(Platform.ANDROID), channel("beta").defaultFor());
        assertEquals("Early adopters", channel("beta").description());
        assertEquals(Set.of(Platform.IOS), channel("production").defaultFor(), "list was read again after the save");
    }

    @Test
    void editSendsOnlyWhatChanged() {
        create("beta", false);
        vm.selectedProperty().set(channel("beta"));
        vm.startEdit();
        vm.selfAssignProperty().set(true);
        ChannelDraft draft = vm.draft(FormMode.EDIT);
        assertEquals(new ChannelDraft(null, null, null, null, true, null, null), draft);
    }

    @Test
    void theUpdateGateIsChosenOnCreateAndChangedOnEdit() {
        vm.startCreate();
        assertEquals(dev.patchbay.domain.UpdateGate.NONE, vm.updateGateProperty().get());
        assertEquals(List.of(dev.patchbay.domain.UpdateGate.values()), List.copyOf(vm.updateGateChoices()));
        vm.formNameProperty().set("stable");
        vm.updateGateProperty().set(dev.patchbay.domain.UpdateGate.MINOR);
        vm.submit();
        assertEquals(FormMode.CLOSED, vm.formModeProperty().get());
        assertEquals(dev.patchbay.domain.UpdateGate.MINOR, channel("stable").updateGate());
        vm.selectedProperty().set(channel("stable"));
        vm.startEdit();
        assertEquals(dev.patchbay.domain.UpdateGate.MINOR, vm.updateGateProperty().get());
        assertEquals(new ChannelDraft(null, null, null, null, null, null, null), vm.draft(FormMode.EDIT));
        vm.updateGateProperty().set(dev.patchbay.domain.UpdateGate.MAJOR);
        assertEquals(new ChannelDraft(null, null, null, null, null, null, null, dev.patchbay.domain.UpdateGate.MAJOR),
                vm.draft(FormMode.EDIT));
        vm.submit();
        assertEquals(dev.patchbay.domain.UpdateGate.MAJOR, channel("stable").updateGate());
    }

    @Test
    void rejectsADefaultForAPlatformTheChannelDoesNotServe() {
        vm.startCreate();
        vm.formNameProperty().set("ios-only");
        vm.servesAndroidProperty().set(false);
        vm.defaultAndroidProperty().set(true);
        vm.submit();
        assertTrue(vm.platformsErrorProperty().get().contains("android"), vm.platformsErrorProperty().get());
        assertTrue(vm.channels().isEmpty());
        vm.servesAndroidProperty().set(true);
        vm.formNameProperty().set("bad name!");
        vm.submit();
        assertEquals("", vm.platformsErrorProperty().get());
        assertTrue(vm.nameErrorProperty().get().contains("letters, digits"), vm.nameErrorProperty().get());
    }

    @Test
    void aDuplicateNameIsReportedOnTheNameField() {
        create("beta", false);
        create("beta", false);
        assertEquals(FormMode.CREATE, vm.formModeProperty().get());
        assertTrue(!vm.nameErrorProperty().get().isEmpty());
    }

    @Test
    void deletesTheSelectedChannel() {
        create("beta", false);
        create("production", false);
        vm.selectedProperty().set(channel("beta"));
        vm.deleteSelected();
        assertEquals(List.of("production"), vm.channels().stream().map(Channel::name).toList());
        vm.reload();
        assertEquals(List.of("production"), vm.channels().stream().map(Channel::name).toList());
    }

    @Test
    void offlineKeepsTheCachedChannelsAndDisablesChanges() {
        create("beta", false);
        fx.sandbox.close();
        vm.refresh();
        assertEquals(List.of("beta"), vm.channels().stream().map(Channel::name).toList());
        assertTrue(vm.cannotModifyProperty().get());
        vm.startCreate();
        vm.formNameProperty().set("gamma");
        vm.submit();
        assertTrue(vm.formErrorProperty().get().startsWith("Offline"), vm.formErrorProperty().get());
        assertEquals(FormMode.CREATE, vm.formModeProperty().get(), "the form stays open with what was typed");
    }

    @Test
    void noAppMeansNoChannels() {
        apps.selectedProperty().set(apps.apps().get(0));
        apps.deleteSelected();
        assertNull(vm.appProperty().get());
        assertTrue(vm.channels().isEmpty());
        assertTrue(vm.cannotModifyProperty().get());
    }
}
