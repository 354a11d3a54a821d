package dev.patchbay.updater;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Semver 2.0 precedence, for native version ranges and {@code nativeVersion} delay conditions. */
final class Semver {
    private static final Pattern SEMVER = Pattern.compile(
            "(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)(?:-([0-9A-Za-z.-]+))?(?:\\+[0-9A-Za-z.-]+)?");

    private Semver() {
    }

    static boolean isValid(String v) {
        return v != null && SEMVER.matcher(v).matches();
    }

    /** Negative, zero or positive as {@code a} precedes, equals or follows {@code b}; both must be valid. */
    static int compare(String a, String b) {
        Matcher x = match(a);
        Matcher y = match(b);
        for (int i = 1; i <= 3; i++) {
            int c = new java.math.BigInteger(x.group(i)).compareTo(new java.math.BigInteger(y.group(i)));
            if (c != 0) {
                return c;
            }
        }
        String pa = x.group(4);
        String pb = y.group(4);
        if (pa == null || pb == null) {
            return pa == null ? (pb == null ? 0 : 1) : -1;
        }
        String[] sa = pa.split("\\.");
        String[] sb = pb.split("\\.");
        for (int i = 0; i < Math.min(sa.length, sb.length); i++) {
            boolean na = sa[i].matches("\\d+");
            boolean nb = sb[i].matches("\\d+");
            int c = na && nb ? new java.math.BigInteger(sa[i]).compareTo(new java.math.BigInteger(sb[i]))
                    : na ? -1 : nb ? 1 : sa[i].compareTo(sb[i]);
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(sa.length, sb.length);
    }

    private static Matcher match(String v) {
        Matcher m = v == null ? null : SEMVER.matcher(v);
        if (m == null || !m.matches()) {
            throw new IllegalArgumentException("\"" + v + "\" is not a semver version");
        }
        return m;
    }
}
