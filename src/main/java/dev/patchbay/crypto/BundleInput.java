package dev.patchbay.crypto;

import dev.patchbay.domain.ValidationException;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * The files of a web bundle to seal, from a folder or a zip, after every rule of bundle-format §6: safe relative
 * NFC paths (no {@code ..}, absolute paths, drive letters, backslashes, control characters), no symlinks, no
 * duplicates or case/NFC collisions, caps on entries, total size and compression ratio (checked while inflating,
 * not from headers), {@code index.html} at the root (a single top folder is unwrapped), {@code __MACOSX/} and
 * {@code .DS_Store} skipped. Errors are {@link ValidationException}s whose field is the offending entry.
 */
public final class BundleInput implements AutoCloseable {
    /** Caps of §6. The ratio is checked per entry and overall once more than {@link #RATIO_FLOOR} is inflated. */
    public record Limits(int maxEntries, long maxTotalBytes, long maxRatio) {
        public static final Limits DEFAULT = new Limits(20_000, 1L << 30, 100);
    }

    /** Below this many inflated bytes the ratio is not checked: a tiny file of spaces is no bomb. */
    public static final long RATIO_FLOOR = 1L << 20;

    /** One file of the bundle: its safe path (NFC, '/'-separated, relative to the root) and size. */
    public interface Entry {
        String path();

        long size();

        /** The file's bytes; the stream fails if the file yields more than {@link #size()} bytes. */
        InputStream open() throws IOException;
    }

    private final List<Entry> entries;
    private final ZipFile zip;

    private BundleInput(List<Entry> entries, ZipFile zip) {
        this.entries = List.copyOf(entries);
        this.zip = zip;
    }

    public static BundleInput open(Path folderOrZip) {
        return open(folderOrZip, Limits.DEFAULT);
    }

    /** Reads and checks a folder or a zip file; nothing is kept open on failure. */
    public static BundleInput open(Path folderOrZip, Limits limits) {
        if (Files.isDirectory(folderOrZip)) {
            return new BundleInput(finish(readFolder(folderOrZip, limits)), null);
        }
        if (!Files.isRegularFile(folderOrZip)) {
            throw new ValidationException("bundle", "Bundle " + folderOrZip + " is neither a folder nor a zip file");
        }
        ZipFile zip = null;
        try {
            zip = openZip(folderOrZip);
            List<Entry> raw = readZip(folderOrZip, zip, limits);
            BundleInput in = new BundleInput(finish(raw), zip);
            zip = null;
            return in;
        } finally {
            if (zip != null) {
                try {
                    zip.close();
                } catch (IOException ignored) {
                    // nothing to do
                }
            }
        }
    }

    /** The files, sorted by path. */
    public List<Entry> entries() {
        return entries;
    }

    public long totalSize() {
        return entries.stream().mapToLong(Entry::size).sum();
    }

    @Override
    public void close() throws IOException {
        if (zip != null) {
            zip.close();
        }
    }

    private static ValidationException refuse(String entry, String message) {
        return new ValidationException(entry, message);
    }

    // ---- paths ----

