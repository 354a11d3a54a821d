package dev.patchbay.cli;

import dev.patchbay.cli.RolloutOptions.HealthOptions;
import dev.patchbay.cli.RolloutOptions.KeyOptions;
import dev.patchbay.cli.RolloutOptions.PercentOptions;
import dev.patchbay.cli.RolloutOptions.PlanOptions;
import dev.patchbay.client.PatchbayClient;
import dev.patchbay.client.RolloutChange;
import dev.patchbay.client.RolloutStart;
import dev.patchbay.domain.Channel;
import dev.patchbay.domain.Names;
import dev.patchbay.domain.ValidationException;
import dev.patchbay.domain.rollout.HealthPolicy;
import dev.patchbay.domain.rollout.HealthReading;
import dev.patchbay.domain.rollout.Rollout;
import dev.patchbay.domain.rollout.RolloutPlan;
import dev.patchbay.domain.rollout.RolloutStage;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code patchbay rollout ...}: staged rollouts of a channel (docs/rollouts.md §5, §7). The option values and the
 * option groups the subcommands mix in are {@link RolloutOptions}.
 */
@Command(name = "rollout", mixinStandardHelpOptions = true,
        description = "Staged rollouts: move a share of a channel's devices to a new bundle, watch, promote or roll back.",
        subcommands = {RolloutCommand.Start.class, RolloutCommand.Set.class, RolloutCommand.Pause.class,
                RolloutCommand.Resume.class, RolloutCommand.Advance.class, RolloutCommand.Promote.class,
                RolloutCommand.Rollback.class, RolloutCommand.Plan.class, RolloutCommand.Status.class,
                RolloutCommand.History.class})
final class RolloutCommand {

    abstract static class RolloutAction implements Runnable {
        final Cli.Context context;
        @Spec CommandSpec spec;
        @Mixin ServerOptions server;
        @Option(names = "--app", required = true, paramLabel = "ID", description = "The app's id")
        String app;
        @Option(names = "--channel", required = true, paramLabel = "NAME", description = "The channel")
        String channel;

        RolloutAction(Cli.Context context) {
            this.context = context;
        }

        Output output() {
            return new Output(context.out(), server.json);
        }

        String appId() {
            return Names.appId("--app", app);
        }

        String channelName() {
            return Names.channelName("--channel", channel);
        }

        ParameterException usage(String message) {
            return new ParameterException(spec.commandLine(), message);
        }

        /** The rollout as text (headline first), or as the API's JSON with {@code --json}. */
        void print(Rollout r, String headline) {
            Output out = output();
            if (out.json()) {
                out.json(r);
                return;
            }
            if (headline != null) {
                out.line(headline);
            }
            List<String[]> f = new ArrayList<>();
            f.add(new String[] {"Rollout", r.id() + " (" + r.appId() + ", channel " + r.channel() + ")"});
            f.add(new String[] {"State", r.state() == null ? "-" : r.state().wireName()});
            f.add(new String[] {"Percent", Rollout.percent(r.bps())});
            f.add(new String[] {"Target", r.targetBundle()});
            f.add(new String[] {"Stable", bundle(r.stableBundle())});
            f.add(new String[] {"Rollback release", r.rollbackBundle() == null
                    ? (r.stableBundle() == null ? "- (stable is the builtin assets)" : "none armed")
                    : r.rollbackBundle()});
            f.add(new String[] {"Stage", stage(r)});
            f.add(new String[] {"Health", health(r)});
            if (r.lastHealth() != null && r.lastHealth().discardedTotal() > 0) {
                f.add(new String[] {"Discarded", r.lastHealth().discardedSummary()});
            }
            f.add(new String[] {"Reason", r.reason() == null ? "-" : r.reason()});
            f.add(new String[] {"Started", Text.time(r.startedAt()) + (r.startedBy() == null ? "" : " by "
                    + r.startedBy())});
            f.add(new String[] {"Updated", Text.time(r.updatedAt()) + " (revision " + r.revision() + ")"});
            if (r.endedAt() != null) {
                f.add(new String[] {"Ended", Text.time(r.endedAt())});
            }
            out.fields(f);
        }
    }

