package dev.patchbay.updater;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import dev.patchbay.updater.port.FileStore;
import dev.patchbay.updater.port.KeyValueStore;

/**
 * What survives a process: the files folder and the preferences files of one emulated device, in memory. Every write
 * through a port counts; the plan can kill the process at write N (before or after the write takes effect) or make
 * writes fail as a full disk does. A killed process's ports throw {@link Killed} at every later write.
 */
final class MemoryDisk {
    final Map<String, byte[]> files = new TreeMap<>();
    final Set<String> dirs = new TreeSet<>();
    final Map<String, Map<String, String>> kv = new HashMap<>();
    int writes;
    int killAt = -1;
    boolean killAfter;
    /** Writes fail with "No space left on device" once this many bytes are stored (-1: unlimited). */
    long capacity = -1;
    /** Every write from this one on fails as on a full disk (-1: never). */
    int failFrom = -1;
    final List<String> log = new ArrayList<>();

    /** One process's view; dead after a kill. */
    final class Proc {
        boolean dead;

        /** Counts a write; runs {@code effect} and kills the process per the plan. */
        void write(String what, Runnable effect) throws IOException {
            synchronized (MemoryDisk.this) {
                if (dead) {
                    throw new Killed(what + " (after death)");
                }
                writes++;
                log.add(writes + " " + what);
                if (failFrom >= 0 && writes >= failFrom) {
                    throw new IOException("No space left on device (write " + writes + ": " + what + ")");
                }
                if (writes == killAt) {
                    dead = true;
                    if (killAfter) {
                        effect.run();
                    }
                    throw new Killed("write " + writes + ": " + what);
                }
                effect.run();
            }
        }

        FileStore fileStore() {
            return new Files(this);
        }

        KeyValueStore kv(String name) {
            return new Kv(this, kv.computeIfAbsent(name, n -> new LinkedHashMap<>()), name);
        }
    }

    /** A copy of what is on this disk (no process, no fault plan). */
    synchronized MemoryDisk copy() {
        MemoryDisk c = new MemoryDisk();
        c.files.putAll(files);
        c.dirs.addAll(dirs);
        kv.forEach((k, v) -> c.kv.put(k, new LinkedHashMap<>(v)));
        c.writes = writes;
        c.log.addAll(log);
        return c;
    }

    long used() {
        return files.values().stream().mapToLong(b -> b.length).sum();
    }

    static String norm(String p) {
        while (p.startsWith("/")) {
            p = p.substring(1);
        }
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p;
    }

    private void ensureParents(String p) {
        int i = p.lastIndexOf('/');
        while (i > 0) {
            dirs.add(p.substring(0, i));
            i = p.lastIndexOf('/', i - 1);
        }
    }

    boolean isDir(String p) {
        return dirs.contains(p);
    }

    boolean under(String p, String dir) {
        return p.equals(dir) || p.startsWith(dir + "/");
    }

    final class Files implements FileStore {
        final Proc proc;

        Files(Proc proc) {
            this.proc = proc;
        }

        void checkSpace(long more) throws IOException {
            if (capacity >= 0 && used() + more > capacity) {
                throw new IOException("No space left on device");
            }
        }

        @Override
        public OutputStream create(String path) throws IOException {
            String p = norm(path);
            if (isDir(p)) {
                throw new IOException(p + " is a folder");
            }
            checkSpace(0);
            proc.write("create " + p, () -> {
                ensureParents(p);
                files.put(p, new byte[0]);
            });
            return new Out(p);
        }

        @Override
        public OutputStream append(String path) throws IOException {
            String p = norm(path);
            checkSpace(0);
            proc.write("append " + p, () -> {
                ensureParents(p);
                files.putIfAbsent(p, new byte[0]);
            });
            return new Out(p);
        }

        final class Out extends OutputStream {
            final String p;

            Out(String p) {
                this.p = p;
            }

            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                if (len == 0) {
                    return;
                }
                checkSpace(len);
                byte[] chunk = java.util.Arrays.copyOfRange(b, off, off + len);
                proc.write("write " + p + " +" + len, () -> {
                    byte[] old = files.getOrDefault(p, new byte[0]);
                    byte[] n = java.util.Arrays.copyOf(old, old.length + chunk.length);
                    System.arraycopy(chunk, 0, n, old.length, chunk.length);
                    files.put(p, n);
                });
            }
        }

