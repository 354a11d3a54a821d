package dev.patchbay.cli;

import dev.patchbay.client.PatchbayClient;
import dev.patchbay.crypto.AppKeys;
import dev.patchbay.crypto.CanonicalJson;
import dev.patchbay.crypto.RollbackReleases;
import dev.patchbay.domain.Bundle;
import dev.patchbay.domain.RolloutBucket;
import dev.patchbay.domain.ValidationException;
import dev.patchbay.domain.rollout.HealthAction;
import dev.patchbay.domain.rollout.HealthPolicy;
import dev.patchbay.domain.rollout.RolloutPlan;
import dev.patchbay.domain.rollout.RolloutStage;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * The option values of {@code patchbay rollout ...}: converters for percentages, durations, rates, actions and
 * gates, and the option groups (plan, health policy, percentage, keys) the subcommands mix in.
 */
final class RolloutOptions {
    private RolloutOptions() {
    }

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


    /** Percentage as --percent or --bps, exactly one of them when {@code required}. */
    static final class PercentOptions {
        @Option(names = "--percent", paramLabel = "P", converter = PercentConverter.class,
                description = "Share of the channel's devices: 12.5 or 12.5%%")
        Integer percent;
        @Option(names = "--bps", paramLabel = "N", converter = BpsConverter.class,
                description = "The same in basis points: 1250 = 12.5 %%")
        Integer bps;

        Integer value(RolloutCommand.RolloutAction a, boolean required) {
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
}
