package dev.patchbay.console.channels;

import dev.patchbay.domain.RolloutBucket;
import dev.patchbay.domain.ValidationException;
import java.math.BigDecimal;
import java.math.RoundingMode;

/** Percentages as the rollout controls show and read them: basis points (1250) ⇄ "12.5" (0.01 % steps). */
final class Percent {
    private Percent() {
    }

    /** "12.5", "12.5 %", "12,5%" → 1250; more than two decimals, below 0 or above 100 is an error naming {@code field}. */
    static int parse(String text, String field) {
        String t = text == null ? "" : text.trim();
        if (t.endsWith("%")) {
            t = t.substring(0, t.length() - 1).trim();
        }
        t = t.replace(',', '.');
        if (t.isEmpty()) {
            throw new ValidationException(field, "Enter a percentage (0–100, e.g. 12.5)");
        }
        BigDecimal value;
        try {
            value = new BigDecimal(t);
        } catch (NumberFormatException e) {
            throw new ValidationException(field, "'" + text.trim() + "' is not a percentage (0–100, e.g. 12.5)");
        }
        if (value.scale() > 2 && value.stripTrailingZeros().scale() > 2) {
            throw new ValidationException(field, "Percentages go in 0.01 % steps, not " + t + " %");
        }
        if (value.signum() < 0 || value.compareTo(BigDecimal.valueOf(100)) > 0) {
            throw new ValidationException(field, "A percentage is 0–100, not " + t + " %");
        }
        return value.movePointRight(2).setScale(0, RoundingMode.UNNECESSARY).intValueExact();
    }

    /** 1250 → "12.5", 1000 → "10", 1 → "0.01". */
    static String text(int bps) {
        return BigDecimal.valueOf(bps).movePointLeft(2).stripTrailingZeros().toPlainString();
    }

    /** A slider position in percent (0–100) → basis points, rounded to the 0.01 % step. */
    static int fromSlider(double percent) {
        long bps = Math.round(percent * 100);
        return (int) Math.max(0, Math.min(RolloutBucket.FULL, bps));
    }
}
