package dev.patchbay.bench;

import dev.patchbay.server.offers.ReleaseOffers;
import dev.patchbay.server.store.Database;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What recording offers costs the device writer's flush (ADR 0094, docs/benchmarks.md): {@code n} new offers in
 * batches of 500 (one flush), first from many addresses (20 devices each), then all from one address (a proxy: the
 * per-address count reads at most the limit's counted rows). {@code java -cp target/test-classes:target/classes:<deps>
 * dev.patchbay.bench.ReleaseOffersBench <new folder> <n>}.
 */
public final class ReleaseOffersBench {
    private ReleaseOffersBench() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Files.createDirectories(Path.of(args[0]));
        int n = Integer.parseInt(args[1]);
        ReleaseOffers offers = new ReleaseOffers(ReleaseOffers.DEFAULT_DEVICES_PER_ADDRESS);
        try (Database db = Database.openH2(dir.resolve("db"))) {
            run(db, offers, n, "1.5.0", 20);
            run(db, offers, n, "1.5.1", n);
        }
    }

    private static void run(Database db, ReleaseOffers offers, int n, String bundle, int perAddress) {
        long t0 = System.nanoTime();
        for (int done = 0; done < n; done += 500) {
            List<ReleaseOffers.Offer> batch = new ArrayList<>();
            for (int i = done; i < Math.min(n, done + 500); i++) {
                batch.add(new ReleaseOffers.Offer("com.example.bench", "device-" + i, bundle, "10.0." + (i / perAddress),
                        Instant.now()));
            }
            db.inTransaction(c -> {
                offers.record(c, batch);
                return null;
            });
        }
        double s = (System.nanoTime() - t0) / 1e9;
        System.out.printf("%,d offers of %s, %d devices per address: %.2f s, %,.0f offers/s%n", n, bundle, perAddress,
                s, n / s);
    }
}
