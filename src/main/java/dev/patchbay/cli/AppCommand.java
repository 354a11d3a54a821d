package dev.patchbay.cli;

import dev.patchbay.domain.App;
import dev.patchbay.domain.Names;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "app", mixinStandardHelpOptions = true, description = "Manage apps.",
        subcommands = {AppCommand.Create.class, AppCommand.ListApps.class, AppCommand.Show.class,
                AppCommand.Rename.class, AppCommand.Update.class, AppCommand.Delete.class})
final class AppCommand {

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Register an app.")
    static final class Create implements Runnable {
        private final Cli.Context context;
        @Mixin ServerOptions server;
        @Parameters(paramLabel = "ID", description = "Reverse-domain app id (Capacitor appId), e.g. com.example.shop")
        String id;
        @Option(names = "--name", required = true, description = "Display name")
        String name;

        Create(Cli.Context context) {
            this.context = context;
        }

        @Override
        public void run() {
            App app = server.client(context).createApp(Names.appId(id), Names.appName(name));
            Output out = new Output(context.out(), server.json);
            if (out.json()) {
                out.json(app);
            } else {
                out.line("Created app " + app.id() + " (" + app.name() + ")");
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List apps.")
    static final class ListApps implements Runnable {
        private final Cli.Context context;
        @Mixin ServerOptions server;

        ListApps(Cli.Context context) {
            this.context = context;
        }

        @Override
        public void run() {
            List<App> apps = server.client(context).listApps();
            Output out = new Output(context.out(), server.json);
            if (out.json()) {
                out.json(apps);
            } else if (apps.isEmpty()) {
                out.line("No apps yet. Create one with: patchbay app create ID --name NAME");
            } else {
                out.table(List.of("ID", "NAME", "CREATED"),
                        apps.stream().map(a -> List.of(a.id(), a.name(), Text.time(a.createdAt()))).toList());
            }
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show one app.")
    static final class Show implements Runnable {
        private final Cli.Context context;
        @Mixin ServerOptions server;
        @Parameters(paramLabel = "ID")
        String id;

        Show(Cli.Context context) {
            this.context = context;
        }

        @Override
        public void run() {
            App app = server.client(context).getApp(Names.appId(id));
            Output out = new Output(context.out(), server.json);
            if (out.json()) {
                out.json(app);
            } else {
                out.fields(List.of(new String[] {"ID", app.id()}, new String[] {"Name", app.name()},
                        new String[] {"Created", Text.time(app.createdAt())}, new String[] {"Updated", Text.time(app.updatedAt())},
                        new String[] {"Capgo compat", app.capgoCompat() ? "on" : "off"}));
            }
        }
    }

    @Command(name = "rename", mixinStandardHelpOptions = true, description = "Change an app's display name.")
    static final class Rename implements Runnable {
        private final Cli.Context context;
        @Mixin ServerOptions server;
        @Parameters(paramLabel = "ID")
        String id;
        @Option(names = "--name", required = true, description = "New display name")
        String name;

        Rename(Cli.Context context) {
            this.context = context;
        }

        @Override
        public void run() {
            App app = server.client(context).renameApp(Names.appId(id), Names.appName(name));
            Output out = new Output(context.out(), server.json);
            if (out.json()) {
                out.json(app);
            } else {
                out.line("Renamed app " + app.id() + " to " + app.name());
            }
        }
    }

    @Command(name = "update", mixinStandardHelpOptions = true,
            description = "Change an app's settings: display name, Capgo-compatible delivery (docs/capgo-compat.md).")
    static final class Update implements Runnable {
        private final Cli.Context context;
        @Mixin ServerOptions server;
        @Parameters(paramLabel = "ID")
        String id;
        @Option(names = "--name", description = "New display name")
        String name;
        @Option(names = "--capgo-compat", negatable = true, description = "Serve the app to devices running the"
                + " reference updater plugin under /compat/capgo/ (weaker guarantees: docs/capgo-compat.md);"
                + " --no-capgo-compat switches it off")
        Boolean capgoCompat;

        Update(Cli.Context context) {
            this.context = context;
        }

        @Override
        public void run() {
            if (name == null && capgoCompat == null) {
                throw new CliException("Nothing to change: give --name, --capgo-compat or --no-capgo-compat");
            }
            String appId = Names.appId(id);
            App app = null;
            if (name != null) {
                app = server.client(context).renameApp(appId, Names.appName(name));
            }
            if (capgoCompat != null) {
                app = server.client(context).setCapgoCompat(appId, capgoCompat);
            }
            Output out = new Output(context.out(), server.json);
            if (out.json()) {
                out.json(app);
            } else {
                out.line("Updated app " + app.id() + " (" + app.name() + "); Capgo-compatible delivery "
                        + (app.capgoCompat() ? "on: devices with the reference plugin use " + "/compat/capgo/"
                        : "off"));
            }
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete an app and all its channels.")
    static final class Delete implements Runnable {
        private final Cli.Context context;
        @Mixin ServerOptions server;
        @Parameters(paramLabel = "ID")
        String id;

        Delete(Cli.Context context) {
            this.context = context;
        }

        @Override
        public void run() {
            server.client(context).deleteApp(Names.appId(id));
            Output out = new Output(context.out(), server.json);
            if (out.json()) {
                out.json(Map.of("deleted", id));
            } else {
                out.line("Deleted app " + id);
            }
        }
    }
}
