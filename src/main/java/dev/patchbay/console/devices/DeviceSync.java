package dev.patchbay.console.devices;

import dev.patchbay.cache.DeviceCache;
import dev.patchbay.cache.DeviceRow;
import dev.patchbay.cache.DeviceSyncState;
import dev.patchbay.client.Device;
import dev.patchbay.client.DeviceChanges;
import dev.patchbay.client.PatchbayClient;
import java.time.Clock;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;

/**
 * Brings the cached devices of one (connection, app) up to date from the server's change feed (rollouts §6): pages
 * from the stored cursor until {@code more} is false, each page and its cursor stored in one transaction. Cancelling
 * (or a failure) stops between pages, leaving the cache consistent at the last stored page; the next run resumes
 * there. Runs on the caller's thread (a background task).
 */
public final class DeviceSync {
    /** Devices asked per request (the server allows up to 10,000). */
    public static final int PAGE_SIZE = 10_000;

    /** Progress after each stored page: devices received by this run so far. */
    @FunctionalInterface
    public interface Progress {
        void page(long received);
    }

    /**
     * @param received  devices received (and stored) by this run
     * @param pages     requests made
     * @param cancelled the run stopped early because it was cancelled
     */
    public record Result(long received, int pages, boolean cancelled, DeviceSyncState state) {
    }

    private final DeviceCache cache;
    private final PatchbayClient client;
    private final String connectionId;
    private final String appId;
    private final int pageSize;

    public DeviceSync(DeviceCache cache, PatchbayClient client, String connectionId, String appId) {
        this(cache, client, connectionId, appId, PAGE_SIZE);
    }

    public DeviceSync(DeviceCache cache, PatchbayClient client, String connectionId, String appId, int pageSize) {
        this.cache = cache;
        this.client = client;
        this.connectionId = connectionId;
        this.appId = appId;
        this.pageSize = pageSize;
    }

    /** The state of a device that rolled back a bundle (and did not confirm it since), whatever its last check said. */
    public static final String ROLLED_BACK = "rolled_back";

    /**
     * What the cache keeps of a device. A device that rolled back has state {@link #ROLLED_BACK} and, as its error,
     * the bundle it rolled back from: that, not its last check ("update" to the stable bundle), is what a release
     * manager looks for.
     */
    static DeviceRow row(Device d) {
        boolean back = d.rolledBack() != null;
        return new DeviceRow(d.deviceId(), d.customId(), d.platform(), d.osVersion(), d.nativeVersion(),
                d.nativeBuild(), d.channel(), d.channelSource(), d.currentBundle(), d.nextBundle(),
                back ? ROLLED_BACK : d.lastOutcome(), back ? "from " + cut(d.rolledBack()) : d.lastError(),
                d.firstSeen(), d.lastSeen());
    }

    private static String cut(String bundle) {
        return bundle.length() > 35 ? bundle.substring(0, 34) + "…" : bundle;
    }

    /**
     * Pulls pages until the server has no more, storing each with its cursor. The next page is fetched while the
     * current one is written (the two take about the same time), so a cancel or an error leaves whole pages only.
     */
    public Result run(BooleanSupplier cancelled, Progress progress, Clock clock) {
        String cursor = cache.state(connectionId, appId).cursor();
        long received = 0;
        int pages = 0;
        ExecutorService fetcher = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "patchbay-device-sync-fetch");
            t.setDaemon(true);
            return t;
        });
        try {
            final String first = cursor;
            Future<DeviceChanges> next = fetcher.submit(() -> client.deviceChanges(appId, first, pageSize));
            while (true) {
                if (cancelled.getAsBoolean()) {
                    next.cancel(true);
                    return new Result(received, pages, true, cache.state(connectionId, appId));
                }
                DeviceChanges page = await(next);
                pages++;
                if (page.more()) {
                    String after = page.cursor();
                    next = fetcher.submit(() -> client.deviceChanges(appId, after, pageSize));
                }
                cache.applyPage(connectionId, appId, page.items().stream().map(DeviceSync::row).toList(),
                        page.cursor());
                cursor = page.cursor();
                received += page.items().size();
                progress.page(received);
                if (!page.more()) {
                    return new Result(received, pages, false, cache.finishSync(connectionId, appId, clock.instant()));
                }
            }
        } finally {
            fetcher.shutdownNow();
        }
    }

    private static DeviceChanges await(Future<DeviceChanges> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("The device sync was interrupted");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        }
    }
}
