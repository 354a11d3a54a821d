package dev.patchbay.domain;

import java.math.BigInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A semantic version for the update rules (server and device): {@code MAJOR.MINOR.PATCH[-pre][+build]} with semver
 * 2.0 precedence. {@link #parse} also reads a native version given as {@code 1} or {@code 1.4} as {@code 1.0.0} /
 * {@code 1.4.0} (Android version names often are); {@link #parseStrict} wants all three numbers. Build metadata is
 * ignored in comparisons; a pre-release sorts before its release.
 */
public record SemVer(BigInteger major, BigInteger minor, BigInteger patch, String pre) implements Comparable<SemVer> {
    private static final Pattern FORM = Pattern.compile(
            "(0|[1-9]\\d{0,17})(?:\\.(0|[1-9]\\d{0,17}))?(?:\\.(0|[1-9]\\d{0,17}))?"
                    + "(?:-([0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*))?(?:\\+[0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*)?");

    /** The version, or {@code null} if {@code text} is not one; {@code 1} and {@code 1.4} are accepted. */
    public static SemVer parse(String text) {
        if (text == null || text.length() > 128) {
            return null;
        }
        Matcher m = FORM.matcher(text);
        if (!m.matches()) {
            return null;
        }
        return new SemVer(new BigInteger(m.group(1)), num(m.group(2)), num(m.group(3)), m.group(4));
    }

    /** As {@link #parse}, but {@code MAJOR.MINOR.PATCH} must be complete. */
    public static SemVer parseStrict(String text) {
        Matcher m = text == null ? null : FORM.matcher(text);
        return m != null && m.matches() && m.group(3) != null ? parse(text) : null;
    }

    /**
     * Precedence of two complete versions: negative, zero or positive as {@code a} precedes, equals or follows
     * {@code b}.
     *
     * @throws IllegalArgumentException if either is not a complete semantic version
     */
    public static int compareStrict(String a, String b) {
        return require(a).compareTo(require(b));
    }

    private static SemVer require(String text) {
        SemVer v = parseStrict(text);
        if (v == null) {
            throw new IllegalArgumentException("\"" + text + "\" is not a semver version");
        }
        return v;
    }

    private static BigInteger num(String s) {
        return s == null ? BigInteger.ZERO : new BigInteger(s);
    }

    @Override
    public int compareTo(SemVer o) {
        int c = major.compareTo(o.major);
        if (c == 0) {
            c = minor.compareTo(o.minor);
        }
        if (c == 0) {
            c = patch.compareTo(o.patch);
        }
        if (c != 0) {
            return c;
        }
        if (pre == null || o.pre == null) {
            return pre == null ? (o.pre == null ? 0 : 1) : -1;
        }
        String[] a = pre.split("\\.");
        String[] b = o.pre.split("\\.");
        for (int i = 0; i < Math.min(a.length, b.length); i++) {
            boolean an = a[i].matches("\\d+");
            boolean bn = b[i].matches("\\d+");
            int d;
            if (an && bn) {
                d = new BigInteger(a[i]).compareTo(new BigInteger(b[i]));
            } else if (an != bn) {
                d = an ? -1 : 1;
            } else {
                d = a[i].compareTo(b[i]);
            }
            if (d != 0) {
                return d;
            }
        }
        return Integer.compare(a.length, b.length);
    }

    @Override
    public String toString() {
        return major + "." + minor + "." + patch + (pre == null ? "" : "-" + pre);
    }
}
