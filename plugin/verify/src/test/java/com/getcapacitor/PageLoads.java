package com.getcapacitor;

import android.webkit.WebView;

/**
 * What Capacitor's BridgeWebViewClient does when Chromium reports a finished page at progress 100: tell the
 * Bridge's WebViewListeners. Robolectric's WebView reports no progress, so the test does it (the listeners are
 * package-private in the Bridge, hence this class in Capacitor's package).
 */
public final class PageLoads {
    private PageLoads() {
    }

    public static void finished(Bridge bridge) {
        WebView web = bridge.getWebView();
        for (WebViewListener l : bridge.getWebViewListeners()) {
            l.onPageLoaded(web);
        }
    }
}
