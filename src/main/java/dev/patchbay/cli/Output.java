package dev.patchbay.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.patchbay.domain.Json;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** Prints results as aligned text tables or as JSON. */
final class Output {
    private final PrintStream out;
    private final boolean json;

    Output(PrintStream out, boolean json) {
        this.out = out;
        this.json = json;
    }

    boolean json() {
        return json;
    }

    void json(Object value) {
        try {
            out.println(Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(value));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    void line(String text) {
        out.println(text);
    }

    /** A table with a header row; columns padded to their widest cell. */
    void table(List<String> header, List<List<String>> rows) {
        List<List<String>> all = new ArrayList<>();
        all.add(header);
        all.addAll(rows);
        int[] width = new int[header.size()];
        for (List<String> row : all) {
            for (int i = 0; i < row.size(); i++) {
                width[i] = Math.max(width[i], row.get(i).length());
            }
        }
        for (List<String> row : all) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < row.size(); i++) {
                sb.append(i == row.size() - 1 ? row.get(i) : pad(row.get(i), width[i] + 2));
            }
            out.println(sb.toString().stripTrailing());
        }
    }

    /** "key: value" lines, keys aligned. */
    void fields(List<String[]> pairs) {
        int w = pairs.stream().mapToInt(p -> p[0].length()).max().orElse(0);
        for (String[] p : pairs) {
            out.println(pad(p[0] + ":", w + 2) + p[1]);
        }
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s + " " : s + " ".repeat(width - s.length());
    }
}
