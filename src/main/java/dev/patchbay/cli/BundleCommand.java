package dev.patchbay.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patchbay.client.BundlePublish;
import dev.patchbay.client.NotFoundException;
import dev.patchbay.client.PatchbayClient;
import dev.patchbay.crypto.AppKeys;
import dev.patchbay.crypto.BlobRef;
import dev.patchbay.crypto.BundleInput;
import dev.patchbay.crypto.BundleSealer;
import dev.patchbay.crypto.CanonicalJson;
import dev.patchbay.crypto.FreshnessCert;
import dev.patchbay.crypto.Manifest;
import dev.patchbay.crypto.ManifestDiff;
import dev.patchbay.crypto.SealedBundle;
import dev.patchbay.crypto.TrustRoot;
import dev.patchbay.crypto.VerifiedRelease;
import dev.patchbay.crypto.capgo.CapgoKeyFile;
import dev.patchbay.crypto.capgo.CapgoKeyPair;
import dev.patchbay.domain.Bundle;
import dev.patchbay.domain.Channel;
import dev.patchbay.domain.FileTrees;
import dev.patchbay.domain.Names;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "bundle", mixinStandardHelpOptions = true, description = "Seal, publish and inspect web bundles.",
        subcommands = {BundleCommand.Publish.class, CapgoImport.class, BundleCommand.ListBundles.class,
                BundleCommand.Show.class, BundleCommand.Diff.class, PreflightCommand.class,
                BundleDeleteCommand.class, BundleRetentionCommand.class})
final class BundleCommand {

    abstract static class BundleAction implements Runnable {
        final Cli.Context context;
        @Mixin ServerOptions server;
        @Option(names = "--app", required = true, paramLabel = "ID", description = "The app's id")
        String app;

        BundleAction(Cli.Context context) {
            this.context = context;
        }

        Output output() {
            return new Output(context.out(), server.json);
        }

        String appId() {
            return Names.appId("--app", app);
        }
    }

    // No mixinStandardHelpOptions: its -V/--version would take the bundle's --version.
    @Command(name = "publish",
            description = {"Seal a web bundle (folder or zip with index.html) with the app's keys and publish it.",
                    "The key passphrase comes from $" + Passphrases.ENV + " or --passphrase-file."})
    static class Publish extends BundleAction {
        @Parameters(paramLabel = "DIR|ZIP", description = "The built web assets: a folder or a zip")
        Path input;
        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
        boolean help;
        @Option(names = "--version", required = true, paramLabel = "V", description = "Bundle version (semver, unique per app)")
        String version;
        @Option(names = "--channel", paramLabel = "NAME", description = "Point this channel at the bundle once published")
        String channel;
        @Option(names = "--keys", required = true, paramLabel = "DIR", description = "The app's key folder (patchbay key create)")
        Path keysDir;
        @Mixin PassphraseOption keyOptions;
        @Option(names = "--native-min", paramLabel = "X", description = "Lowest native app version the bundle runs on")
        String nativeMin;
        @Option(names = "--native-max", paramLabel = "Y", description = "Highest native app version the bundle runs on")
        String nativeMax;
        @Option(names = {"-q", "--quiet"}, description = "No upload progress on stderr")
        boolean quiet;
        @Option(names = "--capgo-compat", description = "Also build and upload the reference plugin's format (a zip;"
                + " encrypted and signed when the key folder has a Capgo key pair) for Capgo-compatible delivery")
        boolean capgoCompat;
        @Option(names = "--capgo-manifest", description = "With --capgo-compat: per-file manifest entries too")
        boolean capgoManifest;
        CapgoKeyPair capgoKeys;
        /** An artifact made elsewhere (bundle import-capgo): uploaded as is instead of built. */
        dev.patchbay.crypto.capgo.CapgoArtifact.Built prebuilt;
        @Option(names = "--format", paramLabel = "N", defaultValue = "2",
                description = "Bundle format: 2 (compressed, unchanged files not uploaded again; default) or 1 (for "
                        + "apps whose installed updater predates format 2)")
        int format;
        @Option(names = "--patches", paramLabel = "K", defaultValue = "" + dev.patchbay.client.ServerPatchBases
                .DEFAULT_RELEASES, description = "Binary patches of changed files from up to K earlier releases (the"
                + " channel's current bundle first, then the newest); 0: none (default: ${DEFAULT-VALUE})")
        int patchReleases;

        Publish(Cli.Context context) {
            super(context);
        }

