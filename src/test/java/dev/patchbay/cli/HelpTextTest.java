package dev.patchbay.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Every command's {@code --help} renders without picocli warnings (a bare "%" in a description made
 * {@code harness fleet --help} print "[picocli WARN] Could not format …" three times). Picocli writes those to
 * {@code System.err}, so that is what is watched.
 */
class HelpTextTest {
    @Test
    void everyCommandsHelpRendersWithoutWarnings() {
        PrintStream before = System.err;
        ByteArrayOutputStream warnings = new ByteArrayOutputStream();
        List<String> commands = new ArrayList<>();
        System.setErr(new PrintStream(warnings, true, StandardCharsets.UTF_8));
        try {
            PrintStream sink = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
            walk(Cli.commandLine(new Cli.Context(sink, sink, Map.of())), commands);
        } finally {
            System.setErr(before);
        }
        String text = warnings.toString(StandardCharsets.UTF_8);
        assertEquals("", text.lines().filter(l -> l.contains("picocli WARN")).reduce("", (a, b) -> a + b + "\n"),
                "help of " + commands.size() + " commands");
    }

    private static void walk(CommandLine cmd, List<String> commands) {
        commands.add(cmd.getCommandSpec().qualifiedName());
        cmd.getUsageMessage();
        for (CommandLine sub : cmd.getSubcommands().values()) {
            walk(sub, commands);
        }
    }
}
