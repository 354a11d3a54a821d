package dev.patchbay.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a started {@code patchbay serve} process printed up to a line: the URL it announced ({@code null} if none) and
 * all of the text (for failure messages).
 */
record ServeOutput(String url, String text) {
    private static final Pattern LISTENING = Pattern.compile("listening on (http://127\\.0\\.0\\.1:\\d+)");

    /** Reads {@code lines} up to and including the first line that starts with {@code last}, or to their end. */
    static ServeOutput read(BufferedReader lines, String last) throws IOException {
        String url = null;
        StringBuilder seen = new StringBuilder();
        for (String line; (line = lines.readLine()) != null; ) {
            seen.append(line).append('\n');
            Matcher m = LISTENING.matcher(line);
            if (m.find()) {
                url = m.group(1);
            }
            if (line.startsWith(last)) {
                break;
            }
        }
        return new ServeOutput(url, seen.toString());
    }
}