        @Override
        public void run() {
            String appId = appId();
            String channelName = channel == null ? null : Names.channelName("--channel", channel);
            if (format != 1 && format != 2) {
                throw new CliException("--format must be 1 or 2, not " + format);
            }
            if (patchReleases < 0 || patchReleases > 10) {
                throw new CliException("--patches must be 0 to 10, not " + patchReleases);
            }
            PatchbayClient client = server.client(context);
            PublishTiming timing = PublishTiming.forContext(context);
            PublishProgress phases = PublishProgress.forContext(context, quiet);
            phases.timing = timing;
            phases.phase("Reading " + input.getFileName());
            try (BundleInput files = BundleInput.open(input)) {
                timing.mark("read input (list files)");
                phases.phase("Reading " + input.getFileName() + ": " + files.entries().size() + " files, "
                        + Text.bytes(files.entries().stream().mapToLong(BundleInput.Entry::size).sum()));
                char[][] passphrase = new char[1][]; // asked for only when needed: no agent, or the root key
                java.util.function.Supplier<char[]> pass = () -> {
                    if (passphrase[0] == null) {
                        passphrase[0] = keyOptions.passphrase(context, appId, keysDir); // may prompt
                    }
                    return passphrase[0];
                };
                PublishKeys keys;
                try {
                    keys = PublishKeys.fromAgent(context, appId, keysDir);
                    if (keys == null) {
                        pass.get();
                        phases.phase("Unlocking keys");
                        keys = PublishKeys.unlock(appId, keysDir, pass.get());
                    } else {
                        phases.phase("Using the keys held by the agent");
                    }
                    timing.mark("keys (agent or key files)");
                    try {
                        ensureTrust(client, appId, keys);
                        trustedNow = ensureServerTrusted(client, appId, keys, pass);
                        if (capgoCompat && CapgoKeyFile.exists(keysDir)) {
                            capgoKeys = CapgoKeyFile.read(keysDir, appId, pass.get());
                        }
                    } catch (RuntimeException e) {
                        keys.close();
                        throw e;
                    }
                } finally {
                    if (passphrase[0] != null) {
                        Arrays.fill(passphrase[0], '\0');
                    }
                }
                try (PublishKeys held = keys) {
                    timing.mark("trust checks (server)");
                    phases.phase("Checking app " + appId + " on the server");
                    List<Bundle> published = client.listBundles(appId);
                    for (Bundle b : published) {
                        if (b.version().equals(version)) {
                            throw new CliException("App " + appId + " already has a bundle " + version + " (sequence "
                                    + b.sequence() + "); versions are unique, publish a new one");
                        }
                    }
                    if (channelName != null) {
                        client.getChannel(appId, channelName); // a missing channel fails now, not after the upload
                    }
                    long sequence = published.stream().mapToLong(Bundle::sequence).max().orElse(0) + 1;
                    timing.mark("list bundles (server)");
                    dev.patchbay.client.ServerPatchBases bases = null;
                    if (format == 2 && patchReleases > 0 && !published.isEmpty()) {
                        phases.phase("Reading earlier releases for binary patches");
                        byte[] contentKey = held.contentKey();
                        try {
                            bases = dev.patchbay.client.ServerPatchBases.load(client, appId, held.trust, contentKey,
                                    published, channelName, patchReleases);
                        } finally {
                            Arrays.fill(contentKey, (byte) 0);
                        }
                        timing.mark("load patch bases (download, open)");
                    }
                    try {
                        publish(client, appId, files, held, sequence, channelName, phases,
                                bases == null ? dev.patchbay.crypto.PatchBases.NONE : bases, timing);
                    } finally {
                        if (bases != null) {
                            bases.close();
                        }
                    }
                }
            } catch (IOException e) {
                throw new CliException("Cannot read " + input + ": " + e.getMessage(), e);
            } finally {
                phases.done(); // an error message starts on a clean line
                timing.print();
            }
        }

