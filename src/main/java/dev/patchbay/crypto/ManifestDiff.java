package dev.patchbay.crypto;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What changes from bundle A to bundle B, and what a device holding A downloads for B: B's manifest blob plus the
 * blobs of B's files whose plaintext SHA-256 it does not hold already.
 */
public record ManifestDiff(List<String> added, List<String> changed, List<String> removed, long downloadBytes,
        long fullBytes) {
    public ManifestDiff {
        added = List.copyOf(added);
        changed = List.copyOf(changed);
        removed = List.copyOf(removed);
    }

    public static ManifestDiff between(Manifest a, Manifest b, BlobRef bManifestBlob) {
        Map<String, Manifest.File> before = new HashMap<>();
        Set<String> held = new HashSet<>();
        for (Manifest.File f : a.files()) {
            before.put(f.path(), f);
            held.add(f.sha256());
        }
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
                download += len;
            }
        }
        List<String> removed = new ArrayList<>();
        for (Manifest.File f : a.files()) {
            if (!after.contains(f.path())) {
                removed.add(f.path());
            }
        }
        return new ManifestDiff(added, changed, removed, download, full);
    }

    /** downloadBytes / fullBytes. */
    public double downloadFraction() {
        return fullBytes == 0 ? 0 : (double) downloadBytes / fullBytes;
    }
}
