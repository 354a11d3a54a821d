package dev.patchbay.bench;

import dev.patchbay.crypto.BinaryDelta;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.List;
import java.util.stream.Stream;

/**
 * The device side of binary patches on real releases (bench/bytes-to-device.sh): {@code make DIR_A DIR_B OUT} writes
 * a BinaryDelta patch per changed file into OUT (publisher side); {@code apply DIR_A DIR_B OUT} applies them the way
 * the runtime does — base read at random positions from its file, patch streamed, result streamed to a file and
 * hashed — and prints the time and the JVM's peak heap use (run it with a small -Xmx to show the bound).
 */
public final class PatchApply {
    private PatchApply() {
    }

    public static void main(String[] args) throws Exception {
        Path a = Path.of(args[1]);
        Path b = Path.of(args[2]);
        Path out = Path.of(args[3]);
        List<Path> files;
        try (Stream<Path> s = Files.walk(b)) {
            files = s.filter(Files::isRegularFile).sorted().toList();
        }
        if (args[0].equals("make")) {
            Files.createDirectories(out);
            for (Path f : files) {
                String rel = b.relativize(f).toString();
                Path old = a.resolve(rel);
                if (Files.exists(old) && Files.mismatch(old, f) >= 0) {
                    Files.write(out.resolve(rel.replace('/', '_') + ".patch"),
                            BinaryDelta.diff(Files.readAllBytes(old), Files.readAllBytes(f)));
                }
            }
            return;
        }
        System.gc();
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            p.resetPeakUsage();
        }
        long t0 = System.nanoTime();
        long bytes = 0;
        int n = 0;
        for (Path f : files) {
            String rel = b.relativize(f).toString();
            Path patch = out.resolve(rel.replace('/', '_') + ".patch");
            if (!Files.exists(patch)) {
                continue;
            }
            Path made = out.resolve(rel.replace('/', '_') + ".out");
            MessageDigest sha = MessageDigest.getInstance("SHA-256"); // as the device, which checks the digest
            try (RandomAccessFile base = new RandomAccessFile(a.resolve(rel).toFile(), "r");
                    InputStream in = new BufferedInputStream(Files.newInputStream(patch), 1 << 16);
                    OutputStream o = new DigestOutputStream(new BufferedOutputStream(Files.newOutputStream(made),
                            1 << 16), sha)) {
                bytes += BinaryDelta.apply(new BinaryDelta.Old() {
                    @Override
                    public long length() {
                        try {
                            return base.length();
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    }

                    @Override
                    public void read(long pos, byte[] buf, int off, int len) throws IOException {
                        base.seek(pos);
                        base.readFully(buf, off, len);
                    }
                }, in, o, Files.size(f));
            }
            if (Files.mismatch(made, f) >= 0) { // compared by streaming, not in memory
                throw new AssertionError("patch of " + rel + " does not reproduce it");
            }
            Files.delete(made);
            n++;
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        long peak = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP) {
                peak += p.getPeakUsage().getUsed();
            }
        }
        System.out.printf("device apply: %d patches -> %d bytes in %d ms (%.1f MB/s), peak heap %.1f MB with -Xmx %d MB"
                + "%n", n, bytes, ms, bytes / 1e3 / Math.max(1, ms), peak / 1e6,
                Runtime.getRuntime().maxMemory() >> 20);
    }
}
