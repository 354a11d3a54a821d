package dev.patchbay.cli;

import dev.patchbay.client.ApiKey;
import dev.patchbay.client.NewApiKey;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code patchbay api-key create|list|show|expire|revoke|rotate} (docs/cli.md): the server's API keys, admin only. */
@Command(name = "api-key", mixinStandardHelpOptions = true, description = "Manage the server's API keys (admin key needed).",
        subcommands = {ApiKeyCommand.Create.class, ApiKeyCommand.ListKeys.class, ApiKeyCommand.Show.class,
                ApiKeyCommand.Expire.class, ApiKeyCommand.Revoke.class, ApiKeyCommand.Rotate.class})
final class ApiKeyCommand {
    private static final Pattern AFTER = Pattern.compile("(\\d{1,6})(m|h|d)");

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create a key; its secret is printed once, keep it.")
    static final class Create implements Runnable {
        private final Cli.Context context;
        @Mixin ServerOptions server;
        @Parameters(paramLabel = "NAME", description = "Unique name, shown as the actor in the audit log (e.g. ci-shop)")
        String name;
        @Option(names = "--role", required = true, paramLabel = "ROLE",
                description = "admin, publisher (publish, channels, rollouts), viewer (read only) or device-admin"
                        + " (device channel overrides)")
        String role;
        @Option(names = "--app", paramLabel = "ID", split = ",",
                description = "Limit the key to this app (repeat or comma-separate for several; not for admin)")
        List<String> apps;
        @Option(names = "--expires", paramLabel = "WHEN",
                description = "When the key stops working: a time such as 2027-01-31T00:00:00Z, or after 90d, 12h, 30m")
        String expires;

        Create(Cli.Context context) {
            this.context = context;
        }

        @Override
        public void run() {
            Instant at = expires == null ? null : when(expires);
            NewApiKey k = server.client(context).apiKeys().create(name, role, apps, at);
            printNew(new Output(context.out(), server.json), k, "Created");
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List keys (never their secrets).")
    static final class ListKeys implements Runnable {
        private final Cli.Context context;
        @Mixin ServerOptions server;
        @Option(names = "--all", description = "Include revoked and expired keys")
        boolean all;

        ListKeys(Cli.Context context) {
            this.context = context;
        }

        @Override
        public void run() {
            List<ApiKey> keys = server.client(context).apiKeys().list().stream().filter(k -> all || k.active()).toList();
            Output out = new Output(context.out(), server.json);
            if (out.json()) {
                out.json(keys);
                return;
            }
            List<List<String>> rows = new ArrayList<>();
            for (ApiKey k : keys) {
                rows.add(List.of(k.name(), k.role(), apps(k), k.status(), Text.time(k.createdAt()),
                        k.expiresAt() == null ? "never" : Text.time(k.expiresAt()), k.id()));
            }
            out.table(List.of("NAME", "ROLE", "APPS", "STATUS", "CREATED", "EXPIRES", "ID"), rows);
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show one key.")
    static final class Show implements Runnable {
        private final Cli.Context context;
        @Mixin ServerOptions server;
        @Parameters(paramLabel = "KEY", description = "The key's name or id")
        String key;

        Show(Cli.Context context) {
            this.context = context;
        }

        @Override
        public void run() {
            print(new Output(context.out(), server.json), server.client(context).apiKeys().get(key));
        }
    }

    @Command(name = "expire", mixinStandardHelpOptions = true, description = "Set when a key stops working.")
    static final class Expire implements Runnable {
        private final Cli.Context context;
        @Mixin ServerOptions server;
        @Parameters(paramLabel = "KEY", description = "The key's name or id")
        String key;
        @Option(names = "--at", required = true, paramLabel = "WHEN",
                description = "A time such as 2027-01-31T00:00:00Z, after 90d, 12h, 30m, or never")
        String at;

        Expire(Cli.Context context) {
            this.context = context;
        }

        @Override
        public void run() {
            Instant when = at.strip().equalsIgnoreCase("never") ? null : when(at);
            print(new Output(context.out(), server.json), server.client(context).apiKeys().expire(key, when));
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true,
            description = "Revoke a key: every request with it is refused from now on.")
    static final class Revoke implements Runnable {
        private final Cli.Context context;
        @Mixin ServerOptions server;
        @Parameters(paramLabel = "KEY", description = "The key's name or id")
        String key;

        Revoke(Cli.Context context) {
            this.context = context;
        }

        @Override
        public void run() {
            ApiKey k = server.client(context).apiKeys().revoke(key);
            Output out = new Output(context.out(), server.json);
            if (out.json()) {
                out.json(k);
            } else {
                out.line("Revoked key " + k.name() + " (" + k.id() + ")");
            }
        }
    }

    @Command(name = "rotate", mixinStandardHelpOptions = true, description = "Give a key a new secret; the old one"
            + " is refused at once. Rotating the admin key also rewrites the server's admin-api-key file.")
    static final class Rotate implements Runnable {
        private final Cli.Context context;
        @Mixin ServerOptions server;
        @Parameters(paramLabel = "KEY", description = "The key's name or id")
        String key;

        Rotate(Cli.Context context) {
            this.context = context;
        }

        @Override
        public void run() {
            NewApiKey k = server.client(context).apiKeys().rotate(key);
            Output out = new Output(context.out(), server.json);
            printNew(out, k, "Rotated");
            if (!out.json() && k.adminKeyFileRewritten()) {
                out.line("The server's admin-api-key file now holds the new key.");
            }
        }
    }

    private static void printNew(Output out, NewApiKey k, String verb) {
        if (out.json()) {
            out.json(k);
            return;
        }
        out.line(verb + " key " + k.key().name() + " (" + k.key().role() + ", apps: " + apps(k.key()) + ", expires: "
                + (k.key().expiresAt() == null ? "never" : Text.time(k.key().expiresAt())) + ")");
        out.line("Secret (shown only now): " + k.secret());
    }

    private static void print(Output out, ApiKey k) {
        if (out.json()) {
            out.json(k);
            return;
        }
        out.fields(List.of(new String[] {"Name", k.name()}, new String[] {"Id", k.id()},
                new String[] {"Role", k.role()}, new String[] {"Apps", apps(k)}, new String[] {"Status", k.status()},
                new String[] {"Created", Text.time(k.createdAt()) + (k.createdBy() == null ? "" : " by " + k.createdBy())},
                new String[] {"Expires", k.expiresAt() == null ? "never" : Text.time(k.expiresAt())},
                new String[] {"Revoked", k.revokedAt() == null ? "-" : Text.time(k.revokedAt())}));
    }

    private static String apps(ApiKey k) {
        return k.apps() == null ? "all" : String.join(",", k.apps());
    }

    /** An instant, or a delay from now such as 90d, 12h, 30m. */
    static Instant when(String text) {
        String t = text.strip();
        Matcher m = AFTER.matcher(t);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            Duration d = switch (m.group(2)) {
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
            return Instant.now().plus(d);
        }
        try {
            return Instant.parse(t);
        } catch (DateTimeParseException e) {
            throw new CliException("--expires: \"" + text + "\" is neither a time like 2027-01-31T00:00:00Z nor a"
                    + " delay like 90d, 12h or 30m");
        }
    }
}
