package dev.patchbay.cli;

import dev.patchbay.client.PatchbayClient;
import dev.patchbay.client.RolloutChange;
import dev.patchbay.client.RolloutStart;
import dev.patchbay.crypto.AppKeys;
import dev.patchbay.crypto.CanonicalJson;
import dev.patchbay.crypto.RollbackReleases;
import dev.patchbay.domain.Bundle;
import dev.patchbay.domain.Channel;
import dev.patchbay.domain.Names;
import dev.patchbay.domain.RolloutBucket;
import dev.patchbay.domain.ValidationException;
import dev.patchbay.domain.rollout.HealthAction;
import dev.patchbay.domain.rollout.HealthPolicy;
import dev.patchbay.domain.rollout.HealthReading;
import dev.patchbay.domain.rollout.Rollout;
import dev.patchbay.domain.rollout.RolloutPlan;
import dev.patchbay.domain.rollout.RolloutStage;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/** {@code patchbay rollout ...}: staged rollouts of a channel (docs/rollouts.md §5, §7). */
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

    // ---- option values ----------------------------------------------------------------------------------------

    /** "12.5", "12.5%" or "12.5 %" → 1250 basis points; 0..100 with at most two decimals. */
    static final class PercentConverter implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            return percent(value);
        }
    }

    static int percent(String value) {
        String t = value.strip();
        if (t.endsWith("%")) {
            t = t.substring(0, t.length() - 1).strip();
        }
        BigDecimal p;
        try {
            p = new BigDecimal(t);
        } catch (NumberFormatException e) {
            throw new TypeConversionException("'" + value + "' is not a percentage like 12.5 or 12.5%");
        }
        if (p.signum() < 0 || p.compareTo(BigDecimal.valueOf(100)) > 0) {
            throw new TypeConversionException("'" + value + "' is not between 0 and 100 %");
        }
        BigDecimal bps = p.movePointRight(2);
        if (bps.stripTrailingZeros().scale() > 0) {
            throw new TypeConversionException("'" + value + "' has more than two decimals (0.01 % is the finest step)");
        }
        return bps.intValueExact();
    }

    /** Basis points 0..10000. */
    static final class BpsConverter implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            int bps;
            try {
                bps = Integer.parseInt(value.strip());
            } catch (NumberFormatException e) {
                throw new TypeConversionException("'" + value + "' is not a whole number of basis points (0..10000)");
            }
            if (bps < 0 || bps > RolloutBucket.FULL) {
                throw new TypeConversionException("'" + value + "' is not between 0 and 10000 basis points");
            }
            return bps;
        }
    }

    /** "90", "90s", "15m", "1h", "2d" → seconds. */
    static final class SecondsConverter implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            String t = value.strip().toLowerCase(Locale.ROOT);
            long unit = 1;
            if (!t.isEmpty() && Character.isLetter(t.charAt(t.length() - 1))) {
                unit = switch (t.charAt(t.length() - 1)) {
                    case 's' -> 1;
                    case 'm' -> 60;
                    case 'h' -> 3600;
                    case 'd' -> 86_400;
                    default -> 0;
                };
                t = t.substring(0, t.length() - 1);
            }
            try {
                long n = Long.parseLong(t);
                if (unit == 0 || n < 0) {
                    throw new NumberFormatException();
                }
                return Math.multiplyExact(n, unit);
            } catch (NumberFormatException | ArithmeticException e) {
                throw new TypeConversionException("'" + value + "' is not a duration like 90s, 15m, 1h or 2d");
            }
        }
    }

    /** "5%" → 0.05, "0.05" → 0.05; a bare number of 1 or more is refused (5 could mean 5 % or 500 %). */
    static final class RateConverter implements ITypeConverter<Double> {
        @Override
        public Double convert(String value) {
            String t = value.strip();
            boolean pct = t.endsWith("%");
            try {
                double v = Double.parseDouble(pct ? t.substring(0, t.length() - 1).strip() : t);
                if (pct) {
                    v = v / 100;
                } else if (v >= 1) {
                    throw new TypeConversionException("'" + value + "' is ambiguous: write a percentage like 5% or"
                            + " a rate like 0.05");
                }
                if (!(v > 0 && v < 1)) {
                    throw new TypeConversionException("'" + value + "' is not a rate between 0 and 1 (0 % and 100 %)");
                }
                return v;
            } catch (NumberFormatException e) {
                throw new TypeConversionException("'" + value + "' is not a rate like 5% or 0.05");
            }
        }
    }

    static final class ActionConverter implements ITypeConverter<HealthAction> {
        @Override
        public HealthAction convert(String value) {
            try {
                return HealthAction.parse(value);
            } catch (ValidationException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    static final class GateConverter implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            String g = value.strip().toLowerCase(Locale.ROOT);
            if (!g.equals(RolloutStage.GATE_HEALTHY) && !g.equals(RolloutStage.GATE_NONE)) {
                throw new TypeConversionException("'" + value + "' is not a gate: healthy or none");
            }
            return g;
        }
    }

    /** --plan and its stage options. */
    static final class PlanOptions {
        @Option(names = "--plan", paramLabel = "P,P,...", hideParamSyntax = true, split = ",", converter = PercentConverter.class,
                description = "Stage percentages, e.g. 1,10,50,100 (increasing)")
        List<Integer> plan;
        @Option(names = "--soak", paramLabel = "DURATION", converter = SecondsConverter.class,
                description = "Least time in each stage before the plan advances: 90s, 15m, 1h, 2d (default: 1h)")
        Long soak;
        @Option(names = "--gate", paramLabel = "GATE", converter = GateConverter.class,
                description = "healthy (advance only on a healthy health verdict; default) or none (soak time only)")
        String gate;
        @Option(names = "--manual", description = "Advance only by hand (rollout advance / set), not by the server")
        boolean manual;

        boolean given() {
            return plan != null;
        }

        boolean stageOptionsGiven() {
            return soak != null || gate != null || manual;
        }

        RolloutPlan build() {
            long s = soak == null ? 3600 : soak;
            String g = gate == null ? RolloutStage.GATE_HEALTHY : gate;
            List<RolloutStage> stages = new ArrayList<>();
            for (int bps : plan) {
                stages.add(new RolloutStage(bps, s, g));
            }
            return new RolloutPlan(!manual, stages);
        }
    }

    /** The health policy options; fields not given take the policy's defaults. */
    static final class HealthOptions {
        @Option(names = "--threshold", paramLabel = "RATE", converter = RateConverter.class,
                description = "Failure rate above which the rollout is failing: 5%% or 0.05 (default 5%%)")
        Double threshold;
        @Option(names = "--window", paramLabel = "DURATION", converter = SecondsConverter.class,
                description = "Window the failure rate is measured over (default 1h)")
        Long window;
        @Option(names = "--min-attempts", paramLabel = "N", description = "Devices that must have tried the target"
                + " before a verdict (default 50)")
        Long minAttempts;
        @Option(names = "--min-failures", paramLabel = "N", description = "Failed devices needed to call the rollout"
                + " failing (default 5)")
        Long minFailures;
        @Option(names = "--cooldown", paramLabel = "DURATION", converter = SecondsConverter.class,
                description = "Least time between two automatic actions (default 15m)")
        Long cooldown;
        @Option(names = "--action", paramLabel = "ACTION", converter = ActionConverter.class,
                description = "What a failing verdict does: pause (default), rollback or notify")
        HealthAction action;

        boolean given() {
            return threshold != null || window != null || minAttempts != null || minFailures != null
                    || cooldown != null || action != null;
        }

        HealthPolicy build() {
            return new HealthPolicy(window, threshold, null, minAttempts, minFailures, cooldown, action);
        }
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

    /** Percentage as --percent or --bps, exactly one of them when {@code required}. */
    static final class PercentOptions {
        @Option(names = "--percent", paramLabel = "P", converter = PercentConverter.class,
                description = "Share of the channel's devices: 12.5 or 12.5%%")
        Integer percent;
        @Option(names = "--bps", paramLabel = "N", converter = BpsConverter.class,
                description = "The same in basis points: 1250 = 12.5 %%")
        Integer bps;

        Integer value(RolloutAction a, boolean required) {
            if (percent != null && bps != null) {
                throw a.usage("--percent and --bps cannot be used together");
            }
            if (required && percent == null && bps == null) {
                throw a.usage("Give the percentage with --percent P or --bps N");
            }
            return percent != null ? percent : bps;
        }
    }

    /** The key folder that signs a rollback release. */
    static final class KeyOptions {
        @Option(names = "--keys", paramLabel = "DIR",
                description = "The app's key folder: build and attach the rollback release (stable content, new"
                        + " sequence); passphrase from $" + Passphrases.ENV + " or --passphrase-file")
        Path keysDir;
        @Mixin PassphraseOption passphrase;

        /**
         * The rollback release of {@code stableVersion} (its envelope fetched from the server), signed with the keys,
         * with the app's highest sequence + 1.
         */
        byte[] build(Cli.Context context, PatchbayClient client, String appId, String stableVersion) {
            Bundle stable = client.getBundle(appId, stableVersion);
            if (stable.envelope() == null) {
                throw new CliException("The server sent bundle " + stableVersion + " without its release envelope");
            }
            long sequence = client.listBundles(appId).stream().mapToLong(Bundle::sequence).max().orElse(0) + 1;
            char[] pass = passphrase.passphrase(context);
            AppKeys keys;
            try {
                keys = AppKeys.load(appId, keysDir, pass);
            } finally {
                Arrays.fill(pass, '\0');
            }
            try (keys) {
                return RollbackReleases.build(CanonicalJson.bytes(stable.envelope()), keys, sequence, Instant.now());
            }
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
