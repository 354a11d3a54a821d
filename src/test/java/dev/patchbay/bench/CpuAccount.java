package dev.patchbay.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * CPU seconds spent by each part of a benchmark between two snapshots: this JVM's threads grouped by name (the server
 * instances' {@code patchbay-http-*} threads, the devices' {@code patchbay-device-*} threads, ...) from
 * {@link ThreadMXBean}, and other processes (S3Proxy, PostgreSQL, nginx) with their descendants from Linux's
 * {@code /proc/PID/stat} (user + system time; for a root process also the time of children it already reaped, as
 * PostgreSQL's postmaster does with its backends). A thread that ends between the snapshots loses its share; the
 * "JVM total" line, from the process's own counter, includes it.
 */
final class CpuAccount {
    private static final long TICKS_PER_SECOND = 100; // Linux's USER_HZ on every architecture the JDK runs on
    private final Map<String, ProcessHandle> processes = new LinkedHashMap<>();
    private final Function<String, String> group;
    private Map<String, Long> start;

    /** {@code group} maps a thread's name to its part (e.g. "servers"), or null to count it as "JVM other". */
    CpuAccount(Function<String, String> group) {
        this.group = group;
    }

    CpuAccount process(String name, ProcessHandle root) {
        if (root != null) {
            processes.put(name, root);
        }
        return this;
    }

    void start() {
        start = snapshot();
    }

    /** CPU nanoseconds per part since {@link #start()}, in a stable order. */
    Map<String, Long> since() {
        Map<String, Long> now = snapshot();
        Map<String, Long> out = new LinkedHashMap<>();
        now.forEach((k, v) -> out.put(k, v - start.getOrDefault(k, 0L)));
        return out;
    }

    private Map<String, Long> snapshot() {
        Map<String, Long> out = new TreeMap<>();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long[] ids = threads.getAllThreadIds();
        ThreadInfo[] infos = threads.getThreadInfo(ids);
        for (int i = 0; i < ids.length; i++) {
            if (infos[i] == null) {
                continue;
            }
            long cpu = threads.getThreadCpuTime(ids[i]);
            if (cpu < 0) {
                continue;
            }
            String part = group.apply(infos[i].getThreadName());
            out.merge(part == null ? "JVM other threads" : part, cpu, Long::sum);
        }
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        out.put("JVM total (servers + devices + GC + JIT)", os.getProcessCpuTime());
        processes.forEach((name, root) -> out.put(name, tree(root)));
        return out;
    }

    /** User + system nanoseconds of {@code root} (with its reaped children) and its live descendants. */
    static long tree(ProcessHandle root) {
        long ticks = ticks(root.pid(), true);
        try (Stream<ProcessHandle> d = root.descendants()) {
            ticks += d.mapToLong(p -> ticks(p.pid(), false)).sum();
        }
        return ticks * 1_000_000_000L / TICKS_PER_SECOND;
    }

    private static long ticks(long pid, boolean withReapedChildren) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // Fields after the command (which may hold spaces) start after its closing parenthesis.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // f[0] is field 3 (state): utime is field 14, stime 15, cutime 16, cstime 17.
            long t = Long.parseLong(f[11]) + Long.parseLong(f[12]);
            return withReapedChildren ? t + Long.parseLong(f[13]) + Long.parseLong(f[14]) : t;
        } catch (IOException | RuntimeException e) {
            return 0; // not Linux, or the process is gone
        }
    }
}