    static String bundle(String version) {
        return version == null ? ChannelCommand.BUILTIN : version;
    }

    /** "2 of 4 (auto; next 50.00 % after 1h soak, gate healthy)", "no plan". */
    static String stage(Rollout r) {
        RolloutPlan plan = r.plan();
        if (plan == null) {
            return "no plan";
        }
        int n = plan.stages().size();
        String mode = plan.auto() ? "auto" : "manual";
        Integer i = r.stageIndex();
        if (i == null || i < 0) {
            RolloutStage first = plan.stages().get(0);
            return "below stage 1 of " + n + " (" + mode + "; stage 1 is " + Rollout.percent(first.bps()) + ")";
        }
        StringBuilder sb = new StringBuilder().append(i + 1).append(" of ").append(n).append(" (").append(mode);
        RolloutStage current = plan.stages().get(Math.min(i, n - 1));
        if (i + 1 < n) {
            RolloutStage next = plan.stages().get(i + 1);
            sb.append("; next ").append(Rollout.percent(next.bps())).append(" after ")
                    .append(seconds(current.minSoakSeconds())).append(" soak, gate ").append(current.gate());
        } else {
            sb.append("; last stage");
        }
        return sb.append(')').toString();
    }

    static String health(Rollout r) {
        HealthReading h = r.lastHealth();
        if (h == null) {
            return r.health() == null ? "no policy" : "not evaluated yet";
        }
        String verdict = h.verdict() == null ? "-" : h.verdict().wireName();
        return verdict + (h.reason() == null || h.reason().isBlank() ? "" : ": " + h.reason())
                + " (" + Text.time(h.at()) + ")";
    }

    /** 3600 → "1h", 90 → "90s", 5400 → "90m". */
    static String seconds(long s) {
        if (s == 0) {
            return "0s";
        }
        if (s % 86_400 == 0) {
            return s / 86_400 + "d";
        }
        if (s % 3600 == 0) {
            return s / 3600 + "h";
        }
        if (s % 60 == 0) {
            return s / 60 + "m";
        }
        return s + "s";
    }

    /** The domain's validation of a plan or policy, as a usage error naming the option. */
    static <T> T checked(RolloutAction a, java.util.function.Supplier<T> build) {
        try {
            return build.get();
        } catch (ValidationException e) {
            throw a.usage(e.getMessage());
        }
    }

    abstract static class Verb extends RolloutAction {
        @Option(names = "--reason", required = true, paramLabel = "TEXT",
                description = "Why (recorded in the rollout's history and the audit log)")
        String reason;

        @Option(names = "--expect-revision", paramLabel = "N",
                description = "Act only if the rollout is still at this revision (`status --json` gives it); if it "
                        + "changed meanwhile the server refuses (exit 1) and nothing changes")
        Long expectRevision;

        Verb(Cli.Context context) {
            super(context);
        }

        String reason() {
            if (reason.isBlank()) {
                throw usage("--reason must not be empty");
            }
            return reason.strip();
        }
    }


    @Command(name = "start", mixinStandardHelpOptions = true,
            description = {"Start a rollout of a published bundle on a channel.",
                    "Without --percent/--bps/--plan it starts at 0 %%. With --keys the rollback release is built and"
                            + " attached (needed to bring devices back from the target to a stable bundle)."})
    static final class Start extends Verb {
        @Option(names = "--bundle", required = true, paramLabel = "VERSION", description = "The target bundle")
        String bundle;
        @Mixin PercentOptions percent;
        @Mixin PlanOptions plan;
        @Mixin HealthOptions health;
        @Mixin KeyOptions keys;
        @Mixin RolloutPreflight preflight;

        Start(Cli.Context context) {
            super(context);
        }

