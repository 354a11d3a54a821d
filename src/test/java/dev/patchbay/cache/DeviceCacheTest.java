package dev.patchbay.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.patchbay.client.Device;
import dev.patchbay.server.DeviceRows;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Queries of the cached devices: each filter, the search, sorts, paging and the capped count, checked against Java. */
class DeviceCacheTest {
    static final String CONN = "sandbox";
    static final String APP = "com.example.shop";
    static final int N = 3000;

    @TempDir
    Path dir;
    LocalCache local;
    DeviceCache cache;
    final List<Device> all = new ArrayList<>();

    static Device device(long i) {
        return DeviceRows.device(APP, i);
    }

    @BeforeEach
    void fill() {
        local = LocalCache.open(dir);
        cache = local.devices();
        LongStream.range(0, N).forEach(i -> all.add(device(i)));
        List<DeviceRow> rows = LongStream.range(0, N).mapToObj(DeviceRows::row).toList();
        for (int from = 0; from < N; from += 1000) {
            cache.applyPage(CONN, APP, rows.subList(from, from + 1000), String.valueOf(from + 1000));
        }
        cache.finishSync(CONN, APP, Instant.parse("2026-11-22T12:00:00Z"));
    }

    @AfterEach
    void close() {
        local.close();
    }

    DeviceQuery q(String search, String channel, String bundle, String state, String platform, String nat,
                  Instant since, DeviceColumn sort, boolean desc, int offset, int limit) {
        return new DeviceQuery(search, channel, bundle, state, platform, nat, since, sort, desc, offset, limit);
    }

    List<String> ids(DeviceResult r) {
        return r.rows().stream().map(DeviceRow::deviceId).toList();
    }

    List<String> expected(Predicate<Device> filter, Comparator<Device> order, int offset, int limit) {
        return all.stream().filter(filter).sorted(order).skip(offset).limit(limit).map(Device::deviceId).toList();
    }

    long count(Predicate<Device> filter) {
        return all.stream().filter(filter).count();
    }

    static final Comparator<Device> BY_ID = Comparator.comparing(Device::deviceId);
    /** Ties in a sort are in the order devices reached the cache: device i arrived i-th. */
    final Comparator<Device> arrival = Comparator.comparingLong(d -> Long.parseLong(d.deviceId().substring(24), 16));
    final Comparator<Device> seenDesc = Comparator.comparing(Device::lastSeen).thenComparing(arrival).reversed();

    @Test
    void stateCursorAndCount() {
        DeviceSyncState s = cache.state(CONN, APP);
        assertEquals("3000", s.cursor());
        assertEquals(N, s.devices());
        assertEquals(Instant.parse("2026-11-22T12:00:00Z"), s.syncedAt());
        assertNull(cache.state(CONN, "com.example.other").cursor());
        assertEquals(0, cache.query(CONN, "com.example.other", DeviceQuery.all(10)).total());
    }

    @Test
    void eachFilterMatchesWhatJavaComputes() {
        Instant since = DeviceRows.BASE.plusSeconds(20L * 86400);
        record Case(DeviceQuery q, Predicate<Device> p) {
        }
        List<Case> cases = List.of(
                new Case(q(null, "beta", null, null, null, null, null, null, true, 0, 50), d -> d.channel().equals("beta")),
                new Case(q(null, null, "1.5.0", null, null, null, null, null, true, 0, 50), d -> d.currentBundle().equals("1.5.0")),
                new Case(q(null, null, null, "failed", null, null, null, null, true, 0, 50), d -> d.lastOutcome().equals("failed")),
                new Case(q(null, null, null, null, "ios", null, null, null, true, 0, 50), d -> d.platform().equals("ios")),
                new Case(q(null, null, null, null, null, "2.0.0", null, null, true, 0, 50), d -> d.nativeVersion().equals("2.0.0")),
                new Case(q(null, null, null, null, null, null, since, null, true, 0, 50), d -> !d.lastSeen().isBefore(since)),
                new Case(q(null, "canary", "builtin", "up_to_date", "android", "1.5.0", null, null, true, 0, 50),
                        d -> d.channel().equals("canary") && d.currentBundle().equals("builtin")
                                && d.lastOutcome().equals("up_to_date") && d.platform().equals("android")
                                && d.nativeVersion().equals("1.5.0")));
        for (Case c : cases) {
            DeviceResult r = cache.query(CONN, APP, c.q());
            assertTrue(count(c.p()) > 0, c.q().toString());
            assertEquals(count(c.p()), r.total(), c.q().toString());
            assertEquals(expected(c.p(), seenDesc, 0, 50), ids(r), c.q().toString());
            // From the second row on the total is counted (one filter: its index range; more: their intersection).
            DeviceResult later = cache.query(CONN, APP, c.q().withOffset(1));
            assertEquals(count(c.p()), later.total(), "counted: " + c.q());
            assertEquals(expected(c.p(), seenDesc, 1, 50), ids(later), c.q().toString());
        }
    }

