package dev.patchbay.console.bundles;

import dev.patchbay.client.BundlePublish;
import dev.patchbay.client.CapgoPublish;
import dev.patchbay.client.PatchbayClient;
import dev.patchbay.client.ProgressListener;
import dev.patchbay.client.ServerPatchBases;
import dev.patchbay.client.ServerUnreachableException;
import dev.patchbay.console.data.Problems;
import dev.patchbay.console.keys.AppKeyStore;
import dev.patchbay.crypto.AppKeys;
import dev.patchbay.crypto.BundleInput;
import dev.patchbay.crypto.BundleSealer;
import dev.patchbay.crypto.CryptoException;
import dev.patchbay.crypto.PatchBases;
import dev.patchbay.crypto.SealedBundle;
import dev.patchbay.crypto.capgo.CapgoKeyPair;
import dev.patchbay.domain.Bundle;
import dev.patchbay.domain.FileTrees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One publish from the Bundles page, run off the FX thread: read the folder or zip, unlock the keys, read the earlier
 * releases it patches from (the CLI's default, bundle-format §5.4: up to {@link ServerPatchBases#DEFAULT_RELEASES},
 * the chosen channel's bundle first, then the newest), compress and seal (with binary patches), upload, commit, then
 * the Capgo artifact and the channel. Each step is reported as it starts, and with a measure where it has one (bytes
 * sealed, patches made, bytes uploaded). {@link #cancel()} (any thread) stops it at the next check: sealing and
 * patching check after every file, the upload within a piece; nothing is published and the sealed files are deleted.
 */
final class PublishJob {
    /** The steps of a publish, in order; the label is what the form shows. */
    enum Phase {
        READING("Reading"),
        UNLOCKING("Unlocking keys"),
        CHECKING("Checking the server"),
        EARLIER("Reading earlier releases for binary patches"),
        SEALING("Compressing and sealing"),
        PATCHING("Making binary patches"),
        UPLOADING("Uploading"),
        COMMITTING("Committing"),
        CAPGO("Building the Capgo artifact"),
        CHANNEL("Pointing the channel");

        final String label;

        Phase(String label) {
            this.label = label;
        }
    }

    /** Told of each step as it starts and of its progress; called from the publishing threads. */
    interface Listener {
        void phase(Phase phase, String label);

        /** {@code done} of {@code total}: bytes for sealing and uploading, patches for patching. */
        void progress(Phase phase, long done, long total);
    }

    /** What the form asked for. {@code patchReleases}: K, 0 for no patches. */
    record Request(String appId, Path source, String version, String channel, boolean capgo, boolean capgoManifest,
            int patchReleases) {
    }

    /** The published bundle, its patches (count, and the versions they are from), and the Capgo line or problem. */
    record Outcome(Bundle bundle, int patches, List<String> patchedFrom, String capgo, String capgoProblem) {
    }

    private final AppKeyStore keys;
    private final Path workFolder;
    private final Listener listener;
    private final AtomicReference<BundlePublish> upload = new AtomicReference<>();
    private volatile boolean cancelled;

    PublishJob(AppKeyStore keys, Path workFolder, Listener listener) {
        this.keys = keys;
        this.workFolder = workFolder;
        this.listener = listener;
    }

    /** Stops the publish at its next check; a running upload is cancelled at once (its server session aborted). */
    void cancel() {
        cancelled = true;
        BundlePublish p = upload.get();
        if (p != null) {
            p.cancel();
        }
    }

    boolean isCancelled() {
        return cancelled;
    }

    private void checkCancelled() {
        if (cancelled || Thread.currentThread().isInterrupted()) {
            cancelled = true;
            throw new CancellationException("Publishing was cancelled");
        }
    }

    private void phase(Phase p, String label) {
        checkCancelled();
        listener.phase(p, label);
    }

    /** Runs the publish; wipes {@code passphrase}. Throws {@link CancellationException} when cancelled. */
    Outcome run(PatchbayClient client, Request req, char[] passphrase) throws IOException {
        try {
            phase(Phase.READING, "Reading " + req.source().getFileName() + "…");
            try (BundleInput input = BundleInput.open(req.source())) {
                phase(Phase.UNLOCKING, "Unlocking keys…");
                CapgoKeyPair capgoKeys = null;
                if (req.capgo() && keys.capgoExists(req.appId())) {
                    // The same passphrase opens both (AppKeyStore.storeCapgo checks that when the pair is stored).
                    capgoKeys = keys.capgoUnlocked(req.appId()).orElse(null);
                    if (capgoKeys == null) {
                        capgoKeys = keys.unlockCapgo(req.appId(), passphrase.clone());
                    }
                }
                AppKeys k = keys.unlock(req.appId(), passphrase.clone());
                phase(Phase.CHECKING, "Checking " + req.appId() + " on the server…");
                client.registerTrust(req.appId(), k.exportTrust());
                List<Bundle> published = client.listBundles(req.appId());
                long sequence = 1 + published.stream().mapToLong(Bundle::sequence).max().orElse(0);
                ServerPatchBases bases = null;
                try {
                    if (req.patchReleases() > 0 && !published.isEmpty()) {
                        phase(Phase.EARLIER, Phase.EARLIER.label + "…");
                        byte[] contentKey = k.contentKey();
                        try {
                            bases = ServerPatchBases.load(client, req.appId(), k.trust(), contentKey, published,
                                    req.channel(), req.patchReleases());
                        } finally {
                            Arrays.fill(contentKey, (byte) 0);
                        }
                    }
                    return sealAndUpload(client, req, input, k, sequence, bases, capgoKeys);
                } finally {
                    if (bases != null) {
                        bases.close();
                    }
                }
            }
        } finally {
            Arrays.fill(passphrase, '\0');
        }
    }

    private Outcome sealAndUpload(PatchbayClient client, Request req, BundleInput input, AppKeys k, long sequence,
            ServerPatchBases bases, CapgoKeyPair capgoKeys) throws IOException {
        String appId = req.appId();
        String v = req.version();
        Files.createDirectories(workFolder);
        Path tmp = Files.createTempDirectory(workFolder, "publish-");
        try {
            phase(Phase.SEALING, Phase.SEALING.label + "…");
            SealedBundle sealed = BundleSealer.seal(input, BundleSealer.Request.of(k, v, sequence, null, null), tmp,
                    BundleSealer.CURRENT_FORMAT, sealProgress(), bases == null ? PatchBases.NONE : bases);
            phase(Phase.UPLOADING, Phase.UPLOADING.label + "…");
            BundlePublish p = client.newPublish(appId, v, sealed.envelope(), tmp, sealed.uploadBlobs(),
                    uploadProgress());
            upload.set(p);
            if (cancelled) {
                p.cancel(); // cancelled between the check above and now: run() aborts before sending anything
            }
            Bundle bundle = p.run();
            String capgoLine = null;
            String capgoProblem = null;
            if (req.capgo()) {
                listener.phase(Phase.CAPGO, Phase.CAPGO.label + "…"); // published already: no cancel from here on
                try {
                    Path capgoWork = Files.createDirectory(tmp.resolve("capgo"));
                    CapgoPublish.Result r = CapgoPublish.buildAndUpload(client, appId, v, input, capgoKeys,
                            req.capgoManifest(), capgoWork);
                    capgoLine = "Capgo artifact: zip " + Sizes.bytes(r.built().zip().length())
                            + (r.encrypted() ? ", encrypted for key " + r.built().keyId() : ", unencrypted")
                            + (r.built().manifest().isEmpty() ? "" : ", " + r.built().manifest().size()
                            + " manifest files") + ".";
                } catch (RuntimeException | IOException e) {
                    // The bundle is published already: say so, and what is missing for the plugin.
                    if (e instanceof ServerUnreachableException u) {
                        throw u;
                    }
                    capgoProblem = v + " is published, but without its Capgo artifact (devices of the reference"
                            + " plugin get no_capgo_artifact): " + (e instanceof CryptoException
                            ? e.getMessage() : Problems.message(e));
                }
            }
            if (req.channel() != null) {
                listener.phase(Phase.CHANNEL, "Pointing " + req.channel() + " at " + v + "…");
                client.setChannelBundle(appId, req.channel(), v);
            }
            Bundle shown = req.capgo() ? client.listBundles(appId).stream().filter(b -> b.version().equals(v))
                    .findFirst().orElse(bundle) : bundle;
            int patches = sealed.patchIndex() == null ? 0 : sealed.patchIndex().patches().size();
            return new Outcome(shown, patches, patches == 0 || bases == null ? List.of() : bases.versions(),
                    capgoLine, capgoProblem);
        } finally {
            FileTrees.deleteQuietly(tmp);
        }
    }

    /** Sealing and patching progress; throwing stops the sealing threads (BundleSealer deletes what they wrote). */
    private BundleSealer.Progress sealProgress() {
        return new BundleSealer.Progress() {
            @Override
            public void sealed(long doneBytes, long totalBytes) {
                checkCancelled();
                listener.progress(Phase.SEALING, doneBytes, totalBytes);
            }

            @Override
            public void patched(int done, int total) {
                checkCancelled();
                if (done == 0) {
                    listener.phase(Phase.PATCHING, Phase.PATCHING.label + "…");
                }
                listener.progress(Phase.PATCHING, done, total);
            }
        };
    }

    private ProgressListener uploadProgress() {
        return new ProgressListener() {
            @Override
            public void onProgress(long bytesDone, long bytesTotal) {
                listener.progress(Phase.UPLOADING, bytesDone, bytesTotal);
            }

            @Override
            public void committing() {
                listener.phase(Phase.COMMITTING, Phase.COMMITTING.label + "…");
            }
        };
    }
}
