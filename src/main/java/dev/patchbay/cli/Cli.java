package dev.patchbay.cli;

import dev.patchbay.client.ApiException;
import dev.patchbay.domain.ValidationException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.Map;
import picocli.CommandLine;

/**
 * The {@code patchbay} command line, for CI pipelines and people at a terminal. Human output by default, {@code --json}
 * for scripts; any failure is one line on stderr and a non-zero exit code (1 for a failed operation, 2 for bad usage).
 */
public final class Cli {
    public static final int FAILED = 1;
    public static final int USAGE = 2;

    private Cli() {
    }

    public static int run(String[] args) {
        return run(args, System.out, System.err, System.getenv());
    }

    public static int run(String[] args, PrintStream out, PrintStream err, Map<String, String> env) {
        return commandLine(new Context(out, err, env)).execute(args);
    }

    /** The configured command tree for one invocation. */
    static CommandLine commandLine(Context context) {
        PrintStream out = context.out();
        PrintStream err = context.err();
        CommandLine cmd = new CommandLine(new PatchbayCommand(), new ContextFactory(context));
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        cmd.setCaseInsensitiveEnumValuesAllowed(true);
        strict(cmd);
        cmd.setParameterExceptionHandler((e, a) -> {
            err.println("patchbay: " + e.getMessage());
            CommandLine c = e.getCommandLine();
            err.println("Try '" + c.getCommandSpec().qualifiedName() + " --help' for more information.");
            return USAGE;
        });
        cmd.setExecutionExceptionHandler((e, c, parsed) -> {
            err.println("patchbay: " + message(e));
            return FAILED;
        });
        return cmd;
    }

    /**
     * Picocli lets a help or version option end a command line even when words of it matched nothing, so a typo such
     * as {@code bundle publsh dist --version 1.2.0} printed nothing and exited 0. Here any unmatched word is a usage
     * error (exit 2) whatever else the line holds, and every command group answers {@code --version} with the
     * version.
     */
    private static void strict(CommandLine cmd) {
        CommandLine.IVersionProvider version = new PatchbayCommand.VersionProvider();
        java.util.ArrayDeque<CommandLine> todo = new java.util.ArrayDeque<>(java.util.List.of(cmd));
        while (!todo.isEmpty()) {
            CommandLine c = todo.pop();
            if (c.getCommandSpec().versionProvider() == null && c.getCommandSpec().version().length == 0) {
                c.getCommandSpec().versionProvider(version);
            }
            todo.addAll(c.getSubcommands().values());
        }
        CommandLine.IExecutionStrategy run = new CommandLine.RunLast();
        cmd.setExecutionStrategy(parsed -> {
            for (CommandLine.ParseResult p = parsed; p != null; p = p.hasSubcommand() ? p.subcommand() : null) {
                if (!p.unmatched().isEmpty()) {
                    throw new CommandLine.UnmatchedArgumentException(p.commandSpec().commandLine(), p.unmatched());
                }
            }
            return run.execute(parsed);
        });
    }

    static String message(Throwable e) {
        if (e instanceof ApiException || e instanceof ValidationException || e instanceof CliException) {
            return e.getMessage();
        }
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    /** Streams and environment of one invocation, handed to every command (testable without touching System). */
    public record Context(PrintStream out, PrintStream err, Map<String, String> env) {
    }

    /** Injects the {@link Context} into commands that take it in their constructor. */
    private record ContextFactory(Context context) implements CommandLine.IFactory {
        @Override
        public <K> K create(Class<K> cls) throws Exception {
            try {
                return cls.getDeclaredConstructor(Context.class).newInstance(context);
            } catch (NoSuchMethodException noContext) {
                return CommandLine.defaultFactory().create(cls);
            }
        }
    }
}
