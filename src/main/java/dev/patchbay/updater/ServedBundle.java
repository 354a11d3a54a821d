package dev.patchbay.updater;

import java.io.UncheckedIOException;
import java.util.Objects;

/**
 * The bundle the WebView serves in this process: its path persisted for the next cold start and told to the WebView
 * at a switch, and whether a page of it has loaded since (only such a page can confirm it).
 */
final class ServedBundle extends EnginePart {
    static final String SERVER_BASE_PATH = "serverBasePath";

    /** The bundle the WebView serves in this process; may differ from {@code current} if a write failed. */
    private volatile String served;
    private String expectedPage;
    private boolean pageLoaded;
    private String lastLoadedPage;
    private boolean anyPageLoaded;

    ServedBundle(Engine engine) {
        super(engine);
    }

    /** Under lock, at the cold start: the WebView serves {@code id} (its path is persisted if it changed). */
    void serve(String id) {
        served = id;
        syncWebView(id, false);
    }

    /** Under lock, at the cold start: the page of {@code id} is the one that can confirm it. */
    void expectLaunchPage(String id) {
        // The WebView may have loaded its page before the runtime (Capacitor creates it first): that load
        // counts if it is of the bundle the runtime settled on.
        expectedPage = layout.absolute(id);
        pageLoaded = anyPageLoaded && Objects.equals(lastLoadedPage, expectedPage);
    }

    /** Under lock: a page of {@code id}, loaded since the WebView switched to it, made this call. */
    boolean loadedPageOf(String id, String callingPage) {
        return Objects.equals(callingPage, layout.absolute(id)) && pageLoaded;
    }

    void onPageLoaded(String path) {
        synchronized (lock) {
            lastLoadedPage = path;
            anyPageLoaded = true;
            if (Objects.equals(path, expectedPage)) {
                pageLoaded = true;
            }
        }
    }

    String serverBasePath() {
        return layout.absolute(servedId());
    }

    String servedId() {
        String s = served;
        return s != null ? s : prefs.current();
    }

    /** Persists the WebView path (CapWebViewSettings) for the next cold start, and tells the WebView if asked. */
    private void syncWebView(String id, boolean tell) {
        String path = layout.absolute(id);
        String stored = ports.webViewSettings().get(SERVER_BASE_PATH);
        if (!Objects.equals(stored, path)) {
            try {
                if (path == null) {
                    ports.webViewSettings().remove(SERVER_BASE_PATH);
                } else {
                    ports.webViewSettings().put(SERVER_BASE_PATH, path);
                }
            } catch (UncheckedIOException e) {
                // re-derived from `current` at the next cold start
            }
            // The Bridge read the old value when it was created: it must hear of the change.
            ports.webView().setServerBasePath(path);
        } else if (tell) {
            ports.webView().setServerBasePath(path);
        }
    }

    /** Under lock: the WebView switches to {@code id} and reloads; no page of it has loaded yet. */
    void switchWebView(String id) {
        served = id;
        expectedPage = layout.absolute(id);
        pageLoaded = false;
        anyPageLoaded = false;
        syncWebView(id, true);
    }

    void reload() {
        synchronized (lock) {
            expectedPage = layout.absolute(servedId());
            pageLoaded = false;
        }
        ports.webView().reload();
        emit(new UpdaterEvent.AppReloaded());
    }
}
