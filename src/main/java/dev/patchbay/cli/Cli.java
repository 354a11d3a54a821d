package dev.patchbay.cli;

/** The command line (being built). */
public final class Cli {
    private Cli() {
    }

    public static int run(String[] args) {
        System.err.println("patchbay: commands are not built yet");
        return 2;
    }
}