        @Override
        public void run() {
            if (expectRevision != null) {
                throw usage("--expect-revision applies to a running rollout, not to start");
            }
            Integer bps = percent.value(this, false);
            if (bps != null && plan.given()) {
                throw usage("--plan sets the percentage (its first stage): leave out --percent/--bps");
            }
            if (!plan.given() && plan.stageOptionsGiven()) {
                throw usage("--soak, --gate and --manual belong to a --plan");
            }
            if (bundle.isBlank()) {
                throw usage("--bundle needs a version");
            }
            String reason = reason();
            preflight.check(this, keys.keysDir);
            RolloutPlan p = plan.given() ? checked(this, plan::build) : null;
            HealthPolicy h = health.given() ? checked(this, health::build) : null;
            if (h == null && p != null && p.stages().stream().anyMatch(RolloutStage::healthGate)) {
                h = HealthPolicy.DEFAULT; // a healthy gate needs a policy to read
            }
            String appId = appId();
            String ch = channelName();
            PatchbayClient client = server.client(context);
            String note = preflight.enabled ? preflight.run(context, server, client, appId, ch, bundle.strip(),
                    keys.keysDir, keys.passphrase) : null;
            byte[] rollback = null;
            if (keys.keysDir != null) {
                Channel c = client.getChannel(appId, ch);
                if (c.bundle() != null) {
                    rollback = keys.build(context, client, appId, c.bundle());
                } else {
                    context.err().println("Channel " + ch + " serves the builtin assets: no rollback release needed");
                }
            }
            Rollout r = client.startRollout(appId, ch, new RolloutStart(bundle.strip(), bps, p, h, rollback, reason,
                    note));
            print(r, "Started rollout of " + r.targetBundle() + " on " + r.channel() + " at "
                    + Rollout.percent(r.bps()) + (r.rollbackBundle() == null ? ""
                    : " (rollback release " + r.rollbackBundle() + " armed)"));
        }
    }

    @Command(name = "set", mixinStandardHelpOptions = true, description = "Set the rollout's percentage.")
    static final class Set extends Verb {
        @Mixin PercentOptions percent;

        Set(Cli.Context context) {
            super(context);
        }

        @Override
        public void run() {
            int bps = percent.value(this, true);
            String reason = reason();
            Rollout r = server.client(context).setRolloutPercentage(appId(), channelName(), bps, reason, expectRevision);
            print(r, "Rollout of " + r.targetBundle() + " on " + r.channel() + " now at " + Rollout.percent(r.bps()));
        }
    }

    @Command(name = "pause", mixinStandardHelpOptions = true,
            description = "Pause: no new device moves to the target; devices on it keep it.")
    static final class Pause extends Verb {
        Pause(Cli.Context context) {
            super(context);
        }

        @Override
        public void run() {
            String reason = reason();
            Rollout r = server.client(context).pauseRollout(appId(), channelName(), reason, expectRevision);
            print(r, "Paused rollout of " + r.targetBundle() + " on " + r.channel());
        }
    }

    @Command(name = "resume", mixinStandardHelpOptions = true, description = "Resume a paused rollout.")
    static final class Resume extends Verb {
        Resume(Cli.Context context) {
            super(context);
        }

        @Override
        public void run() {
            String reason = reason();
            Rollout r = server.client(context).resumeRollout(appId(), channelName(), reason, expectRevision);
            print(r, "Resumed rollout of " + r.targetBundle() + " on " + r.channel());
        }
    }

    @Command(name = "advance", mixinStandardHelpOptions = true,
            description = "Move to the plan's next stage now (its gate is not checked).")
    static final class Advance extends Verb {
        Advance(Cli.Context context) {
            super(context);
        }

        @Override
        public void run() {
            String reason = reason();
            Rollout r = server.client(context).advanceRollout(appId(), channelName(), reason, expectRevision);
            print(r, "Advanced rollout of " + r.targetBundle() + " on " + r.channel() + " to "
                    + Rollout.percent(r.bps()));
        }
    }

    @Command(name = "promote", mixinStandardHelpOptions = true,
            description = "Complete the rollout: the channel serves the target to every device.")
    static final class Promote extends Verb {
        Promote(Cli.Context context) {
            super(context);
        }

