package dev.patchbay.server.rollouts;

import dev.patchbay.server.offers.ReleaseOffers;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

/** Tests that write device events directly also record that the server offered the release (ADR 0094). */
final class Offers {
    private static final ReleaseOffers OFFERS = new ReleaseOffers(Integer.MAX_VALUE);

    private Offers() {
    }

    static void offered(Connection c, String app, String device, String bundle) throws SQLException {
        if (bundle != null) {
            OFFERS.record(c, List.of(new ReleaseOffers.Offer(app, device, bundle, "test", Instant.EPOCH)));
        }
    }
}
