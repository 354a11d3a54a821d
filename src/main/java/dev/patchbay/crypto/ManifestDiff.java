package dev.patchbay.crypto;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What changes from bundle A to bundle B, and what a device holding A downloads for B: B's manifest blob plus, for
 * each of B's files whose plaintext SHA-256 it does not hold already, the smallest of its blob and B's patches from a
 * file of A (and then B's patch index), as the device chooses (bundle-format §5.4). {@code patchedFiles}: how many
 * files come as patches.
 */
public record ManifestDiff(List<String> added, List<String> changed, List<String> removed, long downloadBytes,
        long fullBytes, int patchedFiles) {
    public ManifestDiff {
        added = List.copyOf(added);
        changed = List.copyOf(changed);
        removed = List.copyOf(removed);
    }

    public ManifestDiff(List<String> added, List<String> changed, List<String> removed, long downloadBytes,
            long fullBytes) {
        this(added, changed, removed, downloadBytes, fullBytes, 0);
    }

    public static ManifestDiff between(Manifest a, Manifest b, BlobRef bManifestBlob) {
        return between(a, b, bManifestBlob, null, null);
    }

    /** As {@link #between(Manifest, Manifest, BlobRef)} with B's patches (index and its blob; null without). */
    public static ManifestDiff between(Manifest a, Manifest b, BlobRef bManifestBlob, PatchIndex bPatches,
            BlobRef bPatchIndexBlob) {
        Map<String, Manifest.File> before = new HashMap<>();
        Set<String> held = new HashSet<>();
        Map<String, Long> heldSizes = new HashMap<>();
        for (Manifest.File f : a.files()) {
            before.put(f.path(), f);
            held.add(f.sha256());
            heldSizes.put(f.sha256(), f.size());
        }
        Map<String, PatchIndex.Entry> cheapestPatch = new HashMap<>();
        if (bPatches != null) {
            for (PatchIndex.Entry e : bPatches.patches()) { // as the device: the first of the smallest
                PatchIndex.Entry best = cheapestPatch.get(e.target());
                if (Long.valueOf(e.baseSize()).equals(heldSizes.get(e.base()))
                        && (best == null || e.blobRef().length() < best.blobRef().length())) {
                    cheapestPatch.put(e.target(), e);
                }
            }
        }
        Set<String> patchBlobs = new HashSet<>();
                int patched = 0;
        boolean anyMissing = false;
        List<String> added = new ArrayList<>();
        List<String> changed = new ArrayList<>();
        long download = bManifestBlob.length();
        long full = bManifestBlob.length();
        Set<String> after = new HashSet<>();
        Set<String> counted = new HashSet<>();
        for (Manifest.File f : b.files()) {
            after.add(f.path());
            Manifest.File old = before.get(f.path());
            if (old == null) {
                added.add(f.path());
            } else if (!old.sha256().equals(f.sha256()) || old.size() != f.size()) {
                changed.add(f.path());
            }
            if (!counted.add(f.blob())) {
                continue; // a format 2 blob shared by identical files is stored and fetched once
            }
            long len = f.blobLength();
            full += len;
            if (!held.contains(f.sha256())) {
                anyMissing = true;
                PatchIndex.Entry patch = cheapestPatch.get(f.sha256());
                if (patch != null && patch.blobRef().length() < len && f.size() == patch.targetSize()) {
                    patched++;
                    if (patchBlobs.add(patch.blob())) { // one patch blob can make several files: fetched once
                        download += patch.blobRef().length();
                    }
                } else {
                    download += len;
                }
            }
        }
        if (bPatches != null && anyMissing) {
            download += bPatchIndexBlob.length(); // the device reads the index whenever it lacks a file
        }
        List<String> removed = new ArrayList<>();
        for (Manifest.File f : a.files()) {
            if (!after.contains(f.path())) {
                removed.add(f.path());
            }
        }
        return new ManifestDiff(added, changed, removed, download, full, patched);
    }

    /** downloadBytes / fullBytes. */
    public double downloadFraction() {
        return fullBytes == 0 ? 0 : (double) downloadBytes / fullBytes;
    }
}
