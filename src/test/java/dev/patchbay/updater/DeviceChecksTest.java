package dev.patchbay.updater;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patchbay.crypto.CanonicalJson;
import dev.patchbay.crypto.FreshnessStatement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Every device check of SECURITY.md, each refusing before install: nothing changes, the reason is reported. */
class DeviceChecksTest {
    static final TestKeys KEYS = new TestKeys();
    static final TestKeys.Sealed V110 = KEYS.seal("1.1.0", 5, Device.files("1.1.0", ""));

    /** A device on builtin that checks once against {@code release}; returns it after the check settled. */
    static Device checkAgainst(TestKeys.Sealed release) {
        Device d = new Device(KEYS, b -> b.autoUpdate(AutoUpdate.ALWAYS));
        d.server.publish(release);
        d.boot();
        d.settle();
        return d;
    }

    static void assertNothingInstalled(Device d) {
        assertEquals("builtin", d.currentVersion());
        assertTrue(d.updater.list().stream().noneMatch(b -> b.status() == BundleStatus.PENDING
                || b.status() == BundleStatus.SUCCESS), d.updater.list().toString());
        assertTrue(d.disk.files.keySet().stream().noneMatch(f -> f.startsWith("versions/")),
                d.disk.files.keySet().toString());
    }

    static String verifyFailure(Device d) {
        List<UpdaterEvent.VerifyFailed> v = d.events(UpdaterEvent.VerifyFailed.class);
        assertEquals(1, v.size(), d.events.toString());
        return v.get(0).reason();
    }

    static String freshnessFailure(Device d) {
        List<UpdaterEvent.FreshnessFailed> v = d.events(UpdaterEvent.FreshnessFailed.class);
        assertEquals(1, v.size(), d.events.toString());
        return v.get(0).reason();
    }

    @Test
    void aReleaseNotChainedToTheCompiledInRootIsRefused() {
        TestKeys other = new TestKeys();
        Device d = new Device(KEYS, b -> b.autoUpdate(AutoUpdate.ALWAYS));
        TestKeys.Sealed foreign = other.seal("1.1.0", 5, Device.files("1.1.0", ""));
        d.server.publish(foreign);
        d.boot();
        d.settle();
        assertTrue(verifyFailure(d).contains("did not certify"), verifyFailure(d));
        assertNothingInstalled(d);
        assertTrue(d.server.blobRequests.isEmpty(), "nothing is downloaded");
    }

    @Test
    void aModifiedReleaseIsRefused() {
        Device d = new Device(KEYS, b -> b.autoUpdate(AutoUpdate.ALWAYS));
        d.server.publish(V110);
        d.server.tweak = a -> {
            ((ObjectNode) a.get("release").get("release")).put("nativeMin", "0.0.1");
            // the statement names the modified release, so only the signature can catch it
            ObjectNode st = (ObjectNode) a.get("freshness").get("statement");
            FreshnessStatement fs = FreshnessStatement.create(TestKeys.APP, st.get("deviceId").asText(),
                    st.get("nonce").asText(), "production", FreshnessStatement.Outcome.UPDATE,
                    new FreshnessStatement.ReleaseRef("1.1.0", 5,
                            FreshnessStatement.releaseDigest(CanonicalJson.bytes(a.get("release")))),
                    d.clock.now(), Duration.ofMinutes(10), KEYS.freshnessKey);
            a.set("freshness", fs.toJson());
            return a;
        };
        d.boot();
        d.settle();
        assertTrue(verifyFailure(d).contains("signature"), verifyFailure(d));
        assertNothingInstalled(d);
    }

