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
        Context context = new Context(out, err, env);
        CommandLine cmd = new CommandLine(new PatchbayCommand(), new ContextFactory(context));
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        cmd.setCaseInsensitiveEnumValuesAllowed(true);
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
        return cmd.execute(args);
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
