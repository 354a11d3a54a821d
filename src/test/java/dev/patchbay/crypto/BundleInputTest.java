package dev.patchbay.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.patchbay.domain.ValidationException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BundleInputTest {
    @TempDir
    Path tmp;

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** A zip of name → content, entries in the given order. */
    static byte[] zip(Map<String, byte[]> files) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> e : files.entrySet()) {
                z.putNextEntry(new ZipEntry(e.getKey()));
                z.write(e.getValue());
                z.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    static Map<String, byte[]> files(String... namesAndContents) {
        Map<String, byte[]> m = new LinkedHashMap<>();
        for (int i = 0; i < namesAndContents.length; i += 2) {
            m.put(namesAndContents[i], utf8(namesAndContents[i + 1]));
        }
        return m;
    }

    /** Replaces every occurrence of a placeholder name (local header and central directory) by raw bytes. */
    static byte[] patchName(byte[] zip, String placeholder, byte[] name) {
        byte[] from = utf8(placeholder);
        assertEquals(from.length, name.length);
        byte[] out = zip.clone();
        int found = 0;
        for (int i = 0; i + from.length <= out.length; i++) {
            if (Arrays.equals(out, i, i + from.length, from, 0, from.length)) {
                System.arraycopy(name, 0, out, i, name.length);
                found++;
            }
        }
        assertTrue(found >= 2, "placeholder in local header and central directory");
        return out;
    }

    /** Marks the central directory entry of {@code name} as a unix symlink (mode 0120777). */
    static byte[] markSymlink(byte[] zip, String name) {
        byte[] out = zip.clone();
        byte[] n = utf8(name);
        for (int p = 0; p + 46 < out.length; p++) {
            if (out[p] == 0x50 && out[p + 1] == 0x4b && out[p + 2] == 1 && out[p + 3] == 2) {
                int nameLen = (out[p + 28] & 0xff) | (out[p + 29] & 0xff) << 8;
                if (Arrays.equals(out, p + 46, p + 46 + nameLen, n, 0, n.length)) {
                    out[p + 5] = 3; // version made by: unix
                    long ext = 0120777L << 16;
                    for (int i = 0; i < 4; i++) {
                        out[p + 38 + i] = (byte) (ext >>> (8 * i));
                    }
                    return out;
                }
            }
        }
        throw new AssertionError("no central directory entry " + name);
    }

    Path write(byte[] bytes) throws IOException {
        Path f = Files.createTempFile(tmp, "bundle", ".zip");
        Files.write(f, bytes);
        return f;
    }

    ValidationException refused(byte[] zip) throws IOException {
        return refused(write(zip), BundleInput.Limits.DEFAULT);
    }

    static ValidationException refused(Path p, BundleInput.Limits limits) {
        return assertThrows(ValidationException.class, () -> BundleInput.open(p, limits).close());
    }

    static void assertMessage(ValidationException e, String part) {
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }

    static byte[] read(BundleInput.Entry e) throws IOException {
        try (InputStream in = e.open()) {
            return in.readAllBytes();
        }
    }

    @Test
    void aGoodZipWithATopFolderIsUnwrappedAndJunkSkipped() throws IOException {
        byte[] z = zip(files("dist/index.html", "<html>", "dist/js/app.js", "x()", "dist/.DS_Store", "junk",
                "__MACOSX/dist/._index.html", "junk", "dist/js/", ""));
        try (BundleInput in = BundleInput.open(write(z))) {
            assertEquals(List.of("index.html", "js/app.js"), in.entries().stream().map(BundleInput.Entry::path).toList());
            assertArrayEquals(utf8("x()"), read(in.entries().get(1)));
            assertEquals(9, in.totalSize());
        }
    }

    @Test
    void aGoodFolder() throws IOException {
        Path d = tmp.resolve("site");
        Files.createDirectories(d.resolve("assets"));
        Files.writeString(d.resolve("index.html"), "<html>");
        Files.writeString(d.resolve("assets/a.css"), "body{}");
        Files.writeString(d.resolve(".DS_Store"), "junk");
        try (BundleInput in = BundleInput.open(d)) {
            assertEquals(List.of("assets/a.css", "index.html"),
                    in.entries().stream().map(BundleInput.Entry::path).toList());
        }
    }

    @Test
    void zipSlip() throws IOException {
        assertMessage(refused(zip(files("index.html", "x", "../evil.sh", "x"))), "\"..\" segment");
        assertMessage(refused(zip(files("index.html", "x", "a/../../evil", "x"))), "\"..\" segment");
    }

    @Test
    void absolutePathsDriveLettersAndBackslashes() throws IOException {
        assertMessage(refused(zip(files("index.html", "x", "/etc/passwd", "x"))), "absolute path");
        assertMessage(refused(zip(files("index.html", "x", "C:/win.ini", "x"))), "drive letter");
        assertMessage(refused(zip(files("index.html", "x", "a\\..\\b", "x"))), "backslash");
    }

    @Test
    void controlCharactersAndNul() throws IOException {
        byte[] z = zip(files("index.html", "x", "aXb.js", "x"));
        ValidationException e = refused(patchName(z, "aXb.js", new byte[] {'a', 0, 'b', '.', 'j', 's'}));
        assertMessage(e, "NUL or control character");
        assertMessage(refused(patchName(z, "aXb.js", new byte[] {'a', '\n', 'b', '.', 'j', 's'})), "control");
    }

    @Test
    void symlinkEntriesInAZip() throws IOException {
        byte[] z = markSymlink(zip(files("index.html", "x", "link", "/etc/passwd")), "link");
        ValidationException e = refused(z);
        assertMessage(e, "\"link\" is a symbolic link");
        assertEquals("link", e.field());
    }

    @Test
    void symlinksInAFolder() throws IOException {
        Path d = tmp.resolve("site");
        Files.createDirectories(d);
        Files.writeString(d.resolve("index.html"), "<html>");
        Files.createSymbolicLink(d.resolve("passwd"), Path.of("/etc/passwd"));
        assertMessage(refused(d, BundleInput.Limits.DEFAULT), "\"passwd\" is a symbolic link");
    }

    @Test
    void duplicatesAndCollisions() throws IOException {
        byte[] z = zip(files("index.html", "x", "a.js", "1", "b.js", "2"));
        assertMessage(refused(patchName(z, "b.js", utf8("a.js"))), "appears twice");
        assertMessage(refused(zip(files("index.html", "x", "App.js", "1", "app.js", "2"))), "differ only in case");
        assertMessage(refused(zip(files("index.html", "x", "caf\u00e9.js", "1", "cafe\u0301.js", "2"))),
                "twice after NFC normalisation");
        assertMessage(refused(zip(files("index.html", "x", "a", "1", "a/b", "2"))), "both a file and a folder");
    }

    @Test
    void entryCountAndTotalSizeCaps() throws IOException {
        Map<String, byte[]> many = files("index.html", "x");
        for (int i = 0; i < 20; i++) {
            many.put("f" + i, new byte[] {(byte) i});
        }
        assertMessage(refused(write(zip(many)), new BundleInput.Limits(10, 1 << 30, 100)), "more than 10");
        Map<String, byte[]> big = files("index.html", "x");
        byte[] noise = new byte[600_000];
        new java.util.Random(1).nextBytes(noise);
        big.put("a.bin", noise);
        big.put("b.bin", noise);
        assertMessage(refused(write(zip(big)), new BundleInput.Limits(100, 1_000_000, 100)), "larger than 1000000");
        Path d = tmp.resolve("site");
        Files.createDirectories(d);
        Files.writeString(d.resolve("index.html"), "<html>");
        Files.write(d.resolve("a.bin"), noise);
        Files.write(d.resolve("b.bin"), noise);
        assertMessage(refused(d, new BundleInput.Limits(100, 1_000_000, 100)), "larger than");
        assertMessage(refused(d, new BundleInput.Limits(2, 1 << 30, 100)), "more than 2 files");
    }

    /** 200 MB of zeros deflate to ~200 KB; refused after inflating a few MB, not after 200. */
    @Test
    void decompressionBomb() throws IOException {
        Path f = tmp.resolve("bomb.zip");
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(f))) {
            z.putNextEntry(new ZipEntry("index.html"));
            z.write(utf8("<html>"));
            z.putNextEntry(new ZipEntry("zeros.bin"));
            byte[] mb = new byte[1 << 20];
            for (int i = 0; i < 200; i++) {
                z.write(mb);
            }
            z.closeEntry();
        }
        assertTrue(Files.size(f) < 1_000_000, "compressed to " + Files.size(f));
        long start = System.nanoTime();
        ValidationException e = refused(f, BundleInput.Limits.DEFAULT);
        assertMessage(e, "expands more than 100:1");
        assertEquals("zeros.bin", e.field());
        assertTrue(System.nanoTime() - start < 2_000_000_000L);
    }

    @Test
    void aHeaderThatLiesAboutTheSizeIsCaught() throws IOException {
        // a STORED entry whose declared size and CRC match, then the central directory's size patched smaller
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        byte[] data = new byte[5000];
        try (ZipOutputStream z = new ZipOutputStream(bytes)) {
            z.putNextEntry(new ZipEntry("index.html"));
            z.write(utf8("x"));
            ZipEntry e = new ZipEntry("data.bin");
            e.setMethod(ZipEntry.STORED);
            e.setSize(data.length);
            CRC32 crc = new CRC32();
            crc.update(data);
            e.setCrc(crc.getValue());
            z.putNextEntry(e);
            z.write(data);
        }
        byte[] zip = bytes.toByteArray();
        // DEFLATED entries are streamed; for this one the inflated count must equal the header: corrupt the header
        int cd = lastIndexOf(zip, new byte[] {0x50, 0x4b, 1, 2});
        zip[cd + 24] = (byte) 0x10; // uncompressed size 5000 -> 4112 (low byte 0x88 -> 0x10)
        assertThrows(ValidationException.class, () -> BundleInput.open(write(zip)).close());
    }

    static int lastIndexOf(byte[] a, byte[] b) {
        for (int i = a.length - b.length; i >= 0; i--) {
            if (Arrays.equals(a, i, i + b.length, b, 0, b.length)) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void missingIndexHtml() throws IOException {
        assertMessage(refused(zip(files("main.html", "x"))), "no index.html");
        assertMessage(refused(zip(files("a/index.html", "x", "b/x.js", "x"))), "no index.html");
        assertMessage(refused(zip(files("a/b/index.html", "x"))), "no index.html");
    }

    @Test
    void notAZipAndTruncatedZip() throws IOException {
        ValidationException e = refused(utf8("this is not a zip file at all"));
        assertMessage(e, "is not a zip file");
        byte[] z = zip(files("index.html", "<html>".repeat(1000), "app.js", "x".repeat(5000)));
        assertMessage(refused(Arrays.copyOf(z, z.length / 2)), "truncated");
        byte[] damaged = z.clone();
        for (int i = 60; i < 90; i++) {
            damaged[i] = (byte) 0xff;
        }
        assertThrows(ValidationException.class, () -> BundleInput.open(write(damaged)).close());
    }
}
