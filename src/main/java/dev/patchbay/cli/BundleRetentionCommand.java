package dev.patchbay.cli;

import dev.patchbay.client.BundleRetentionClient;
import dev.patchbay.client.BundleRetentionClient.Retention;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code patchbay bundle retention --app ID [--keep N | --keep-all]}: shows or sets the app's rule "keep the newest N
 * unused bundles" (ADR 0104); setting it applies it at once.
 */
@Command(name = "retention", mixinStandardHelpOptions = true,
        description = {"Show or set the app's bundle retention: keep the newest N unused bundles and delete older ones.",
                "Unused: no channel serves it, no active rollout uses it, no device runs it. Applied when set and after"
                        + " each publish."})
final class BundleRetentionCommand extends BundleCommand.BundleAction {
    static final class Rule {
        @Option(names = "--keep", paramLabel = "N", description = "Keep the newest N unused bundles (1-10000)")
        Integer keep;

        @Option(names = "--keep-all", description = "Keep every bundle (no retention)")
        boolean keepAll;
    }

    @ArgGroup(exclusive = true)
    Rule rule;

    BundleRetentionCommand(Cli.Context context) {
        super(context);
    }

    @Override
    public void run() {
        String appId = appId();
        BundleRetentionClient client = new BundleRetentionClient(server.client(context));
        Retention r = rule == null ? client.get(appId) : client.set(appId, rule.keepAll ? null : rule.keep);
        Output out = output();
        if (out.json()) {
            out.json(r);
            return;
        }
        out.line(r.keepUnusedBundles() == null ? appId + " keeps every bundle"
                : appId + " keeps the newest " + r.keepUnusedBundles() + " unused bundle"
                        + (r.keepUnusedBundles() == 1 ? "" : "s"));
        if (!r.deleted().isEmpty()) {
            out.line("Deleted " + String.join(", ", r.deleted()) + " (" + r.freedBlobs() + " blob"
                    + (r.freedBlobs() == 1 ? "" : "s") + " freed)");
        }
    }
}
