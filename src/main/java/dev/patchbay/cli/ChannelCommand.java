package dev.patchbay.cli;

import dev.patchbay.domain.Channel;
import dev.patchbay.domain.ChannelDraft;
import dev.patchbay.domain.Names;
import dev.patchbay.domain.Platform;
import dev.patchbay.domain.UpdateGate;
import dev.patchbay.domain.ValidationException;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "channel", mixinStandardHelpOptions = true, description = "Manage an app's channels.",
        subcommands = {ChannelCommand.Create.class, ChannelCommand.ListChannels.class, ChannelCommand.Show.class,
                ChannelCommand.Update.class, ChannelCommand.Delete.class})
final class ChannelCommand {

    /** Options shared by create and update; unset options keep the server's default (create) or current value (update). */
    static final class Settings {
        @Option(names = "--description", paramLabel = "TEXT")
        String description;

        @Option(names = "--default-for", paramLabel = "PLATFORMS",
                description = "Platforms for which this is the default channel: android, ios, android,ios or none")
        String defaultFor;

        @Option(names = "--platforms", paramLabel = "PLATFORMS",
                description = "Platforms the channel serves (default on create: android,ios)")
        String platforms;

        @Option(names = "--self-assign", negatable = true, description = "Let devices switch themselves to this channel")
        Boolean selfAssign;

        @Option(names = "--emulators", negatable = true, description = "Serve emulators")
        Boolean emulators;

        @Option(names = "--dev-builds", negatable = true, description = "Serve debug (non-production) builds")
        Boolean devBuilds;

        @Option(names = "--physical-devices", negatable = true,
                description = "Serve physical devices (--no-physical-devices: emulators only)")
        Boolean physicalDevices;

        @Option(names = "--production-builds", negatable = true,
                description = "Serve production builds (--no-production-builds: development builds only)")
        Boolean productionBuilds;

        @Option(names = "--update-gate", paramLabel = "GATE",
                description = "Native version boundary a bundle may not cross: none (default on create), major, minor"
                        + " or patch")
        String updateGate;

        ChannelDraft draft(String name) {
            return new ChannelDraft(name, description, platforms("--default-for", defaultFor),
                    platforms("--platforms", platforms), selfAssign, emulators, devBuilds, gate(updateGate),
                    physicalDevices, productionBuilds);
        }

        static UpdateGate gate(String value) {
            if (value == null) {
                return null;
            }
            try {
                return UpdateGate.parse(value);
            } catch (ValidationException e) {
                throw new CliException("--update-gate: " + e.getMessage());
            }
        }

        /** "android,ios", "ios" or "none"; {@code null} when the option was not given. */
        static Set<Platform> platforms(String option, String value) {
            if (value == null) {
                return null;
            }
            Set<Platform> out = EnumSet.noneOf(Platform.class);
            if (value.isBlank() || value.strip().equalsIgnoreCase("none")) {
                return out;
            }
            for (String part : value.split(",")) {
                try {
                    out.add(Platform.parse(part));
                } catch (ValidationException e) {
                    throw new CliException(option + ": " + e.getMessage());
                }
            }
            return out;
        }
    }

    abstract static class ChannelAction implements Runnable {
        final Cli.Context context;
        @Mixin ServerOptions server;
        @Option(names = "--app", required = true, paramLabel = "ID", description = "The app's id")
        String app;

        ChannelAction(Cli.Context context) {
            this.context = context;
        }

        Output output() {
            return new Output(context.out(), server.json);
        }

        void print(Channel ch, String headline) {
            Output out = output();
            if (out.json()) {
                out.json(ch);
                return;
            }
            if (headline != null) {
                out.line(headline);
            }
            out.fields(List.of(
                    new String[] {"Channel", ch.name()},
                    new String[] {"App", ch.appId()},
                    new String[] {"Description", ch.description().isEmpty() ? "-" : ch.description()},
                    new String[] {"Default for", Text.platforms(ch.defaultFor())},
                    new String[] {"Platforms", Text.platforms(ch.platforms())},
                    new String[] {"Self-assign", Text.yesNo(ch.allowDeviceSelfAssign())},
                    new String[] {"Emulators", Text.yesNo(ch.allowEmulators())},
                    new String[] {"Physical devices", Text.yesNo(ch.allowPhysicalDevices())},
                    new String[] {"Dev builds", Text.yesNo(ch.allowDevBuilds())},
                    new String[] {"Production builds", Text.yesNo(ch.allowProductionBuilds())},
                    new String[] {"Update gate", ch.updateGate().wireName()},
                    new String[] {"Bundle", bundle(ch)},
                    new String[] {"Updated", Text.time(ch.updatedAt())}));
        }
    }

