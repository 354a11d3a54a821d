package dev.patchbay.console;

import dev.patchbay.domain.App;
import dev.patchbay.console.connection.ConnectionState;
import dev.patchbay.console.emulator.EmulatorViewModel;
import dev.patchbay.harness.DeviceState;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javafx.application.Platform;
import javafx.scene.control.MenuBar;
import javafx.scene.control.MenuItem;
import javafx.stage.Window;

/**
 * The child process of {@link QuitEndsProcessTest}: the installed program's entry point ({@code Launcher} with no
 * arguments) with a driver thread that uses the Emulator (an app, its keys, a device with the real WebView, cold
 * started) and then chooses File → Quit. Prints "probe: quitting" right before; the parent times the exit from there.
 */
public final class QuitProbe {
    private QuitProbe() {
    }

    public static void main(String[] args) {
        Thread driver = new Thread(QuitProbe::drive, "quit-probe-driver");
        driver.setDaemon(true);
        driver.start();
        dev.patchbay.Launcher.main(new String[0]);
    }

    private static void drive() {
        try {
            ConsoleApp app = poll(() -> ConsoleApp.launched() != null
                    && ConsoleApp.launched().connection().stateProperty().get() == ConnectionState.ONLINE
                    ? ConsoleApp.launched() : null);
            System.out.println("probe: online");
            App created = app.connection().session().client().createApp("com.example.quit", "Quit");
            // Cheap scrypt for the test: the key files carry their cost, the console's store unlocks them as they are.
            char[] pass = "horse-staple-battery".toCharArray();
            new dev.patchbay.console.keys.AppKeyStore(java.nio.file.Path.of(System.getenv("PATCHBAY_HOME"), "keys"),
                    dev.patchbay.crypto.KeyFileOptions.FAST).create(created.id(), pass.clone());
            app.keyStore().unlock(created.id(), pass);
            System.out.println("probe: keys ready");
            EmulatorViewModel vm = app.emulator();
            fx(() -> {
                vm.appProperty().set(created);
                vm.create();
                return null;
            });
            poll(() -> fx(() -> vm.devices().isEmpty() ? null : Boolean.TRUE));
            fx(() -> {
                vm.selectedProperty().set(vm.devices().get(0));
                vm.coldStart();
                return null;
            });
            poll(() -> fx(() -> vm.devices().get(0).state() != null
                    && vm.devices().get(0).state().process() == DeviceState.ProcessState.FOREGROUND ? Boolean.TRUE : null));
            System.out.println("probe: emulator used, device " + fx(() -> vm.devices().get(0).deviceId()));
            System.out.println("probe: quitting");
            System.out.flush();
            fx(() -> {
                for (Window w : Window.getWindows()) {
                    if (w.getScene() != null && w.getScene().lookup("#menu-bar") instanceof MenuBar bar) {
                        for (MenuItem item : bar.getMenus().get(0).getItems()) {
                            if ("menu-quit".equals(item.getId())) {
                                item.fire();
                                return null;
                            }
                        }
                    }
                }
                throw new IllegalStateException("no File → Quit");
            });
        } catch (Throwable e) {
            System.out.println("probe: failed " + e);
            e.printStackTrace(System.out);
            System.out.flush();
        }
    }

    private static <T> T fx(Callable<T> work) throws Exception {
        CompletableFuture<T> f = new CompletableFuture<>();
        Platform.runLater(() -> {
            try {
                f.complete(work.call());
            } catch (Throwable e) {
                f.completeExceptionally(e);
            }
        });
        return f.get(10, TimeUnit.SECONDS);
    }

    private static <T> T poll(Callable<T> value) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < end) {
            T v = value.call();
            if (v != null) {
                return v;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("timed out");
    }
}
