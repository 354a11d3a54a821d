package dev.patchbay.capacitor;

import android.os.Bundle;
import com.getcapacitor.BridgeActivity;
import com.getcapacitor.CapConfig;
import org.json.JSONException;
import org.json.JSONObject;

/**
 * The test app's MainActivity, as an app's is: Capacitor's own {@link BridgeActivity} with the plugin registered,
 * its capacitor.config given by the test (the server's URL and the app's keys are made per test).
 */
public class TestAppActivity extends BridgeActivity {
    static volatile String capacitorConfig;

    @Override
    @SuppressWarnings("deprecation")
    protected void onCreate(Bundle savedInstanceState) {
        registerPlugin(PatchbayUpdaterPlugin.class);
        try {
            config = new CapConfig(getAssets(), new JSONObject(capacitorConfig));
        } catch (JSONException e) {
            throw new IllegalStateException(e);
        }
        super.onCreate(savedInstanceState);
    }
}
