package dev.patchbay.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patchbay.agent.AgentClient;
import dev.patchbay.agent.AgentSocket;
import dev.patchbay.agent.KeyAgent;
import dev.patchbay.crypto.CryptoException;
import dev.patchbay.domain.Names;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code patchbay agent}: a key agent like ssh-agent (ADR 0083). {@code start} runs it in the background and prints
 * the {@code PATCHBAY_AGENT_SOCK} line for the shell; {@code add} unlocks an app's keys in it once; {@code bundle
 * publish} then signs through it without a passphrase.
 */
@Command(name = "agent", mixinStandardHelpOptions = true,
        description = {"Keep apps' keys unlocked for this session (like ssh-agent): publish without a passphrase.",
                "The socket is $" + AgentSocket.ENV + ", else $XDG_RUNTIME_DIR/patchbay-agent/agent.sock."},
        subcommands = {AgentCommand.Start.class, AgentCommand.Run.class, AgentCommand.Add.class,
                AgentCommand.ListKeys.class, AgentCommand.Remove.class, AgentCommand.Stop.class})
final class AgentCommand implements Runnable {
    static final Duration DEFAULT_IDLE = Duration.ofHours(1);

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), "Missing agent command");
    }

    /** Options every agent command shares. */
    static final class SocketOptions {
        @Option(names = "--socket", paramLabel = "PATH", description = "The agent's socket (default: $"
                + AgentSocket.ENV + ", else the per-user runtime folder)")
        Path socket;
        @Option(names = "--json", description = "Machine-readable output")
        boolean json;

        Path socket(Cli.Context context) {
            return socket != null ? socket.toAbsolutePath() : AgentSocket.path(context.env()).toAbsolutePath();
        }

        AgentClient connect(Cli.Context context) {
            Path s = socket(context);
            try {
                return AgentClient.connect(s);
            } catch (IOException e) {
                throw new CliException(e.getMessage());
            }
        }
    }

    static Duration idle(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        try {
            long n = Long.parseLong(t.substring(0, t.length() - 1));
            Duration d = switch (t.charAt(t.length() - 1)) {
                case 's' -> Duration.ofSeconds(n);
                case 'm' -> Duration.ofMinutes(n);
                case 'h' -> Duration.ofHours(n);
                default -> throw new NumberFormatException();
            };
            if (d.isNegative() || d.isZero()) {
                throw new NumberFormatException();
            }
            return d;
        } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
            throw new CliException("--idle-timeout: \"" + text + "\" is not a positive duration like 30m, 1h or 90s");
        }
    }

    @Command(name = "start", mixinStandardHelpOptions = true,
            description = {"Start the agent in the background and print the shell line that points commands at it:",
                    "  eval \"$(patchbay agent start)\""})
    static final class Start implements Runnable {
        private final Cli.Context context;
        @Mixin SocketOptions options;
        @Option(names = "--idle-timeout", paramLabel = "DURATION", defaultValue = "1h",
                description = "Forget keys not used for this long (default: ${DEFAULT-VALUE})")
        String idleTimeout;

        Start(Cli.Context context) {
            this.context = context;
        }

        @Override
        public void run() {
            Duration idle = idle(idleTimeout);
            Path socket = options.socket(context);
            long pid;
            boolean already = AgentClient.alive(socket);
            if (already) {
                pid = ping(socket);
            } else {
                pid = spawn(socket, idle);
            }
            if (options.json) {
                Map<String, Object> json = new LinkedHashMap<>();
                json.put("socket", socket.toString());
                json.put("pid", pid);
                json.put("alreadyRunning", already);
                new Output(context.out(), true).json(json);
            } else {
                context.out().println(AgentSocket.ENV + "=" + shellQuote(socket.toString()) + "; export "
                        + AgentSocket.ENV + ";");
                context.out().println("echo " + (already ? "Agent already running, pid " : "Agent pid ") + pid + ";");
            }
        }

        private long spawn(Path socket, Duration idle) {
            List<String> command = new ArrayList<>(selfCommand());
            command.addAll(List.of("agent", "run", "--socket", socket.toString(),
                    "--idle-timeout", idle.toSeconds() + "s"));
            if (new File("/usr/bin/setsid").canExecute()) {
                command.add(0, "/usr/bin/setsid"); // its own session: closing the terminal does not end it
            }
            Path log;
            try {
                Path dir = socket.getParent();
                Files.createDirectories(dir.getParent());
                if (!Files.exists(dir)) {
                    Files.createDirectory(dir, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                            java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
                }
                AgentSocket.checkPrivate(dir);
                log = dir.resolve("agent.log");
            } catch (IOException | UnsupportedOperationException e) {
                throw new CliException("Cannot prepare the agent's folder: " + e.getMessage());
            }
            Process p;
            try {
                p = new ProcessBuilder(command).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                        .redirectInput(ProcessBuilder.Redirect.from(new File(File.separatorChar == '/' ? "/dev/null"
                                : "NUL"))).start();
            } catch (IOException e) {
                throw new CliException("Cannot start the agent: " + e.getMessage());
            }
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (System.nanoTime() < deadline) {
                if (!p.isAlive()) {
                    throw new CliException("The agent exited at once (exit code " + p.exitValue() + "); see " + log);
                }
                if (AgentClient.alive(socket)) {
                    return ping(socket);
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            p.destroy();
            throw new CliException("The agent did not answer on " + socket + " within 20 s; see " + log);
        }

        private static long ping(Path socket) {
            try (AgentClient c = AgentClient.connect(socket)) {
                return c.ping();
            } catch (IOException e) {
                throw new CliException(e.getMessage());
            }
        }

        /** How to run this program again: the JVM with our class path, or the installed launcher. */
        static List<String> selfCommand() {
            String cmd = ProcessHandle.current().info().command().orElse("java");
            String name = Path.of(cmd).getFileName().toString();
            if (name.equals("java") || name.equals("java.exe")) {
                // no small -Xmx: unlocking runs scrypt, 128 MiB at the default cost and up to 1 GiB at logN 20
                return List.of(cmd, "-cp", System.getProperty("java.class.path"),
                        "dev.patchbay.Launcher");
            }
            return List.of(cmd); // the jpackage launcher runs the CLI when given arguments
        }

        private static String shellQuote(String s) {
            return s.matches("[A-Za-z0-9_./+-]+") ? s : "'" + s.replace("'", "'\\''") + "'";
        }
    }

    @Command(name = "run", hidden = true, mixinStandardHelpOptions = true,
            description = "Run the agent in the foreground (what start runs in the background).")
    static final class Run implements Runnable {
        private final Cli.Context context;
        @Mixin SocketOptions options;
        @Option(names = "--idle-timeout", paramLabel = "DURATION", defaultValue = "1h")
        String idleTimeout;

        Run(Cli.Context context) {
            this.context = context;
        }

        @Override
        public void run() {
            Path socket = options.socket(context);
            try (KeyAgent agent = KeyAgent.start(socket, idle(idleTimeout))) {
                context.err().println("patchbay agent listening on " + socket + " (pid " + ProcessHandle.current().pid()
                        + ")");
                Runtime.getRuntime().addShutdownHook(new Thread(agent::close, "patchbay-agent-stop"));
                agent.awaitStop();
            } catch (IOException e) {
                throw new CliException("Cannot start the agent on " + socket + ": " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = {"Unlock an app's release and content keys in the agent (asks for the passphrase once).",
                    "The passphrase comes from --passphrase-file, $" + Passphrases.ENV + ", the OS keyring or a prompt."})
    static final class Add implements Runnable {
        private final Cli.Context context;
        @Mixin SocketOptions options;
        @Option(names = "--app", required = true, description = "App id, e.g. com.example.shop")
        String app;
        @Option(names = "--keys", required = true, paramLabel = "DIR", description = "The app's key folder")
        Path dir;
        @Mixin PassphraseOption passphraseOption;

        Add(Cli.Context context) {
            this.context = context;
        }

        @Override
        public void run() {
            String appId = Names.appId("--app", app);
            dev.patchbay.crypto.AppKeys.readTrust(appId, dir); // a wrong folder fails before any prompt
            try (AgentClient c = options.connect(context)) {
                char[] pass = passphraseOption.passphrase(context, appId, dir);
                String releaseKeyId;
                try {
                    releaseKeyId = c.add(appId, dir, pass);
                } finally {
                    Arrays.fill(pass, '\0');
                }
                if (options.json) {
                    new Output(context.out(), true).json(Map.of("appId", appId, "dir", dir.toAbsolutePath().toString(),
                            "releaseKeyId", releaseKeyId));
                } else {
                    context.out().println("Keys of " + appId + " unlocked in the agent (release key " + releaseKeyId
                            + ")");
                }
            } catch (IOException | CryptoException e) {
                throw new CliException(e.getMessage());
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the keys the agent holds.")
    static final class ListKeys implements Runnable {
        private final Cli.Context context;
        @Mixin SocketOptions options;

        ListKeys(Cli.Context context) {
            this.context = context;
        }

        @Override
        public void run() {
            try (AgentClient c = options.connect(context)) {
                JsonNode list = c.list();
                Output out = new Output(context.out(), options.json);
                if (options.json) {
                    out.json(list.path("keys"));
                    return;
                }
                if (list.path("keys").isEmpty()) {
                    out.line("The agent (pid " + list.path("pid").asLong() + ") holds no keys. Add some with: "
                            + "patchbay agent add --app ID --keys DIR");
                    return;
                }
                List<List<String>> rows = new ArrayList<>();
                for (JsonNode k : list.path("keys")) {
                    rows.add(List.of(k.path("appId").asText(), k.path("dir").asText(), k.path("releaseKeyId").asText(),
                            Text.duration(k.path("idleSeconds").asLong()),
                            Text.duration(k.path("forgottenInSeconds").asLong())));
                }
                out.table(List.of("APP", "KEYS", "RELEASE KEY", "IDLE", "FORGOTTEN IN"), rows);
            } catch (IOException | CryptoException e) {
                throw new CliException(e.getMessage());
            }
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true,
            description = "Wipe an app's keys from the agent (--all: every key).")
    static final class Remove implements Runnable {
        private final Cli.Context context;
        @Mixin SocketOptions options;
        @Option(names = "--app", description = "App id")
        String app;
        @Option(names = "--keys", paramLabel = "DIR", description = "The app's key folder")
        Path dir;
        @Option(names = "--all", description = "Every key the agent holds")
        boolean all;

        Remove(Cli.Context context) {
            this.context = context;
        }

        @Override
        public void run() {
            if (!all && (app == null || dir == null)) {
                throw new CliException("Give --app and --keys, or --all");
            }
            try (AgentClient c = options.connect(context)) {
                int n = all ? c.removeAll() : c.remove(Names.appId("--app", app), dir);
                context.out().println(n == 0 ? "The agent held no such keys" : "Removed " + n + " key set"
                        + (n == 1 ? "" : "s") + " from the agent");
            } catch (IOException | CryptoException e) {
                throw new CliException(e.getMessage());
            }
        }
    }

    @Command(name = "stop", mixinStandardHelpOptions = true, description = "Wipe every key and stop the agent.")
    static final class Stop implements Runnable {
        private final Cli.Context context;
        @Mixin SocketOptions options;

        Stop(Cli.Context context) {
            this.context = context;
        }

        @Override
        public void run() {
            try (AgentClient c = options.connect(context)) {
                long pid = c.ping();
                c.stop();
                context.out().println("Agent " + pid + " stopped");
            } catch (IOException | CryptoException e) {
                throw new CliException(e.getMessage());
            }
        }
    }
}
