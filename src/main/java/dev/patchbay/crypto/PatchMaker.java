package dev.patchbay.crypto;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Makes the binary patches of a release while it is sealed (bundle-format §5.4, ADR 0082): for each file, a
 * {@link BinaryDelta} from each older version {@link PatchBases} offers, kept only when its blob is smaller than the
 * file's own (compressed) blob; sealed as a format 2 convergent blob (codec none), listed in the patch index.
 */
final class PatchMaker {
    /** Files larger than this are not diffed (the publisher holds both versions in memory). */
    static final long MAX_FILE = 64L << 20;
    /** Files smaller than this are not worth a patch (a patch has ~40 bytes of overhead, the blob 36). */
    static final long MIN_FILE = 512;

    private PatchMaker() {
    }

    /** A patch to try: the new file (entry index in the bundle) against an older file. */
    private record Job(int entry, Manifest.File target, PatchBases.Base base) {
    }

    /** The patch index of the release, or null when no patch is worth keeping. */
    static PatchIndex make(List<BundleInput.Entry> entries, FileBlobs.Sealed[] sealed, PatchBases bases,
            byte[] convergentKey, FileBlobs.Sink sink, BundleSealer.Progress progress) throws IOException {
        List<Job> jobs = new ArrayList<>();
        Set<String> pairs = new HashSet<>();
        for (int i = 0; i < sealed.length; i++) {
            Manifest.File f = sealed[i].file();
            if (f.size() < MIN_FILE || f.size() > MAX_FILE) {
                continue;
            }
            for (PatchBases.Base b : bases.basesFor(f)) {
                if (!b.sha256().equals(f.sha256()) && b.size() <= MAX_FILE
                        && pairs.add(f.sha256() + b.sha256())) {
                    jobs.add(new Job(i, f, b));
                }
            }
        }
        if (jobs.isEmpty()) {
            return null;
        }
        PatchIndex.Entry[] made = new PatchIndex.Entry[jobs.size()];
        ThreadLocal<BlobCipher.Encryptor> encryptors = ThreadLocal.withInitial(BlobCipher.Encryptor::new);
        java.util.concurrent.atomic.AtomicInteger done = new java.util.concurrent.atomic.AtomicInteger();
        progress.patched(0, jobs.size());
        SealTasks.run(jobs.size(), j -> {
            Job job = jobs.get(j);
            byte[] target;
            try (InputStream in = entries.get(job.entry()).open()) {
                target = in.readAllBytes();
            }
            byte[] base = job.base().content().read();
            if (base.length != job.base().size()) {
                throw new CryptoException("the older version of " + job.target().path() + " has " + base.length
                        + " bytes, not " + job.base().size());
            }
            byte[] patch = BinaryDelta.diff(base, target);
            if (BlobCipher.blobLength(patch.length) < job.target().blobLength()) {
                BlobRef ref = FileBlobs.sealBytes(convergentKey, patch, sink, encryptors.get());
                made[j] = new PatchIndex.Entry(job.base().sha256(), base.length, job.target().sha256(),
                        target.length, Codec.hex(KeyIds.sha256(patch)), patch.length, ref.sha256());
            }
            progress.patched(done.incrementAndGet(), jobs.size());
        }, j -> jobs.get(j).target().size() + jobs.get(j).base().size());
        List<PatchIndex.Entry> kept = new ArrayList<>();
        for (PatchIndex.Entry e : made) {
            if (e != null) {
                kept.add(e);
            }
        }
        return kept.isEmpty() ? null : new PatchIndex(kept);
    }
}
