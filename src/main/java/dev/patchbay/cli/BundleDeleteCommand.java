package dev.patchbay.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code patchbay bundle delete VERSION --app ID}: deletes a bundle nothing uses and frees its blobs. */
@Command(name = "delete", mixinStandardHelpOptions = true,
        description = {"Delete a bundle that no channel serves and no active rollout uses (as target, stable or "
                + "rollback release).", "Blobs no other bundle references are freed. Refused, with the reason, "
                + "while something uses it."})
final class BundleDeleteCommand extends BundleCommand.BundleAction {
    @Parameters(paramLabel = "VERSION", description = "The bundle's version, e.g. 1.4.0")
    String version;

    BundleDeleteCommand(Cli.Context context) {
        super(context);
    }

    @Override
    public void run() {
        String appId = appId();
        int freed = server.client(context).deleteBundle(appId, version);
        Output out = output();
        if (out.json()) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("appId", appId);
            json.put("version", version);
            json.put("freedBlobs", freed);
            out.json(json);
        } else {
            out.line("Deleted " + appId + " " + version + " (" + freed + " blob" + (freed == 1 ? "" : "s")
                    + " freed)");
        }
    }
}
