package dev.patchbay.cli;

import dev.patchbay.client.PatchbayClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** How a command finds its server: flags first, then PATCHBAY_SERVER / PATCHBAY_API_KEY. */
final class ServerOptions {
    @Option(names = "--server", paramLabel = "URL", description = "Server URL (default: $PATCHBAY_SERVER)")
    String server;

    @Option(names = "--api-key", paramLabel = "KEY", description = "API key (default: $PATCHBAY_API_KEY)")
    String apiKey;

    @Option(names = "--api-key-file", paramLabel = "FILE", description = "Read the API key from FILE, e.g. DATA_DIR/admin-api-key")
    Path apiKeyFile;

    @Option(names = "--json", description = "Print JSON for scripts instead of text")
    boolean json;

    PatchbayClient client(Cli.Context context) {
        String url = server != null ? server : context.env().get("PATCHBAY_SERVER");
        if (url == null || url.isBlank()) {
            throw new CliException("No server given: use --server URL or set PATCHBAY_SERVER");
        }
        String key = apiKey;
        if (key == null && apiKeyFile != null) {
            try {
                key = Files.readString(apiKeyFile).strip();
            } catch (IOException e) {
                throw new CliException("Cannot read the API key file " + apiKeyFile + ": " + e.getMessage(), e);
            }
        }
        if (key == null) {
            key = context.env().get("PATCHBAY_API_KEY");
        }
        if (key == null || key.isBlank()) {
            throw new CliException("No API key given: use --api-key KEY, --api-key-file FILE or set PATCHBAY_API_KEY");
        }
        return PatchbayClient.connect(url, key);
    }
}
