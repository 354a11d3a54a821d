package dev.patchbay.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.patchbay.domain.Version;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * A mistyped command line never passes as success: for every command group (found in the command tree, so a new
 * group is covered too), a misspelt subcommand followed by options — including {@code --version}, which picocli
 * would otherwise take as the group's version option and exit 0 — exits 2 with a message.
 */
class CliTypoTest {
    record Result(int code, String out, String err) {
    }

    static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Cli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Map.of());
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static List<List<String>> groups() {
        CommandLine root = Cli.commandLine(new Cli.Context(System.out, System.err, Map.of()));
        List<List<String>> groups = new ArrayList<>();
        ArrayDeque<CommandLine> todo = new ArrayDeque<>(List.of(root));
        while (!todo.isEmpty()) {
            CommandLine c = todo.pop();
            if (!c.getSubcommands().isEmpty()) {
                List<String> path = new ArrayList<>();
                for (CommandLine p = c; p.getParent() != null; p = p.getParent()) {
                    path.add(0, p.getCommandName());
                }
                groups.add(path);
            }
            todo.addAll(c.getSubcommands().values());
        }
        return groups;
    }

    @Test
    void theIssuesTypoExitsNonZeroWithAMessage() {
        Result r = run("bundle", "publsh", "dist", "--app", "com.x", "--version", "1.2.0", "--channel", "production");
        assertEquals(Cli.USAGE, r.code(), r.out() + r.err());
        assertTrue(r.err().contains("publsh"), r.err());
        assertTrue(r.out().isEmpty(), r.out());
    }

    @Test
    void everyCommandGroupRefusesAMisspeltSubcommandEvenWithHelpOrVersion() {
        List<List<String>> groups = groups();
        assertTrue(groups.size() >= 8, "command groups found: " + groups);
        for (List<String> group : groups) {
            for (String flag : List.of("--version", "-h", "--app")) {
                List<String> line = new ArrayList<>(group);
                line.addAll(List.of("frobnicate", "x", flag, "1.2.0"));
                Result r = run(line.toArray(String[]::new));
                assertEquals(Cli.USAGE, r.code(), String.join(" ", line) + " -> " + r.out() + r.err());
                assertTrue(r.err().contains("frobnicate"), String.join(" ", line) + " -> " + r.err());
            }
            // The group's own version option prints the version.
            List<String> version = new ArrayList<>(group);
            version.add("--version");
            Result v = run(version.toArray(String[]::new));
            assertEquals(0, v.code(), String.join(" ", version) + " -> " + v.err());
            assertTrue(v.out().contains(Version.current()), String.join(" ", version) + " -> " + v.out());
        }
    }
}
