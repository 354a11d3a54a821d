package dev.patchbay.testsupport;

import java.util.Random;

/** JavaScript-like text for tests: words of a vocabulary in a seeded order (deflates about 3:1, as real code). */
public final class SeededScripts {
    private SeededScripts() {
    }

    /** {@code length} characters of {@code words} chosen by {@code seed}; the same arguments give the same text. */
    public static String text(String[] words, long seed, int length) {
        Random r = new Random(seed);
        StringBuilder b = new StringBuilder(length + 32);
        while (b.length() < length) {
            b.append(words[r.nextInt(words.length)]).append(r.nextInt(8) == 0 ? ";\n" : " ");
            if (r.nextInt(6) == 0) {
                b.append("v").append(r.nextInt(5000)).append(' ');
            }
        }
        return b.substring(0, length);
    }
}
