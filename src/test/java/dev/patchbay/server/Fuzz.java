package dev.patchbay.server;

import java.util.Random;

/** Mutations of a valid JSON body for robustness tests: truncation, byte flips, type swaps, junk insertion. */
final class Fuzz {
    private static final String[] JUNK = {"null", "{}", "[]", "\"\"", "-1", "1e999", "true", "\"\\u0000\"",
            "9999999999999999999999", "{\"a\":", "\"\\ud800\"", "[[[[[[[[[[", "0.5", "\"" + "x".repeat(300) + "\""};

    private Fuzz() {
    }

    static String mutate(String json, Random random) {
        StringBuilder s = new StringBuilder(json);
        int kind = random.nextInt(6);
        switch (kind) {
            case 0 -> s.setLength(random.nextInt(Math.max(1, s.length())));
            case 1 -> {
                for (int i = 0; i < 1 + random.nextInt(5); i++) {
                    int at = random.nextInt(s.length());
                    s.setCharAt(at, (char) (32 + random.nextInt(95)));
                }
            }
            case 2 -> {
                // replace a value after a colon by junk
                int colon = s.indexOf(":", random.nextInt(s.length()));
                if (colon > 0) {
                    int end = colon + 1;
                    while (end < s.length() && s.charAt(end) != ',' && s.charAt(end) != '}') {
                        end++;
                    }
                    s.replace(colon + 1, end, JUNK[random.nextInt(JUNK.length)]);
                }
            }
            case 3 -> s.insert(random.nextInt(s.length()), JUNK[random.nextInt(JUNK.length)]);
            case 4 -> {
                return JUNK[random.nextInt(JUNK.length)];
            }
            default -> {
                int at = random.nextInt(s.length());
                s.deleteCharAt(at);
            }
        }
        return s.toString();
    }
}
