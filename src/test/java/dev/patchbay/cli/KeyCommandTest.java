package dev.patchbay.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patchbay.crypto.AppKeys;
import dev.patchbay.crypto.TrustRoot;
import dev.patchbay.domain.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyCommandTest {
    static final String APP = "com.example.shop";
    static final Map<String, String> ENV = Map.of("PATCHBAY_KEY_PASSPHRASE", "a long passphrase");

    @TempDir
    Path tmp;

    record Result(int code, String out, String err) {
    }

    static Result run(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<String> all = new ArrayList<>(List.of(args));
        if (List.of("create", "rotate", "export").contains(all.get(1))) {
            all.add("--kdf-cost=15");
        }
        int code = Cli.run(all.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), env);
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void createRotateExport() throws Exception {
        String dir = tmp.resolve("keys").toString();
        Result r = run(ENV, "key", "create", "--app", APP, "--dir", dir);
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("Created keys for com.example.shop"), r.out());

        r = run(ENV, "key", "create", "--app", APP, "--dir", dir);
        assertEquals(Cli.FAILED, r.code());
        assertTrue(r.err().contains("never overwritten"), r.err());

        r = run(Map.of(), "key", "export", "--app", APP, "--dir", dir);
        assertEquals(0, r.code(), r.err());
        TrustRoot trust = TrustRoot.parse(r.out().getBytes(StandardCharsets.UTF_8));
        assertEquals(1, trust.releaseCerts().size());

        Path pf = tmp.resolve("pass.txt");
        Files.writeString(pf, "a long passphrase\n");
        r = run(Map.of(), "key", "rotate", "--app", APP, "--dir", dir, "--passphrase-file", pf.toString(),
                "--retire-old-after", "30d");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("New release key") && r.out().contains("Old release key"), r.out());
        assertEquals(2, AppKeys.readTrust(APP, Path.of(dir)).releaseCerts().size());

        Path config = tmp.resolve("updater.json");
        r = run(ENV, "key", "export", "--app", APP, "--dir", dir, "--out", config.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode plugin = Json.mapper().readTree(config.toFile()).path("plugins").path("PatchbayUpdater");
        assertEquals(trust.rootKeyId(), plugin.path("rootKeyId").asText());
        assertFalse(plugin.path("contentKey").asText().isEmpty());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(config)));
        assertFalse(r.out().contains(plugin.path("contentKey").asText()), "the content key is not printed");
    }

    @Test
    void passphraseProblemsAreClear() {
        String dir = tmp.resolve("keys").toString();
        Result r = run(Map.of(), "key", "create", "--app", APP, "--dir", dir);
        assertEquals(Cli.FAILED, r.code());
        assertTrue(r.err().contains("No passphrase: set PATCHBAY_KEY_PASSPHRASE or use --passphrase-file FILE"),
                r.err());
        r = run(Map.of("PATCHBAY_KEY_PASSPHRASE", "short"), "key", "create", "--app", APP, "--dir", dir);
        assertEquals(Cli.FAILED, r.code());
        assertTrue(r.err().contains("at least 8 characters"), r.err());
        assertEquals(0, run(ENV, "key", "create", "--app", APP, "--dir", dir).code());
        r = run(Map.of("PATCHBAY_KEY_PASSPHRASE", "another passphrase"), "key", "rotate", "--app", APP, "--dir", dir);
        assertEquals(Cli.FAILED, r.code());
        assertTrue(r.err().contains("encrypted with a different passphrase"), r.err());
        r = run(ENV, "key", "rotate", "--app", "com.example.other", "--dir", dir);
        assertTrue(r.err().contains("belong to app com.example.shop, not com.example.other"), r.err());
        r = run(ENV, "key", "create", "--app", APP, "--dir", dir, "--passphrase", "x");
        assertEquals(Cli.USAGE, r.code());
        r = run(ENV, "key", "rotate", "--app", APP, "--dir", dir, "--retire-old-after", "soon");
        assertTrue(r.err().contains("not a duration"), r.err());
    }
}