    /** The safe form of an entry name, or null if the entry is to be skipped; throws if the name is unsafe. */
    static String safePath(String raw, boolean directory) {
        String shown = printable(raw);
        if (raw.isEmpty()) {
            throw refuse(shown, "An entry has an empty name");
        }
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)) {
                throw refuse(shown, "Entry \"" + shown + "\" has a NUL or control character in its name");
            }
        }
        if (raw.indexOf('\\') >= 0) {
            throw refuse(shown, "Entry \"" + shown + "\" has a backslash in its name");
        }
        if (raw.startsWith("/")) {
            throw refuse(shown, "Entry \"" + shown + "\" is an absolute path");
        }
        if (raw.length() >= 2 && raw.charAt(1) == ':' && Character.isLetter(raw.charAt(0))) {
            throw refuse(shown, "Entry \"" + shown + "\" starts with a drive letter");
        }
        String name = directory && raw.endsWith("/") ? raw.substring(0, raw.length() - 1) : raw;
        String[] segments = name.split("/", -1);
        for (String s : segments) {
            if (s.equals("..")) {
                throw refuse(shown, "Entry \"" + shown + "\" has a \"..\" segment (zip-slip)");
            }
            if (s.isEmpty() || s.equals(".")) {
                throw refuse(shown, "Entry \"" + shown + "\" has an empty or \".\" path segment");
            }
            if (s.indexOf(':') >= 0) {
                throw refuse(shown, "Entry \"" + shown + "\" has a ':' in its name (drive letter or stream)");
            }
        }
        if (segments[0].equals("__MACOSX") || segments[segments.length - 1].equals(".DS_Store")) {
            return null;
        }
        return Normalizer.normalize(name, Normalizer.Form.NFC);
    }

    private static String printable(String raw) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < raw.length() && b.length() < 200; i++) {
            char c = raw.charAt(i);
            b.append(c < 0x20 || c == 0x7f ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return b.toString();
    }

    /** Collisions, single top folder unwrapping, index.html; returns entries sorted by path. */
    private static List<Entry> finish(List<Entry> raw) {
        Map<String, String> exact = new HashMap<>();
        Map<String, String> folded = new HashMap<>();
        for (Entry e : raw) {
            String p = e.path();
            String before = exact.put(p, p);
            if (before != null) {
                throw refuse(p, "Entry \"" + p + "\" appears twice (or twice after NFC normalisation)");
            }
            String key = p.toLowerCase(Locale.ROOT);
            String other = folded.put(key, p);
            if (other != null) {
                throw refuse(p, "Entries \"" + other + "\" and \"" + p + "\" differ only in case");
            }
        }
        Set<String> dirs = new HashSet<>();
        for (Entry e : raw) {
            String p = e.path().toLowerCase(Locale.ROOT);
            for (int i = p.indexOf('/'); i >= 0; i = p.indexOf('/', i + 1)) {
                dirs.add(p.substring(0, i));
            }
        }
        for (Entry e : raw) {
            if (dirs.contains(e.path().toLowerCase(Locale.ROOT))) {
                throw refuse(e.path(), "Entry \"" + e.path() + "\" is both a file and a folder");
            }
        }
        List<Entry> out = new ArrayList<>(raw);
        if (!exact.containsKey("index.html")) {
            String top = null;
            boolean single = !raw.isEmpty();
            for (Entry e : raw) {
                int slash = e.path().indexOf('/');
                String first = slash < 0 ? null : e.path().substring(0, slash);
                if (first == null || (top != null && !top.equals(first))) {
                    single = false;
                    break;
                }
                top = first;
            }
            if (!single || !exact.containsKey(top + "/index.html")) {
                throw refuse("index.html", "The bundle has no index.html at its root (nor under a single top "
                        + "folder)");
            }
            int cut = top.length() + 1;
            out.clear();
            for (Entry e : raw) {
                out.add(renamed(e, e.path().substring(cut)));
            }
        }
        out.sort(Comparator.comparing(Entry::path, CanonicalJson::compareCodePoints));
        return out;
    }

    private static Entry renamed(Entry e, String path) {
        return new Entry() {
            @Override
            public String path() {
                return path;
            }

            @Override
            public long size() {
                return e.size();
            }

            @Override
            public InputStream open() throws IOException {
                return e.open();
            }
        };
    }

    // ---- folders ----

    private static List<Entry> readFolder(Path root, Limits limits) {
        List<Entry> out = new ArrayList<>();
        long[] total = {0};
        int[] count = {0};
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    if (!dir.equals(root)) {
                        String rel = relative(root, dir);
                        if (safePath(rel + "/", true) == null) {
                            return FileVisitResult.SKIP_SUBTREE;
                        }
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    String rel = relative(root, file);
                    if (attrs.isSymbolicLink()) {
                        throw refuse(rel, "Entry \"" + rel + "\" is a symbolic link");
                    }
                    if (!attrs.isRegularFile()) {
                        throw refuse(rel, "Entry \"" + rel + "\" is not a regular file");
                    }
                    String path = safePath(rel, false);
                    if (path == null) {
                        return FileVisitResult.CONTINUE;
                    }
                    if (++count[0] > limits.maxEntries()) {
                        throw refuse("bundle", "The bundle has more than " + limits.maxEntries() + " files");
                    }
                    total[0] += attrs.size();
                    if (total[0] > limits.maxTotalBytes()) {
                        throw refuse("bundle", "The bundle is larger than " + limits.maxTotalBytes() + " bytes");
                    }
                    out.add(folderEntry(file, path, attrs.size()));
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    throw refuse(relative(root, file), "Cannot read " + file + ": " + e.getMessage());
                }
            });
        } catch (IOException e) {
            throw refuse("bundle", "Cannot read folder " + root + ": " + e.getMessage());
        }
        return out;
    }

    private static String relative(Path root, Path p) {
        StringBuilder b = new StringBuilder();
        for (Path part : root.relativize(p)) {
            if (b.length() > 0) {
                b.append('/');
            }
            b.append(part.toString());
        }
        return b.toString();
    }

    private static Entry folderEntry(Path file, String path, long size) {
        return new Entry() {
            @Override
            public String path() {
                return path;
            }

            @Override
            public long size() {
                return size;
            }

            @Override
            public InputStream open() throws IOException {
                if (Files.isSymbolicLink(file)) {
                    throw refuse(path, "Entry \"" + path + "\" became a symbolic link");
                }
                return new Bounded(Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS), size, path);
            }
        };
    }

    // ---- zips ----

    private static ZipFile openZip(Path file) {
        try {
            return new ZipFile(file.toFile(), StandardCharsets.UTF_8);
        } catch (ZipException e) {
            throw refuse("bundle", "Bundle " + file.getFileName() + " is not a zip file, or the zip is truncated or "
                    + "damaged (" + e.getMessage() + ")");
        } catch (IOException e) {
            throw refuse("bundle", "Cannot read " + file + ": " + e.getMessage());
        }
    }

    private static List<Entry> readZip(Path file, ZipFile zip, Limits limits) {
        List<CentralEntry> central = CentralEntry.read(file, limits.maxEntries());
        if (central.size() != zip.size()) {
            throw refuse("bundle", "Bundle " + file.getFileName() + " has an inconsistent zip directory");
        }
        List<Entry> out = new ArrayList<>();
        Set<String> rawNames = new HashSet<>();
        long declared = 0;
        long inflatedTotal = 0;
        long compressedTotal = 0;
        byte[] buf = new byte[64 * 1024];
        for (CentralEntry c : central) {
            if (!rawNames.add(c.name())) {
                throw refuse(c.name(), "Entry \"" + printable(c.name()) + "\" appears twice in the zip");
            }
            boolean dir = c.name().endsWith("/");
            String path = safePath(c.name(), dir);
            if (c.isSymlink()) {
                throw refuse(printable(c.name()), "Entry \"" + printable(c.name()) + "\" is a symbolic link");
            }
            if (path == null || dir) {
                continue;
            }
            ZipEntry ze = zip.getEntry(c.name());
            if (ze == null) {
                throw refuse(path, "Entry \"" + path + "\" cannot be read from the zip");
            }
            declared += Math.max(0, ze.getSize());
            if (declared > limits.maxTotalBytes()) {
                throw refuse("bundle", "The bundle is larger than " + limits.maxTotalBytes() + " bytes uncompressed");
            }
            long compressed = Math.max(1, ze.getCompressedSize());
            long n = 0;
            try (InputStream in = zip.getInputStream(ze)) {
                for (int r; (r = in.read(buf)) > 0;) {
                    n += r;
                    if (inflatedTotal + n > limits.maxTotalBytes()) {
                        throw refuse("bundle", "The bundle is larger than " + limits.maxTotalBytes()
                                + " bytes uncompressed (decompression bomb?)");
                    }
                    if (n > RATIO_FLOOR && n > limits.maxRatio() * compressed) {
                        throw refuse(path, "Entry \"" + path + "\" expands more than " + limits.maxRatio()
                                + ":1 (decompression bomb)");
                    }
                    if (ze.getSize() >= 0 && n > ze.getSize()) {
                        throw refuse(path, "Entry \"" + path + "\" is larger than its zip header says");
                    }
                }
            } catch (ValidationException e) {
                throw e;
            } catch (EOFException | ZipException e) {
                throw refuse(path, "Entry \"" + path + "\" is truncated or damaged in the zip (" + e.getMessage()
                        + ")");
            } catch (IOException e) {
                throw refuse(path, "Entry \"" + path + "\" cannot be read: " + e.getMessage());
            }
            if (ze.getSize() >= 0 && n != ze.getSize()) {
                throw refuse(path, "Entry \"" + path + "\" is " + n + " bytes, not the " + ze.getSize()
                        + " its zip header says (truncated or damaged)");
            }
            inflatedTotal += n;
            compressedTotal += compressed;
            if (inflatedTotal > RATIO_FLOOR && inflatedTotal > limits.maxRatio() * compressedTotal) {
                throw refuse("bundle", "The bundle expands more than " + limits.maxRatio()
                        + ":1 overall (decompression bomb)");
            }
            long size = n;
            out.add(new Entry() {
                @Override
                public String path() {
                    return path;
                }

                @Override
                public long size() {
                    return size;
                }

                @Override
                public InputStream open() throws IOException {
                    return new Bounded(zip.getInputStream(ze), size, path);
                }
            });
        }
        return out;
    }

    /** Fails if the underlying stream yields more than the checked size. */
    private static final class Bounded extends FilterInputStream {
        private long left;
        private final String path;

        Bounded(InputStream in, long size, String path) {
            super(in);
            this.left = size;
            this.path = path;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            int n = in.read(b, off, (int) Math.min(len, Math.max(1, left)));
            if (n > 0) {
                left -= n;
                if (left < 0) {
                    throw refuse(path, "Entry \"" + path + "\" changed while it was read (it grew)");
                }
            }
            return n;
        }
    }

    /** An entry of a zip's central directory, read directly: the JDK does not expose external attributes. */
    record CentralEntry(String name, int madeBy, long externalAttributes) {
        static final int UNIX = 3;
        static final int S_IFMT = 0170000;
        static final int S_IFLNK = 0120000;

        boolean isSymlink() {
            return (madeBy >> 8) == UNIX && ((externalAttributes >>> 16) & S_IFMT) == S_IFLNK;
        }

        static List<CentralEntry> read(Path file, int maxEntries) {
            String z = file.getFileName().toString();
            try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
                long len = raf.length();
                int tail = (int) Math.min(len, 22 + 65535);
                byte[] end = new byte[tail];
                raf.seek(len - tail);
                raf.readFully(end);
                int eocd = -1;
                for (int i = tail - 22; i >= 0; i--) {
                    if (u32(end, i) == 0x06054b50L) {
                        eocd = i;
                        break;
                    }
                }
                if (eocd < 0) {
                    throw refuse("bundle", "Bundle " + z + " is not a zip file, or the zip is truncated");
                }
                int count = u16(end, eocd + 10);
                long cdSize = u32(end, eocd + 12);
                long cdOffset = u32(end, eocd + 16);
                if (count == 0xffff || cdSize == 0xffffffffL || cdOffset == 0xffffffffL) {
                    throw refuse("bundle", "Bundle " + z + " is a zip64 archive; bundles over 65,535 entries or "
                            + "4 GiB are refused");
                }
                if (count > maxEntries) {
                    throw refuse("bundle", "The bundle has " + count + " entries, more than " + maxEntries);
                }
                if (cdOffset + cdSize > len - tail + eocd || cdSize > 64L * 1024 * 1024) {
                    throw refuse("bundle", "Bundle " + z + " is truncated or damaged (bad zip directory)");
                }
                byte[] cd = new byte[(int) cdSize];
                raf.seek(cdOffset);
                raf.readFully(cd);
                List<CentralEntry> out = new ArrayList<>(count);
                int p = 0;
                for (int i = 0; i < count; i++) {
                    if (p + 46 > cd.length || u32(cd, p) != 0x02014b50L) {
                        throw refuse("bundle", "Bundle " + z + " is truncated or damaged (bad zip directory)");
                    }
                    int madeBy = u16(cd, p + 4);
                    int nameLen = u16(cd, p + 28);
                    int extraLen = u16(cd, p + 30);
                    int commentLen = u16(cd, p + 32);
                    long ext = u32(cd, p + 38);
                    if (p + 46 + nameLen > cd.length) {
                        throw refuse("bundle", "Bundle " + z + " is truncated or damaged (bad zip directory)");
                    }
                    String name;
                    try {
                        name = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                                .onUnmappableCharacter(CodingErrorAction.REPORT)
                                .decode(java.nio.ByteBuffer.wrap(cd, p + 46, nameLen)).toString();
                    } catch (CharacterCodingException e) {
                        throw refuse("bundle", "Bundle " + z + " has an entry name that is not UTF-8");
                    }
                    out.add(new CentralEntry(name, madeBy, ext));
                    p += 46 + nameLen + extraLen + commentLen;
                }
                return out;
            } catch (IOException e) {
                throw refuse("bundle", "Bundle " + z + " is truncated or damaged (" + e.getMessage() + ")");
            }
        }

        private static int u16(byte[] b, int i) {
            return (b[i] & 0xff) | (b[i + 1] & 0xff) << 8;
        }

        private static long u32(byte[] b, int i) {
            return (u16(b, i) | (long) u16(b, i + 2) << 16) & 0xffffffffL;
        }
    }
}