    @Test
    void perBlobUrlsOnAnyOriginAreUsedAndAMalformedMapRefusesTheAnswer() {
        Device d = new Device(KEYS, b -> b.autoUpdate(AutoUpdate.ALWAYS));
        d.server.publish(V110);
        d.server.tweak = a -> {
            if (a.has("release")) {
                // The template leads nowhere: only the per-blob URLs (as presigned bucket URLs) can serve the bytes.
                a.put("blobUrl", FakeServer.BASE + "/nowhere/{sha256}");
                ObjectNode urls = a.putObject("blobUrls");
                V110.blobs().keySet().forEach(sha -> urls.put(sha, FakeServer.BASE + "/blobs/" + sha + "?X-Sig=1"));
            }
            return a;
        };
        d.boot();
        d.settle();
        assertEquals("1.1.0", d.currentVersion());
        assertTrue(!d.server.blobRequests.isEmpty()
                && d.server.blobRequests.stream().allMatch(r -> r.contains("?X-Sig=1")),
                d.server.blobRequests.toString());

        Device e = new Device(KEYS, b -> b.autoUpdate(AutoUpdate.ALWAYS));
        e.server.publish(V110);
        e.server.tweak = a -> {
            if (a.has("release")) {
                a.putObject("blobUrls").put(V110.blobs().keySet().iterator().next(), "file:///etc/passwd");
            }
            return a;
        };
        e.boot();
        e.settle();
        assertTrue(verifyFailure(e).contains("blobUrls has a bad entry"), verifyFailure(e));
        assertNothingInstalled(e);
        assertTrue(e.server.blobRequests.isEmpty(), "nothing is downloaded");
    }

    @Test
    void theNativeVersionRangeIsEnforced() {
        Device d = checkAgainst(KEYS.seal("1.1.0", 5, Device.files("1.1.0", ""), "2.0.0", null));
        assertTrue(verifyFailure(d).contains("2.0.0 or later"), verifyFailure(d));
        assertNothingInstalled(d);
        Device e = checkAgainst(KEYS.seal("1.1.0", 5, Device.files("1.1.0", ""), null, "0.9.0"));
        assertTrue(verifyFailure(e).contains("0.9.0 or earlier"), verifyFailure(e));
    }

    @Test
    void aSequenceBelowTheFloorIsRefused() {
        Device d = checkAgainst(V110);
        assertEquals("1.1.0", d.currentVersion());
        d.pageLoaded();
        d.ready();
        d.server.publish(KEYS.seal("1.0.5", 4, Device.files("1.0.5", "older")));
        d.updater.onForeground();
        d.settle();
        assertTrue(verifyFailure(d).contains("below this device's floor 5"), verifyFailure(d));
        assertEquals("1.1.0", d.currentVersion());
    }

    @Test
    void aReplayedFreshnessStatementIsRefusedWhateverTheClock() {
        Device d = new Device(KEYS, b -> b.autoUpdate(AutoUpdate.ALWAYS));
        d.server.publish(V110);
        d.server.tweak = a -> {
            ObjectNode st = (ObjectNode) a.get("freshness").get("statement");
            a.set("freshness", FreshnessStatement.create(TestKeys.APP, st.get("deviceId").asText(), "b2xkLW5vbmNl",
                    "production", FreshnessStatement.Outcome.UPDATE, new FreshnessStatement.ReleaseRef("1.1.0", 5,
                            V110.digest()), d.clock.now(), Duration.ofMinutes(10), KEYS.freshnessKey).toJson());
            return a;
        };
        d.boot();
        d.settle();
        assertTrue(freshnessFailure(d).contains("replayed"), freshnessFailure(d));
        assertNothingInstalled(d);
        assertTrue(d.server.blobRequests.isEmpty());
    }