        @Override
        public InputStream open(String path) throws IOException {
            synchronized (MemoryDisk.this) {
                byte[] b = files.get(norm(path));
                if (b == null) {
                    throw new java.io.FileNotFoundException(path);
                }
                return new ByteArrayInputStream(b);
            }
        }

        @Override
        public boolean exists(String path) {
            synchronized (MemoryDisk.this) {
                String p = norm(path);
                return files.containsKey(p) || isDir(p);
            }
        }

        @Override
        public boolean isDirectory(String path) {
            synchronized (MemoryDisk.this) {
                return isDir(norm(path));
            }
        }

        @Override
        public long size(String path) {
            synchronized (MemoryDisk.this) {
                byte[] b = files.get(norm(path));
                return b == null ? -1 : b.length;
            }
        }

        @Override
        public List<String> list(String path) {
            synchronized (MemoryDisk.this) {
                String p = norm(path);
                Set<String> out = new TreeSet<>();
                String prefix = p.isEmpty() ? "" : p + "/";
                for (String f : files.keySet()) {
                    if (f.startsWith(prefix)) {
                        out.add(f.substring(prefix.length()).split("/")[0]);
                    }
                }
                for (String d : dirs) {
                    if (d.startsWith(prefix) && d.length() > prefix.length()) {
                        out.add(d.substring(prefix.length()).split("/")[0]);
                    }
                }
                return new ArrayList<>(out);
            }
        }

        @Override
        public void mkdirs(String path) throws IOException {
            String p = norm(path);
            if (isDir(p)) {
                return;
            }
            proc.write("mkdirs " + p, () -> {
                ensureParents(p);
                dirs.add(p);
            });
        }

        @Override
        public void move(String from, String to) throws IOException {
            String f = norm(from);
            String t = norm(to);
            if (!exists(f)) {
                throw new IOException(f + " does not exist");
            }
            if (exists(t)) {
                throw new IOException(t + " exists");
            }
            proc.write("move " + f + " -> " + t, () -> {
                ensureParents(t);
                Map<String, byte[]> moved = new TreeMap<>();
                files.entrySet().removeIf(e -> {
                    if (under(e.getKey(), f)) {
                        moved.put(t + e.getKey().substring(f.length()), e.getValue());
                        return true;
                    }
                    return false;
                });
                files.putAll(moved);
                List<String> ds = new ArrayList<>();
                dirs.removeIf(d -> {
                    if (under(d, f)) {
                        ds.add(t + d.substring(f.length()));
                        return true;
                    }
                    return false;
                });
                dirs.addAll(ds);
            });
        }

        @Override
        public void deleteRecursively(String path) throws IOException {
            String p = norm(path);
            if (!exists(p)) {
                return;
            }
            proc.write("delete " + p, () -> {
                files.keySet().removeIf(k -> under(k, p));
                dirs.removeIf(d -> under(d, p));
            });
        }

        @Override
        public long usableSpace() {
            return capacity < 0 ? Long.MAX_VALUE / 4 : capacity - used();
        }

        @Override
        public String absolutePath(String path) {
            return "/data/user/0/com.example.shop/files/" + norm(path);
        }
    }

    final class Kv implements KeyValueStore {
        final Proc proc;
        final Map<String, String> map;
        final String name;

        Kv(Proc proc, Map<String, String> map, String name) {
            this.proc = proc;
            this.map = map;
            this.name = name;
        }

        @Override
        public String get(String key) {
            synchronized (MemoryDisk.this) {
                return map.get(key);
            }
        }

        @Override
        public Map<String, String> all() {
            synchronized (MemoryDisk.this) {
                return new HashMap<>(map);
            }
        }

        @Override
        public void commit(Map<String, String> puts, Set<String> removes) {
            long size = puts.values().stream().mapToLong(String::length).sum();
            if (capacity >= 0 && used() + size > capacity) {
                throw new UncheckedIOException(new IOException("No space left on device"));
            }
            try {
                proc.write("commit " + name + " " + puts.keySet() + " -" + removes, () -> {
                    map.putAll(puts);
                    removes.forEach(map::remove);
                });
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