    @Test
    void aSearchThatFindsManyDevicesIsAnsweredAlongTheSortedIndex() {
        cache.searchSetMax(0);
        searchIsAPrefixOfTheDeviceIdOrTheCustomId();
        String plan = cache.explain(CONN, APP, q("1", null, null, null, null, null, null, DeviceColumn.LAST_SEEN,
                true, 0, 200));
        assertTrue(plan.contains("/* index sorted */"), plan);
        cache.searchSetMax(DeviceCache.SEARCH_SET_MAX);
        assertTrue(cache.explain(CONN, APP, q("1", null, null, null, null, null, null, DeviceColumn.LAST_SEEN, true,
                0, 200)).contains("UNION"));
    }

    /** A set of device ids (a failure bar's devices): only those, with the other filters, sorted and counted. */
    @Test
    void deviceIdsLimitTheQueryToThoseDevices() {
        java.util.Set<String> picked = new java.util.HashSet<>();
        for (int i = 0; i < 1000; i += 7) {
            picked.add(all.get(i).deviceId());
        }
        picked.add("not-a-cached-device");
        DeviceQuery q = new DeviceQuery(null, null, null, null, null, null, null, DeviceColumn.DEVICE_ID, false, 0, 100,
                List.copyOf(picked));
        DeviceResult r = cache.query(CONN, APP, q);
        assertEquals(expected(d -> picked.contains(d.deviceId()), BY_ID, 0, 100), ids(r));
        assertEquals(count(d -> picked.contains(d.deviceId())), r.total());
        DeviceQuery beta = new DeviceQuery(null, "beta", null, null, null, null, null, DeviceColumn.LAST_SEEN, true, 0,
                100, List.copyOf(picked));
        assertEquals(expected(d -> picked.contains(d.deviceId()) && d.channel().equals("beta"), seenDesc, 0, 100),
                ids(cache.query(CONN, APP, beta)));
        assertEquals(List.of(), ids(cache.query(CONN, APP, new DeviceQuery(null, null, null, null, null, null, null,
                DeviceColumn.DEVICE_ID, false, 0, 100, List.of()))), "no ids: no devices");
    }

    @Test
    void searchIsAPrefixOfTheDeviceIdOrTheCustomId() {
        String prefix = all.get(1234).deviceId().substring(0, 3);
        DeviceResult r = cache.query(CONN, APP, q(prefix.toUpperCase(), null, null, null, null, null, null,
                DeviceColumn.DEVICE_ID, false, 0, 100));
        assertEquals(expected(d -> d.deviceId().startsWith(prefix), BY_ID, 0, 100), ids(r));
        assertTrue(ids(r).contains(all.get(1234).deviceId()));

        DeviceResult custom = cache.query(CONN, APP, q("USER-12", null, null, null, null, null, null,
                DeviceColumn.DEVICE_ID, false, 0, 100));
        assertEquals(expected(d -> d.customId() != null && d.customId().startsWith("user-12"), BY_ID, 0, 100),
                ids(custom));
        assertEquals(List.of("user-120", "user-1200", "user-1210"), custom.rows().stream().map(DeviceRow::customId)
                .sorted().limit(3).toList());
        assertEquals(0, cache.query(CONN, APP, q("zzz", null, null, null, null, null, null, null, true, 0, 10)).total());

        // A search with filters, sorted and paged: the filters apply to the devices the search found.
        for (String term : List.of("1", "USER-1")) {
            Predicate<Device> match = term.equals("1") ? d -> d.deviceId().startsWith("1")
                    : d -> d.customId() != null && d.customId().startsWith("user-1");
            Predicate<Device> p = match.and(d -> d.platform().equals("android") && d.channel().equals("production"));
            DeviceResult page = cache.query(CONN, APP, q(term, "production", null, null, "android", null, null,
                    DeviceColumn.STATE, true, 3, 20));
            Comparator<Device> byState = Comparator.comparing(Device::lastOutcome).thenComparing(arrival);
            assertEquals(expected(p, byState.reversed(), 3, 20), ids(page), term);
            assertEquals(count(p), page.total(), term);
            assertTrue(count(p) > 3, "the case skips rows: " + count(p));
        }
    }

    @Test
    void sortsEitherWayAndPages() {
        Comparator<Device> byNative = Comparator.comparing(Device::nativeVersion).thenComparing(arrival);
        assertEquals(expected(d -> true, byNative, 0, 40),
                ids(cache.query(CONN, APP, q(null, null, null, null, null, null, null, DeviceColumn.NATIVE_VERSION, false, 0, 40))));
        assertEquals(expected(d -> true, byNative.reversed(), 0, 40),
                ids(cache.query(CONN, APP, q(null, null, null, null, null, null, null, DeviceColumn.NATIVE_VERSION, true, 0, 40))));
        Comparator<Device> seenAsc = Comparator.comparing(Device::lastSeen).thenComparing(arrival);
        assertEquals(expected(d -> true, seenAsc, 0, 40),
                ids(cache.query(CONN, APP, q(null, null, null, null, null, null, null, DeviceColumn.LAST_SEEN, false, 0, 40))));
        // Custom id descending: the 9 in 10 without one come last.
        List<DeviceRow> custom = cache.query(CONN, APP, q(null, null, null, null, null, null, null,
                DeviceColumn.CUSTOM_ID, true, 0, 1000)).rows();
        assertEquals(300, custom.stream().filter(r -> r.customId() != null).count());
        assertTrue(custom.subList(0, 300).stream().allMatch(r -> r.customId() != null));

        // Pages of 700 put together are the whole ordered list, once each.
        List<String> paged = new ArrayList<>();
        for (int offset = 0; offset < N; offset += 700) {
            DeviceResult r = cache.query(CONN, APP, q(null, "production", null, null, null, null, null,
                    DeviceColumn.STATE, false, offset, 700));
            paged.addAll(ids(r));
            assertEquals(count(d -> d.channel().equals("production")), r.total());
        }
        Comparator<Device> byState = Comparator.comparing(Device::lastOutcome).thenComparing(arrival);
        assertEquals(expected(d -> d.channel().equals("production"), byState, 0, N), paged);
    }

