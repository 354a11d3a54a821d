package dev.patchbay.harness;

import java.util.ArrayList;
import java.util.List;

/**
 * A preflight report as one line for the audit log of the rollout it preceded (docs/rollouts.md §5): "passed: 3 of 3
 * devices confirmed 1.5.0 from 1.4.0 in 4210 ms" or "FAILED: 1 of 2 devices confirmed ...; emu-2: why (2 JS errors,
 * 1 failed load)". At most {@link #MAX} characters.
 */
public final class PreflightNote {
    /** The server's limit for the note. */
    public static final int MAX = 2000;

    private PreflightNote() {
    }

    public static long confirmed(Preflight.Report r) {
        return r.devices().stream().filter(Preflight.DeviceResult::confirmed).count();
    }

    public static String of(Preflight.Report r) {
        StringBuilder sb = new StringBuilder(r.passed() ? "passed: " : "FAILED: ")
                .append(confirmed(r)).append(" of ").append(r.devices().size()).append(" devices confirmed ")
                .append(r.version()).append(" from ").append(r.from() == null ? "builtin" : r.from())
                .append(" in ").append(r.wallMs()).append(" ms");
        for (Preflight.DeviceResult d : r.devices()) {
            if (d.confirmed()) {
                continue;
            }
            List<String> counts = new ArrayList<>();
            if (!d.jsErrors().isEmpty()) {
                counts.add(d.jsErrors().size() + " JS error" + (d.jsErrors().size() == 1 ? "" : "s"));
            }
            if (!d.failedResources().isEmpty()) {
                counts.add(d.failedResources().size() + " failed load" + (d.failedResources().size() == 1 ? "" : "s"));
            }
            sb.append("; ").append(d.serial()).append(": ").append(d.failure() == null ? "not confirmed" : d.failure());
            if (!counts.isEmpty()) {
                sb.append(" (").append(String.join(", ", counts)).append(')');
            }
        }
        String line = sb.toString().replaceAll("[\\p{Cntrl}]+", " ").strip();
        return line.length() <= MAX ? line : line.substring(0, MAX - 1) + "…";
    }
}