        private void publish(PatchbayClient client, String appId, BundleInput files, PublishKeys keys, long sequence,
                             String channelName, PublishProgress phases, dev.patchbay.crypto.PatchBases bases,
                             PublishTiming timing) throws IOException {
            // java.io.tmpdir read now (not cached by the JDK): lets tests watch the folder
            Path work = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "patchbay-seal-");
            // Ctrl+C / SIGTERM: cancel the upload (the server session is aborted) and wait for the cleanup below.
            AtomicReference<BundlePublish> running = new AtomicReference<>();
            AtomicBoolean stopping = new AtomicBoolean();
            CountDownLatch cleanedUp = new CountDownLatch(1);
            Thread onExit = new Thread(() -> {
                stopping.set(true);
                BundlePublish upload = running.get();
                if (upload != null) {
                    upload.cancel();
                }
                try {
                    cleanedUp.await(30, TimeUnit.SECONDS); // sealing is not interruptible; it checks when done
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "patchbay-publish-cancel");
            Runtime.getRuntime().addShutdownHook(onExit);
            try {
                phases.sealedFiles(0, files.entries().size(), 0,
                        files.entries().stream().mapToLong(BundleInput.Entry::size).sum());
                SealedBundle sealed;
                try {
                    sealed = BundleSealer.seal(files, keys.request(version, sequence, nativeMin, nativeMax), work,
                            format, phases, bases, keys.signer);
                } finally {
                    phases.done();
                }
                timing.mark(sealed.patches() == null ? "compress, seal, sign" : "patches, manifest, sign");
                List<BlobRef> all = sealed.uploadBlobs();
                long allBytes = all.stream().mapToLong(BlobRef::length).sum();
                UploadProgress progress = UploadProgress.forContext(context, quiet);
                Bundle bundle;
                try {
                    BundlePublish upload = client.newPublish(appId, version, sealed.envelope(), work, all,
                            timing.listener(progress));
                    running.set(upload);
                    if (stopping.get()) {
                        upload.cancel(); // stopped while sealing: run() aborts before sending anything
                    }
                    bundle = upload.run();
                    timing.mark("commit (server)");
                } finally {
                    progress.finish();
                }
                long uploaded = progress.total();
                String capgo = prebuilt != null ? CapgoPublish.upload(client, appId, version, prebuilt)
                        : capgoCompat ? CapgoPublish.upload(client, appId, version, files, capgoKeys, capgoManifest,
                        work) : null;
                Channel ch = channelName == null ? null : client.setChannelBundle(appId, channelName, version);
                timing.mark("capgo, channel");
                report(bundle, sealed, keys, allBytes, uploaded, ch);
                if (capgo != null && !output().json()) {
                    output().line(capgo);
                }
            } finally {
                FileTrees.deleteQuietly(work);
                try {
                    Runtime.getRuntime().removeShutdownHook(onExit);
                } catch (IllegalStateException shuttingDown) {
                    // the hook is running: it waits for the latch
                }
                cleanedUp.countDown();
            }
        }

        private void report(Bundle bundle, SealedBundle sealed, PublishKeys keys, long allBytes, long uploaded, Channel ch) {
            Output out = output();
            if (out.json()) {
                Map<String, Object> json = new LinkedHashMap<>();
                json.put("appId", bundle.appId());
                json.put("version", bundle.version());
                json.put("sequence", bundle.sequence());
                json.put("files", sealed.fileCount());
                json.put("plainBytes", sealed.plaintextBytes());
                json.put("format", sealed.manifest().version());
                json.put("totalBytes", allBytes);
                json.put("uploadedBytes", uploaded);
                json.put("skippedBytes", allBytes - uploaded);
                json.put("patches", sealed.patchIndex() == null ? 0 : sealed.patchIndex().patches().size());
                json.put("patchBytes", sealed.patches() == null ? 0 : sealed.patches().totalLength());
                json.put("releaseKeyId", keys.releaseKeyId());
                json.put("channel", ch == null ? null : ch.name());
                json.put("serverTrustedUntil", trustedNow == null ? null : trustedNow.notAfter().toString());
                out.json(json);
                return;
            }
            out.line("Published " + bundle.appId() + " " + bundle.version() + " (sequence " + bundle.sequence() + ")");
            List<String[]> fields = new ArrayList<>();
            fields.add(new String[] {"Files", sealed.fileCount() + " (" + Text.bytes(sealed.plaintextBytes()) + ")"});
            fields.add(new String[] {"Sealed", Text.bytes(allBytes)});
            fields.add(new String[] {"Uploaded", Text.bytes(uploaded) + " (" + Text.bytes(allBytes - uploaded)
                    + " already on the server)"});
            if (sealed.patches() != null) {
                fields.add(new String[] {"Patches", sealed.patchIndex().patches().size() + " ("
                        + Text.bytes(sealed.patches().totalLength()) + ")"});
            }
            fields.add(new String[] {"Release key", keys.releaseKeyId()});
            if (ch != null) {
                fields.add(new String[] {"Channel", ch.name() + " now serves " + bundle.version()});
            }
            if (trustedNow != null) {
                fields.add(new String[] {"Server", "now trusted for " + bundle.appId() + ": freshness key "
                        + trustedNow.keyId() + " certified until " + Text.time(trustedNow.notAfter())});
            }
            out.fields(fields);
        }

        /** The certificate this publish gave the server (it was not trusted for the app), else null. */
        private dev.patchbay.crypto.FreshnessCert trustedNow;

        /**
         * Certifies the server's freshness key with the app's root key when the server holds no valid certificate of
         * it (first publish to a new server): without it devices get server_not_trusted and never update.
         */
        private FreshnessCert ensureServerTrusted(PatchbayClient client, String appId, PublishKeys keys,
                java.util.function.Supplier<char[]> passphrase) {
            dev.patchbay.client.FreshnessKeyInfo key = client.freshnessKey();
            java.time.Instant now = java.time.Instant.now();
            try {
                FreshnessCert cert = client.freshnessCert(appId);
                if (cert.keyId().equals(key.keyId()) && cert.validAt(now)
                        && cert.rootKeyId().equals(keys.trust.rootKeyId())) {
                    return null;
                }
            } catch (NotFoundException notYet) {
                // certify below
            }
            byte[] publicKey = KeyCommand.TrustServer.publicKey(key);
            FreshnessCert cert = AppKeys.certifyFreshnessKey(appId, keysDir, passphrase.get(), publicKey,
                    now.minus(java.time.Duration.ofMinutes(5)), now.plus(KeyCommand.TrustServer.VALIDITY));
            return client.putFreshnessCert(appId, cert);
        }

        /** Registers the keys' trust.json if the server has none for the app; refuses keys with another root. */
        private static void ensureTrust(PatchbayClient client, String appId, PublishKeys keys) {
            TrustRoot onServer;
            try {
                onServer = TrustRoot.parse(CanonicalJson.bytes(client.getTrust(appId)));
            } catch (NotFoundException e) {
                client.getApp(appId); // a missing app says so, rather than a missing trust
                client.registerTrust(appId, keys.trust.toBytes());
                return;
            }
            if (!onServer.sameRoot(keys.trust)) {
                throw new CliException("The server knows app " + appId + " with root key " + onServer.rootKeyId()
                        + " (content key " + onServer.contentKeyId() + "), but the keys in " + keys.dir
                        + " have root key " + keys.trust.rootKeyId() + " (content key " + keys.contentKeyId
                        + "); use the app's own key folder");
            }
            if (onServer.cert(keys.releaseKeyId()).isEmpty()) {
                client.registerTrust(appId, keys.trust.toBytes()); // a rotated release key: add its certificate
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List an app's published bundles.")
    static final class ListBundles extends BundleAction {
        ListBundles(Cli.Context context) {
            super(context);
        }

        @Override
        public void run() {
            String appId = appId();
            List<Bundle> bundles = server.client(context).listBundles(appId);
            Output out = output();
            if (out.json()) {
                out.json(bundles);
            } else if (bundles.isEmpty()) {
                out.line("App " + appId + " has no bundles. Publish one with: patchbay bundle publish DIR --app "
                        + appId + " --version V --keys DIR");
            } else {
                out.table(List.of("VERSION", "SEQUENCE", "CREATED", "SIZE", "FILES", "KEY", "CHANNELS"),
                        bundles.stream().map(b -> List.of(b.version(), Long.toString(b.sequence()),
                                Text.time(b.createdAt()), Text.bytes(b.totalBytes()), Integer.toString(b.fileCount()),
                                b.releaseKeyId(), channels(b))).toList());
            }
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = {"Show one bundle; with --keys also its files (decrypted manifest).",
                    "The encrypted manifest blob is downloaded from the server and decrypted with the content key."})
    static final class Show extends BundleAction {
        @Parameters(paramLabel = "VERSION")
        String version;
        @Option(names = "--keys", paramLabel = "DIR", description = "The app's key folder: list the files too")
        Path keysDir;
        @Mixin PassphraseOption keyOptions;

        Show(Cli.Context context) {
            super(context);
        }

        @Override
        public void run() {
            String appId = appId();
            PatchbayClient client = server.client(context);
            Bundle bundle = client.getBundle(appId, version);
            Manifest manifest = null;
            if (keysDir != null) {
                try (ReadKeys keys = ReadKeys.load(context, keyOptions, appId, keysDir)) {
                    manifest = keys.manifest(client, bundle);
                }
            }
            Output out = output();
            if (out.json()) {
                Map<String, Object> json = new LinkedHashMap<>();
                json.put("bundle", bundle);
                if (manifest != null) {
                    json.put("files", manifest.files().stream().map(f -> {
                        Map<String, Object> m = new LinkedHashMap<>();
                        m.put("path", f.path());
                        m.put("size", f.size());
                        m.put("sha256", f.sha256());
                        return m;
                    }).toList());
                }
                out.json(json);
                return;
            }
            JsonNode release = bundle.envelope() == null ? null : bundle.envelope().path("release");
            List<String[]> fields = new ArrayList<>(List.of(
                    new String[] {"Version", bundle.version()},
                    new String[] {"App", bundle.appId()},
                    new String[] {"Sequence", Long.toString(bundle.sequence())},
                    new String[] {"Created", Text.time(bundle.createdAt())},
                    new String[] {"Published", Text.time(bundle.publishedAt())},
                    new String[] {"Size", Text.bytes(bundle.totalBytes())},
                    new String[] {"Files", Integer.toString(bundle.fileCount())},
                    new String[] {"Release key", bundle.releaseKeyId()},
                    new String[] {"Native", nativeRange(release)},
                    new String[] {"Channels", channels(bundle)}));
            if (bundle.rollbackOf() != null) {
                fields.add(new String[] {"Rollback of", bundle.rollbackOf() + " (same content, higher sequence)"});
            }
            out.fields(fields);
            if (manifest != null) {
                out.line("");
                out.table(List.of("PATH", "SIZE", "SHA256"), manifest.files().stream()
                        .map(f -> List.of(f.path(), Long.toString(f.size()), f.sha256())).toList());
            }
        }

        private static String nativeRange(JsonNode release) {
            if (release == null) {
                return "-";
            }
            String min = release.path("nativeMin").isTextual() ? release.path("nativeMin").asText() : null;
            String max = release.path("nativeMax").isTextual() ? release.path("nativeMax").asText() : null;
            if (min == null && max == null) {
                return "any";
            }
            return (min == null ? "" : ">= " + min) + (min != null && max != null ? ", " : "")
                    + (max == null ? "" : "<= " + max);
        }
    }

    @Command(name = "diff", mixinStandardHelpOptions = true,
            description = "Files added, changed and removed from one bundle to another, and what a device on FROM"
                    + " downloads to get TO.")
    static final class Diff extends BundleAction {
        @Parameters(index = "0", paramLabel = "FROM")
        String from;
        @Parameters(index = "1", paramLabel = "TO")
        String to;
        @Option(names = "--keys", required = true, paramLabel = "DIR", description = "The app's key folder")
        Path keysDir;
        @Mixin PassphraseOption keyOptions;

        Diff(Cli.Context context) {
            super(context);
        }

        @Override
        public void run() {
            String appId = appId();
            PatchbayClient client = server.client(context);
            Bundle a = client.getBundle(appId, from);
            Bundle b = client.getBundle(appId, to);
            ManifestDiff diff;
            try (ReadKeys keys = ReadKeys.load(context, keyOptions, appId, keysDir)) {
                Manifest ma = keys.manifest(client, a);
                VerifiedRelease rb = keys.verify(b);
                diff = ManifestDiff.between(ma, keys.manifest(client, b, rb), rb.manifest(),
                        keys.patchIndex(client, rb), rb.patches() == null ? null : rb.patches().index());
            }
            Output out = output();
            if (out.json()) {
                Map<String, Object> json = new LinkedHashMap<>();
                json.put("from", from);
                json.put("to", to);
                json.put("added", diff.added());
                json.put("changed", diff.changed());
                json.put("removed", diff.removed());
                json.put("downloadBytes", diff.downloadBytes());
                json.put("fullBytes", diff.fullBytes());
                json.put("patchedFiles", diff.patchedFiles());
                out.json(json);
                return;
            }
            out.line(from + " -> " + to + ": " + diff.added().size() + " added, " + diff.changed().size()
                    + " changed, " + diff.removed().size() + " removed");
            diff.added().forEach(p -> out.line("  + " + p));
            diff.changed().forEach(p -> out.line("  ~ " + p));
            diff.removed().forEach(p -> out.line("  - " + p));
            out.line(String.format(java.util.Locale.ROOT, "A device on %s downloads %s of %s (%.1f%%)%s", from,
                    Text.bytes(diff.downloadBytes()), Text.bytes(diff.fullBytes()), diff.downloadFraction() * 100,
                    diff.patchedFiles() == 0 ? "" : ", " + diff.patchedFiles() + " files as binary patches"));
        }
    }

    static String channels(Bundle b) {
        return b.channels() == null || b.channels().isEmpty() ? "-" : String.join(",", b.channels());
    }
}
