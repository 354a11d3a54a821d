package dev.patchbay.harness;

import dev.patchbay.updater.port.AssetStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The builtin web assets of the installed "APK": the {@code assets/public/} folder copied into the device at install
 * (Android's {@code AssetManager} over {@code public/}). Read-only; survives kills; replaced by a native upgrade.
 */
public final class ApkAssets implements AssetStore {
    private final Path publicDir;

    ApkAssets(Path publicDir) {
        this.publicDir = publicDir.toAbsolutePath().normalize();
    }

    Path folder() {
        return publicDir;
    }

    @Override
    public List<String> list() throws IOException {
        try (Stream<Path> s = Files.walk(publicDir)) {
            return s.filter(Files::isRegularFile)
                    .map(p -> publicDir.relativize(p).toString().replace('\\', '/'))
                    .sorted().toList();
        }
    }

    @Override
    public InputStream open(String path) throws IOException {
        Path p = publicDir.resolve(path).normalize();
        if (!p.startsWith(publicDir) || !Files.isRegularFile(p)) {
            throw new NoSuchFileException("assets/public/" + path);
        }
        return Files.newInputStream(p);
    }
}
