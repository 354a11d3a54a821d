package dev.patchbay.server.offers;

import dev.patchbay.server.store.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

/**
 * The server's record of which release it offered to which device (ADR 0094): written when an update check answers
 * "install this", read when a device reports that release succeeding or failing. Only reports of offered devices
 * count toward a rollout's health, and one client address gets at most {@link #devicesPerAddress()} counted devices
 * per release, so nobody can steer a rollout with invented device ids. Any device protocol that offers releases
 * (Patchbay's {@code /updates}, a compatibility protocol) records its offers here and asks {@link #standing} about
 * reports.
 */
public final class ReleaseOffers {
    /** Default of {@link #devicesPerAddress()}: generous for shared NAT, small next to a fleet. */
    public static final int DEFAULT_DEVICES_PER_ADDRESS = 50;
    /**
     * The condition, on a query over {@code device_events}, that keeps only reports that count: the device was
     * offered that bundle and its offer counts.
     */
    public static final String COUNTED_SQL = counted("device_events");

    /** {@link #COUNTED_SQL} for a query that names {@code device_events} {@code alias}. */
    public static String counted(String alias) {
        return "EXISTS (SELECT 1 FROM release_offers o WHERE o.app_id = " + alias + ".app_id AND o.device_id = "
                + alias + ".device_id AND o.bundle = " + alias + ".bundle AND o.counted)";
    }

    /** Whether a device's report about a release counts, and if not, why (the wire names are shown to users). */
    public enum Standing {
        COUNTED("counted"),
        /** The server never offered this release to this device (an invented id, a report from elsewhere). */
        NOT_OFFERED("not_offered"),
        /** The offer went to a client address that already had its share of counted devices for the release. */
        ADDRESS_LIMIT("address_limit");

        private final String wire;

        Standing(String wire) {
            this.wire = wire;
        }

        public String wire() {
            return wire;
        }
    }

    /** One offer: {@code address} is the client address of the update check ("" when unknown). */
    public record Offer(String appId, String deviceId, String bundle, String address, Instant at) {
    }

    private final int devicesPerAddress;

    public ReleaseOffers(int devicesPerAddress) {
        if (devicesPerAddress < 1) {
            throw new IllegalArgumentException("devicesPerAddress must be at least 1");
        }
        this.devicesPerAddress = devicesPerAddress;
    }

    public int devicesPerAddress() {
        return devicesPerAddress;
    }

    /**
     * Records offers inside {@code c}'s transaction. The first offer of a release to a device is kept (a device asking
     * again does not move to another address); it counts unless its address already has
     * {@link #devicesPerAddress()} counted devices for that release.
     */
    public void record(Connection c, List<Offer> offers) throws SQLException {
        if (offers.isEmpty()) {
            return;
        }
        try (PreparedStatement exists = c.prepareStatement(
                "SELECT 1 FROM release_offers WHERE app_id = ? AND device_id = ? AND bundle = ?");
             PreparedStatement perAddress = c.prepareStatement("SELECT COUNT(*) FROM release_offers"
                     + " WHERE app_id = ? AND bundle = ? AND address = ? AND counted = TRUE");
             PreparedStatement insert = c.prepareStatement("INSERT INTO release_offers(app_id, device_id, bundle,"
                     + " address, counted, offered_at) VALUES (?, ?, ?, ?, ?, ?)")) {
            for (Offer o : offers) {
                exists.setString(1, o.appId());
                exists.setString(2, o.deviceId());
                exists.setString(3, o.bundle());
                try (ResultSet rs = exists.executeQuery()) {
                    if (rs.next()) {
                        continue;
                    }
                }
                String address = o.address() == null ? "" : o.address().length() > 64
                        ? o.address().substring(0, 64) : o.address();
                perAddress.setString(1, o.appId());
                perAddress.setString(2, o.bundle());
                perAddress.setString(3, address);
                long counted;
                try (ResultSet rs = perAddress.executeQuery()) {
                    rs.next();
                    counted = rs.getLong(1);
                }
                insert.setString(1, o.appId());
                insert.setString(2, o.deviceId());
                insert.setString(3, o.bundle());
                insert.setString(4, address);
                insert.setBoolean(5, counted < devicesPerAddress);
                insert.setObject(6, Database.utc(o.at()));
                insert.executeUpdate();
            }
        }
    }

    /** Whether the server offered {@code bundle} to {@code deviceId} (counted or not). */
    public static boolean wasOffered(Connection c, String appId, String deviceId, String bundle) throws SQLException {
        return standing(c, appId, deviceId, bundle) != Standing.NOT_OFFERED;
    }

    /** Whether a report of {@code deviceId} about {@code bundle} counts toward health, and if not, why. */
    public static Standing standing(Connection c, String appId, String deviceId, String bundle) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT counted FROM release_offers WHERE app_id = ? AND device_id = ? AND bundle = ?")) {
            ps.setString(1, appId);
            ps.setString(2, deviceId);
            ps.setString(3, bundle);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Standing.NOT_OFFERED;
                }
                return rs.getBoolean(1) ? Standing.COUNTED : Standing.ADDRESS_LIMIT;
            }
        }
    }
}
