package dev.patchbay.cli;

import dev.patchbay.domain.Version;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;

@Command(name = "patchbay",
        mixinStandardHelpOptions = true,
        versionProvider = PatchbayCommand.VersionProvider.class,
        description = {
                "Live updates for Capacitor apps.",
                "Run without arguments to open the Patchbay console."},
        subcommands = {ServeCommand.class, AppCommand.class, ChannelCommand.class, KeyCommand.class, ApiKeyCommand.class,
                BundleCommand.class, DeviceCommand.class, RolloutCommand.class, HarnessCommand.class,
                AgentCommand.class},
        footer = {"", "Server commands read the server from --server/--api-key or PATCHBAY_SERVER/PATCHBAY_API_KEY."})
final class PatchbayCommand implements Runnable {
    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), "Missing command");
    }

    static final class VersionProvider implements IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"patchbay " + Version.current()};
        }
    }
}
