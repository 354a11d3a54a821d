package dev.patchbay.cli;

import dev.patchbay.client.PatchbayClient;
import dev.patchbay.domain.Channel;
import dev.patchbay.harness.Preflight;
import dev.patchbay.harness.PreflightNote;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code rollout start --preflight}: the same preflight as {@code bundle preflight} runs first; a start after a failed
 * one needs {@code --force}, and the start carries the preflight's outcome as a note for the audit log.
 */
final class RolloutPreflight {
    @Option(names = "--preflight",
            description = "First boot the bundle in emulated WebView devices (as `bundle preflight`; needs --keys); "
                    + "refuse to start when a device did not confirm it, unless --force")
    boolean enabled;
    @Option(names = "--preflight-devices", defaultValue = "3", paramLabel = "N",
            description = "Preflight devices, 1..20 (default: ${DEFAULT-VALUE})")
    int devices;
    @Option(names = "--from", paramLabel = "VERSION|builtin",
            description = "What the preflight devices run before (default: what the channel serves now)")
    String from;
    @Option(names = "--preflight-timeout", defaultValue = "30s", paramLabel = "TIME",
            description = "Give up on a preflight device not confirmed by then (default: ${DEFAULT-VALUE})")
    String timeout;
    @Option(names = "--preflight-app-ready-timeout", defaultValue = "10s", paramLabel = "TIME",
            description = "The preflight app's notifyAppReady timeout (default: ${DEFAULT-VALUE}, the runtime's)")
    String appReadyTimeout;
    @Option(names = "--preflight-out", paramLabel = "DIR",
            description = "Where the preflight's report.json and screenshots go (default: ./preflight-APP-VERSION)")
    Path out;
    @Option(names = "--assets", paramLabel = "DIR",
            description = "The app's builtin web assets for the preflight devices (default: a one-page app)")
    Path assets;
    @Option(names = "--force",
            description = "Start even though the preflight failed (the failure and --reason go to the audit log)")
    boolean force;

    /** Checks the options before anything runs; {@code keys} is the start's --keys. */
    void check(RolloutCommand.RolloutAction a, Path keys) {
        if (!enabled) {
            if (force || from != null || out != null || assets != null) {
                throw a.usage("--force, --from, --preflight-out and --assets belong to --preflight");
            }
            return;
        }
        if (keys == null) {
            throw a.usage("--preflight needs the app's key folder (--keys DIR): the devices embed its trust material");
        }
        if (devices < 1 || devices > 20) {
            throw a.usage("--preflight-devices must be between 1 and 20 (each is a real WebView), not " + devices);
        }
    }

    /**
     * Runs the preflight of {@code version} (the report goes to stderr, so --json output stays the rollout's) and
     * answers its note for the start; throws when it failed and --force was not given.
     */
    String run(Cli.Context context, ServerOptions server, PatchbayClient client, String appId, String channel,
            String version, Path keys, PassphraseOption passphrase) {
        String start = from;
        if (start == null) {
            Channel c = client.getChannel(appId, channel);
            start = c.bundle() == null ? "builtin" : c.bundle();
        }
        Path dir = out != null ? out : Path.of("preflight-" + appId + "-" + version);
        context.err().println("Preflight of " + version + " from " + start + " on " + devices + " device"
                + (devices == 1 ? "" : "s") + "...");
        Preflight.Report report;
        try {
            report = PreflightCommand.run(context, new PreflightCommand.Target(client,
                server.server != null ? server.server : context.env().get("PATCHBAY_SERVER"), appId, keys, passphrase,
                assets, "1.0.0"), version, start, devices, HarnessCommand.FleetRounds.time("--preflight-timeout",
                timeout), HarnessCommand.FleetRounds.time(
                    "--preflight-app-ready-timeout", appReadyTimeout), dir);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("The preflight was interrupted; no rollout started", e);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new CliException("The preflight could not run (" + e.getMessage() + "); no rollout started", e);
        }
        PreflightCommand.print(new Output(context.err(), false), report, dir);
        String note = PreflightNote.of(report);
        if (!report.passed() && !force) {
            throw new CliException("Not starting the rollout: the preflight failed (" + note + "). Fix the bundle, or "
                    + "start anyway with --force (the failure and --reason are audit-logged)");
        }
        if (!report.passed()) {
            context.err().println("Preflight failed; starting anyway (--force): " + note);
            return note.replaceFirst("^FAILED: ", "FAILED (started with --force): ");
        }
        return note;
    }
}
