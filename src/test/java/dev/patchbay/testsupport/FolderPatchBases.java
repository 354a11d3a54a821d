package dev.patchbay.testsupport;

import dev.patchbay.crypto.BlobCipher;
import dev.patchbay.crypto.FileCodec;
import dev.patchbay.crypto.Manifest;
import dev.patchbay.crypto.PatchBases;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * Patch bases read from folders of earlier builds (what a publisher with the earlier releases at hand offers; the CLI
 * reads them from the server instead): the same candidate rule as the CLI, {@link PatchBases#candidates}.
 */
public final class FolderPatchBases {
    private FolderPatchBases() {
    }

    public static PatchBases of(Path... older) throws IOException {
        List<Manifest> manifests = new ArrayList<>();
        List<Path> roots = new ArrayList<>();
        for (Path root : older) {
            List<Manifest.File> files = new ArrayList<>();
            List<Path> paths;
            try (Stream<Path> s = Files.walk(root)) {
                paths = s.filter(Files::isRegularFile).toList();
            }
            for (Path p : paths) {
                byte[] b = Files.readAllBytes(p);
                String sha = sha(b);
                files.add(new Manifest.File(root.relativize(p).toString().replace('\\', '/'), b.length, sha, sha,
                        FileCodec.NONE, BlobCipher.blobLength(b.length)));
            }
            files.sort((x, y) -> x.path().compareTo(y.path()));
            manifests.add(new Manifest(2, files));
            roots.add(root);
        }
        return file -> {
            List<PatchBases.Base> out = new ArrayList<>();
            for (int i = 0; i < manifests.size(); i++) {
                Path root = roots.get(i);
                for (Manifest.File f : PatchBases.candidates(manifests.get(i), file)) {
                    out.add(new PatchBases.Base(f.sha256(), f.size(),
                            () -> Files.readAllBytes(root.resolve(f.path()))));
                }
            }
            return out;
        };
    }

    public static String sha(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