    @Test
    void everyColumnSortsBothWaysOffItsOwnIndex() {
        Map<DeviceColumn, Function<Device, Comparable<?>>> keys = new EnumMap<>(DeviceColumn.class);
        keys.put(DeviceColumn.DEVICE_ID, Device::deviceId);
        keys.put(DeviceColumn.CUSTOM_ID, d -> d.customId() == null ? null : d.customId().toLowerCase(Locale.ROOT));
        keys.put(DeviceColumn.CHANNEL, Device::channel);
        keys.put(DeviceColumn.BUNDLE, Device::currentBundle);
        keys.put(DeviceColumn.STATE, Device::lastOutcome);
        keys.put(DeviceColumn.PLATFORM, Device::platform);
        keys.put(DeviceColumn.NATIVE_VERSION, Device::nativeVersion);
        keys.put(DeviceColumn.LAST_SEEN, Device::lastSeen);
        assertEquals(Set.of(DeviceColumn.values()), keys.keySet());
        for (Map.Entry<DeviceColumn, Function<Device, Comparable<?>>> e : keys.entrySet()) {
            @SuppressWarnings({"unchecked", "rawtypes"})
            Comparator<Device> asc = Comparator.comparing((Function) e.getValue(),
                    Comparator.nullsFirst(Comparator.naturalOrder()));
            asc = asc.thenComparing(e.getKey() == DeviceColumn.DEVICE_ID ? BY_ID : arrival);
            for (boolean desc : new boolean[] {false, true}) {
                DeviceQuery page = q(null, null, null, null, null, null, null, e.getKey(), desc, 350, 300);
                String what = e.getKey() + (desc ? " desc" : " asc");
                assertEquals(expected(d -> true, desc ? asc.reversed() : asc, 350, 300), ids(cache.query(CONN, APP, page)),
                        what);
                // Read off the column's index, never sorted (a million rows sorted on disk took > 25 s).
                String plan = cache.explain(CONN, APP, page);
                assertTrue(plan.contains("/* index sorted */"), what + ":\n" + plan);
            }
        }
    }

    @Test
    void upsertsReplaceRowsAndValuesListTheChoices() {
        DeviceRow changed = new DeviceRow(all.get(5).deviceId(), "renamed", "android", "15", "3.0.0", 300L, "beta",
                "self", "1.6.0-rc.1", null, "update", null, DeviceRows.BASE, Instant.parse("2026-12-30T00:00:00Z"));
        cache.applyPage(CONN, APP, List.of(changed), "3001");
        DeviceResult first = cache.query(CONN, APP, DeviceQuery.all(1));
        assertEquals(all.get(5).deviceId(), first.rows().get(0).deviceId());
        assertEquals("3.0.0", first.rows().get(0).nativeVersion());
        assertEquals(N, first.total());
        assertEquals(List.of("beta", "canary", "production", "staging"), cache.values(CONN, APP, DeviceColumn.CHANNEL, 50));
        assertEquals(List.of("1.4.0", "1.5.0", "1.6.0", "2.0.0", "3.0.0"), cache.values(CONN, APP, DeviceColumn.NATIVE_VERSION, 9));
        assertEquals(List.of("1.4.0", "1.5.0"), cache.values(CONN, APP, DeviceColumn.NATIVE_VERSION, 2));
        assertEquals(List.of("android", "ios"), cache.values(CONN, APP, DeviceColumn.PLATFORM, 9));
        assertEquals(List.of("blocked", "builtin", "failed", "up_to_date", "update"),
                cache.values(CONN, APP, DeviceColumn.STATE, 9));
        assertTrue(cache.values(CONN, "com.example.other", DeviceColumn.CHANNEL, 9).isEmpty());
        assertEquals("3001", cache.state(CONN, APP).cursor());
    }

    @Test
    void forgettingTheAppDropsItsDevices() {
        local.removeApp(CONN, APP);
        assertEquals(0, cache.query(CONN, APP, DeviceQuery.all(10)).total());
        assertNull(cache.state(CONN, APP).cursor());
        assertFalse(cache.query(CONN, APP, DeviceQuery.all(10)).capped());
    }
}
