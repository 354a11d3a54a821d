package dev.patchbay.capacitor;

import android.content.res.AssetManager;
import dev.patchbay.updater.port.AssetStore;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/** The builtin web layer: the APK's {@code public/} assets, where {@code npx cap sync} copies the app's web build. */
final class ApkPublicAssets implements AssetStore {
    private static final String ROOT = "public";
    private final AssetManager assets;

    ApkPublicAssets(AssetManager assets) {
        this.assets = assets;
    }

    @Override
    public List<String> list() throws IOException {
        List<String> out = new ArrayList<>();
        walk("", out);
        return out;
    }

    private void walk(String dir, List<String> out) throws IOException {
        String[] names = assets.list(dir.isEmpty() ? ROOT : ROOT + "/" + dir);
        if (names == null) {
            return;
        }
        for (String name : names) {
            String path = dir.isEmpty() ? name : dir + "/" + name;
            String[] children = assets.list(ROOT + "/" + path);
            if (children != null && children.length > 0) {
                walk(path, out);
            } else {
                out.add(path);
            }
        }
    }

    @Override
    public InputStream open(String path) throws IOException {
        return assets.open(ROOT + "/" + path);
    }
}