    @Test
    void aMissingOrMismatchedStatementIsRefused() {
        Device d = new Device(KEYS, b -> b.autoUpdate(AutoUpdate.ALWAYS));
        d.server.publish(V110);
        d.server.tweak = a -> {
            a.remove("freshness");
            return a;
        };
        d.boot();
        d.settle();
        assertTrue(freshnessFailure(d).contains("no freshness statement"), freshnessFailure(d));
        assertNothingInstalled(d);

        // mix and match: a valid statement for another release than the one sent
        TestKeys.Sealed other = KEYS.seal("1.1.1", 6, Device.files("1.1.1", ""));
        Device e = new Device(KEYS, b -> b.autoUpdate(AutoUpdate.ALWAYS));
        e.server.publish(V110);
        e.server.tweak = a -> {
            a.set("release", CanonicalJson.parse(other.envelope(), "envelope"));
            return a;
        };
        e.boot();
        e.settle();
        assertTrue(freshnessFailure(e).contains("mix-and-match"), freshnessFailure(e));
        assertNothingInstalled(e);
    }

    @Test
    void aDeviceClockAYearOffStillUpdates() {
        for (long days : new long[] {-365, 365, -1, 1}) {
            Device d = new Device(KEYS, b -> b.autoUpdate(AutoUpdate.ALWAYS));
            d.server.publish(V110);
            d.clock.now = d.clock.now.plus(Duration.ofDays(days));
            d.server.deviceSkew = Duration.ofDays(days);
            d.boot();
            d.settle();
            assertEquals("1.1.0", d.currentVersion(), "clock off by " + days + " days");
        }
    }

    @Test
    void aBlobLongerThanSignedIsCutAndRefused() {
        Device d = new Device(KEYS, b -> b.autoUpdate(AutoUpdate.ALWAYS));
        d.server.publish(V110);
        d.server.overlong = 1000;
        d.boot();
        d.settle();
        assertTrue(d.events(UpdaterEvent.DownloadFailed.class).get(0).reason().contains("longer than"),
                d.events.toString());
        assertNothingInstalled(d);
    }

    @Test
    void aTamperedBlobIsRefusedAndNothingStays() {
        Device d = new Device(KEYS, b -> b.autoUpdate(AutoUpdate.ALWAYS));
        d.server.publish(V110);
        V110.sealed().blobs().forEach(b -> d.server.tamper.add(b.sha256()));
        d.boot();
        d.settle();
        assertTrue(verifyFailure(d).contains("SHA-256"), verifyFailure(d));
        assertNothingInstalled(d);
        assertTrue(d.disk.files.keySet().stream().noneMatch(f -> f.startsWith("downloads/")));
        d.settle();
        assertTrue(d.server.actions().contains("verify_fail"), d.server.actions().toString());
    }

    @Test
    void aFileEncryptedUnderAnotherKeyFailsItsTag() {
        Device d = checkAgainst(KEYS.sealCustom("1.1.0", 5, Device.files("1.1.0", ""), m -> m,
                Set.of("index.html")));
        assertTrue(verifyFailure(d).contains("failed authentication"), verifyFailure(d));
        assertNothingInstalled(d);
    }

    @Test
    void aManifestThatEscapesTheFolderIsRefused() {
        Device d = checkAgainst(KEYS.sealCustom("1.1.0", 5, Map.of("index.html", "<html/>", "x.js", "evil"), m -> {
            ((ObjectNode) m.get("files").get(1)).put("path", "../x.js");
            return m;
        }, Set.of()));
        assertTrue(verifyFailure(d).contains("unsafe"), verifyFailure(d));
        assertNothingInstalled(d);
        assertTrue(d.disk.files.keySet().stream().noneMatch(f -> f.contains("x.js")), d.disk.files.keySet()
                .toString());
    }

    @Test
    void aManifestThatDoesNotMatchTheSignedBlobsIsRefused() {
        Device d = checkAgainst(KEYS.sealCustom("1.1.0", 5, Map.of("index.html", "<html/>", "x.js", "x"), m -> {
            ((com.fasterxml.jackson.databind.node.ArrayNode) m.get("files")).remove(1);
            return m;
        }, Set.of()));
        assertTrue(verifyFailure(d).contains("blobs but the manifest uses"), verifyFailure(d));
        assertNothingInstalled(d);
    }
}