        @Override
        public void run() {
            String reason = reason();
            Rollout r = server.client(context).promoteRollout(appId(), channelName(), reason, expectRevision);
            print(r, "Promoted " + r.targetBundle() + ": channel " + r.channel() + " serves it to every device");
        }
    }

    @Command(name = "rollback", mixinStandardHelpOptions = true,
            description = {"Roll back: the channel serves the stable content again (as the rollback release).",
                    "With --keys a rollback release is built if the rollout has none armed."})
    static final class Rollback extends Verb {
        @Mixin KeyOptions keys;

        Rollback(Cli.Context context) {
            super(context);
        }

        @Override
        public void run() {
            String reason = reason();
            String appId = appId();
            String ch = channelName();
            PatchbayClient client = server.client(context);
            byte[] release = null;
            if (keys.keysDir != null) {
                Rollout current = client.rollout(appId, ch);
                if (current.active() && current.rollbackBundle() == null && current.stableBundle() != null) {
                    release = keys.build(context, client, appId, current.stableBundle());
                }
            }
            Rollout r = client.rollbackRollout(appId, ch, reason, release, expectRevision);
            print(r, "Rolled back " + r.targetBundle() + " on " + r.channel() + ": it serves "
                    + bundle(r.rollbackBundle() != null ? r.rollbackBundle() : r.stableBundle()));
        }
    }

    @Command(name = "plan", mixinStandardHelpOptions = true,
            description = "Replace the plan and/or the health policy of the active rollout.")
    static final class Plan extends Verb {
        @Mixin PlanOptions plan;
        @Mixin HealthOptions health;

        Plan(Cli.Context context) {
            super(context);
        }

        @Override
        public void run() {
            if (!plan.given() && plan.stageOptionsGiven()) {
                throw usage("--soak, --gate and --manual belong to a --plan");
            }
            if (!plan.given() && !health.given()) {
                throw usage("Nothing to change: give --plan and/or health options (see --help)");
            }
            String reason = reason();
            RolloutPlan p = plan.given() ? checked(this, plan::build) : null;
            HealthPolicy h = health.given() ? checked(this, health::build) : null;
            Rollout r = server.client(context).updateRolloutPlan(appId(), channelName(), p, h, reason, expectRevision);
            print(r, "Updated the " + (p != null && h != null ? "plan and health policy" : p != null ? "plan"
                    : "health policy") + " of the rollout of " + r.targetBundle() + " on " + r.channel());
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "The channel's active rollout, else its last one.")
    static final class Status extends RolloutAction {
        Status(Cli.Context context) {
            super(context);
        }

        @Override
        public void run() {
            print(server.client(context).rollout(appId(), channelName()), null);
        }
    }

    @Command(name = "history", mixinStandardHelpOptions = true,
            description = "Every change of the channel's active (else last) rollout.")
    static final class History extends RolloutAction {
        @Option(names = "--id", paramLabel = "ROLLOUT", description = "Another rollout of the app, by id")
        String id;

        History(Cli.Context context) {
            super(context);
        }

        @Override
        public void run() {
            String appId = appId();
            PatchbayClient client = server.client(context);
            String rolloutId = id != null ? id.strip() : client.rollout(appId, channelName()).id();
            List<RolloutChange> changes = client.rolloutHistory(appId, rolloutId);
            Output out = output();
            if (out.json()) {
                out.json(changes);
                return;
            }
            out.table(List.of("AT", "ACTOR", "ACTION", "STATE", "PERCENT", "REASON"), changes.stream()
                    .map(c -> List.of(Text.time(c.at()), c.actor(), c.action(),
                            (c.fromState() == null ? "" : c.fromState() + " -> ") + c.toState(),
                            (c.fromBps() == null ? "" : Rollout.percent(c.fromBps()) + " -> ")
                                    + Rollout.percent(c.toBps()),
                            c.reason() == null ? "" : c.reason()))
                    .toList());
        }
    }
}