    /** The bundle a channel serves, for people: its version or "builtin". */
    static String bundle(Channel ch) {
        return ch.bundle() == null ? BUILTIN : ch.bundle();
    }

    static final String BUILTIN = "builtin";

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a channel.")
    static final class Create extends ChannelAction {
        @Parameters(paramLabel = "NAME", description = "Channel name, e.g. production or beta")
        String name;
        @Mixin Settings settings;

        Create(Cli.Context context) {
            super(context);
        }

        @Override
        public void run() {
            Channel ch = server.client(context).createChannel(Names.appId("--app", app),
                    settings.draft(Names.channelName(name)));
            print(ch, "Created channel " + ch.name() + " of " + ch.appId());
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List an app's channels.")
    static final class ListChannels extends ChannelAction {
        ListChannels(Cli.Context context) {
            super(context);
        }

        @Override
        public void run() {
            List<Channel> channels = server.client(context).listChannels(Names.appId("--app", app));
            Output out = output();
            if (out.json()) {
                out.json(channels);
            } else if (channels.isEmpty()) {
                out.line("App " + app + " has no channels. Create one with: patchbay channel create NAME --app " + app);
            } else {
                out.table(List.of("NAME", "DEFAULT FOR", "PLATFORMS", "SELF-ASSIGN", "EMULATORS", "DEV BUILDS", "BUNDLE",
                                "DESCRIPTION"),
                        channels.stream().map(c -> List.of(c.name(), Text.platforms(c.defaultFor()),
                                Text.platforms(c.platforms()), Text.yesNo(c.allowDeviceSelfAssign()),
                                Text.yesNo(c.allowEmulators()), Text.yesNo(c.allowDevBuilds()),
                                bundle(c), c.description())).toList());
            }
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show one channel.")
    static final class Show extends ChannelAction {
        @Parameters(paramLabel = "NAME")
        String name;

        Show(Cli.Context context) {
            super(context);
        }

        @Override
        public void run() {
            print(server.client(context).getChannel(Names.appId("--app", app), Names.channelName(name)), null);
        }
    }

    @Command(name = "update", mixinStandardHelpOptions = true, description = "Change a channel; options not given stay as they are.")
    static final class Update extends ChannelAction {
        @Spec CommandSpec spec;
        @Parameters(paramLabel = "NAME")
        String name;
        @Mixin Settings settings;
        @Option(names = "--bundle", paramLabel = "VERSION",
                description = "Serve this published bundle version; 'builtin' for the app's builtin assets")
        String bundle;
        @Option(names = "--no-bundle", description = "Serve the app's builtin assets (same as --bundle builtin)")
        boolean noBundle;

        Update(Cli.Context context) {
            super(context);
        }

        @Override
        public void run() {
            if (bundle != null && noBundle) {
                throw new ParameterException(spec.commandLine(), "--bundle and --no-bundle cannot be used together");
            }
            if (bundle != null && bundle.isBlank()) {
                throw new ParameterException(spec.commandLine(), "--bundle needs a version, or 'builtin'");
            }
            boolean setBundle = bundle != null || noBundle;
            ChannelDraft changes = settings.draft(null);
            boolean setSettings = !changes.equals(ChannelDraft.named(null));
            if (!setSettings && !setBundle) {
                throw new CliException("Nothing to change: give at least one option (see patchbay channel update --help)");
            }
            String appId = Names.appId("--app", app);
            String channel = Names.channelName(name);
            var client = server.client(context);
            Channel ch = null;
            if (setSettings) {
                ch = client.updateChannel(appId, channel, changes);
            }
            if (setBundle) {
                String version = noBundle || bundle.strip().equalsIgnoreCase(BUILTIN) ? null : bundle.strip();
                ch = client.setChannelBundle(appId, channel, version);
            }
            print(ch, "Updated channel " + ch.name() + " of " + ch.appId()
                    + (setBundle ? ": serves " + bundle(ch) : ""));
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a channel.")
    static final class Delete extends ChannelAction {
        @Parameters(paramLabel = "NAME")
        String name;

        Delete(Cli.Context context) {
            super(context);
        }

        @Override
        public void run() {
            server.client(context).deleteChannel(Names.appId("--app", app), Names.channelName(name));
            Output out = output();
            if (out.json()) {
                out.json(Map.of("deleted", name, "app", app));
            } else {
                out.line("Deleted channel " + name + " of " + app);
            }
        }
    }
}
