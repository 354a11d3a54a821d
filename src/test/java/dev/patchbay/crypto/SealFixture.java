package dev.patchbay.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** An app's keys and a small site to seal (tests of sealing and opening share it). */
abstract class SealFixture {
    static final String APP = "com.example.shop";
    static final String CANARY = "CANARY-7f3a9c-do-not-leak";

    @TempDir
    Path tmp;

    byte[] root = Ed25519.generatePrivateKey();
    byte[] releaseKey = Ed25519.generatePrivateKey();
    byte[] contentKey = DataKeys.generate();
    Instant now = Instant.now();
    ReleaseCert cert = ReleaseCert.create(APP, Ed25519.publicKey(releaseKey), now.minusSeconds(60),
            now.plus(Duration.ofDays(730)), root);
    TrustRoot trust = TrustRoot.create(APP, Ed25519.publicKey(root), KeyIds.ofContentKey(contentKey)).withCert(cert);
    Path site;

    @BeforeEach
    void site() throws IOException {
        site = tmp.resolve("site");
        Files.createDirectories(site.resolve("assets/img"));
        Files.writeString(site.resolve("index.html"), "<html><body>" + CANARY + "</body></html>");
        Files.writeString(site.resolve("assets/app.js"), "console.log('" + CANARY + "');".repeat(20_000));
        byte[] img = new byte[200_000];
        new Random(5).nextBytes(img);
        Files.write(site.resolve("assets/img/logo.png"), img);
        Files.write(site.resolve("empty.txt"), new byte[0]);
        Files.writeString(site.resolve("caf\u00e9.txt"), CANARY);
    }

    BundleSealer.Request request(String version, long sequence) {
        return new BundleSealer.Request(APP, version, sequence, "1.0.0", null, null, releaseKey, cert, contentKey);
    }

    SealedBundle seal(Path input, Path blobs, String version) {
        try (BundleInput in = BundleInput.open(input)) {
            return BundleSealer.seal(in, request(version, 1), blobs);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    static void assertSameTree(Path expected, Path actual) throws IOException {
        List<Path> a;
        List<Path> b;
        try (Stream<Path> s = Files.walk(expected); Stream<Path> t = Files.walk(actual)) {
            a = s.filter(Files::isRegularFile).map(expected::relativize).sorted().toList();
            b = t.filter(Files::isRegularFile).map(actual::relativize).sorted().toList();
        }
        assertEquals(a, b);
        for (Path p : a) {
            assertArrayEquals(Files.readAllBytes(expected.resolve(p)), Files.readAllBytes(actual.resolve(p)),
                    p.toString());
        }
    }
}
