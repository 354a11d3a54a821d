package dev.patchbay.console.shell;

import atlantafx.base.theme.PrimerDark;
import atlantafx.base.theme.PrimerLight;
import atlantafx.base.theme.Styles;
import dev.patchbay.console.settings.Settings;
import dev.patchbay.console.settings.WindowBounds;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javafx.application.Application;
import javafx.beans.binding.Bindings;
import javafx.geometry.Pos;
import javafx.geometry.Rectangle2D;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuBar;
import javafx.scene.control.MenuItem;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.control.SeparatorMenuItem;
import javafx.scene.control.TextInputControl;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.ToggleGroup;
import javafx.scene.control.Tooltip;
import javafx.scene.image.Image;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.stage.Screen;
import javafx.stage.Stage;
import org.kordamp.ikonli.feather.Feather;
import org.kordamp.ikonli.javafx.FontIcon;

/** The main window: menu, sidebar of pages, the shown page, the offline notice and the status bar. */
public final class MainWindow {
    public static final String TITLE = "Patchbay";
    private static final int[] ICON_SIZES = {16, 32, 48, 64, 128, 256};

    private final ShellViewModel vm;
    private final Runnable quit;
    private final Settings settings;
    private final Map<String, Page> pages = new LinkedHashMap<>();
    private final StackPane content = new StackPane();
    private final ToggleGroup nav = new ToggleGroup();
    private Scene scene;

    private final List<Image> icons;

    /** @param icons the window icons, read off the FX thread ({@link #loadIcons()}) */
    public MainWindow(ShellViewModel vm, Settings settings, List<Page> pages, List<Image> icons) {
        this(vm, settings, pages, icons, null);
    }

    /** {@code quit} ends the console (File → Quit, Ctrl+Q, closing the window); null: only hide the window. */
    public MainWindow(ShellViewModel vm, Settings settings, List<Page> pages, List<Image> icons, Runnable quit) {
        this.quit = quit;
        this.vm = vm;
        this.settings = settings;
        this.icons = List.copyOf(icons);
        pages.forEach(p -> this.pages.put(p.id(), p));
    }

    private void quit() {
        if (quit != null) {
            quit.run();
        } else {
            scene.getWindow().hide();
        }
    }

    public void show(Stage stage) {
        BorderPane root = new BorderPane();
        root.setId("main-window");
        root.setTop(menu());
        root.setLeft(sidebar());
        Label notice = new Label();
        notice.setId("offline-notice");
        notice.setWrapText(true);
        notice.setMaxWidth(Double.MAX_VALUE);
        notice.setGraphic(new FontIcon(Feather.WIFI_OFF));
        notice.textProperty().bind(vm.offlineNoticeProperty());
        notice.visibleProperty().bind(vm.offlineProperty());
        HBox.setHgrow(notice, Priority.ALWAYS);
        javafx.scene.control.Button retry = new javafx.scene.control.Button("Retry", new FontIcon(Feather.REFRESH_CW));
        retry.setId("offline-retry");
        retry.setTooltip(new Tooltip("Ask the server again (F5)"));
        retry.setOnAction(e -> refresh());
        HBox offlineBar = new HBox(12, notice, retry);
        offlineBar.setId("offline-bar");
        offlineBar.setAlignment(Pos.CENTER_LEFT);
        offlineBar.getStyleClass().add("offline-notice");
        offlineBar.visibleProperty().bind(vm.offlineProperty());
        offlineBar.managedProperty().bind(offlineBar.visibleProperty());
        // A window too small for a page scrolls rather than cutting it (controls keep their text: KeepText).
        javafx.scene.control.ScrollPane scroller = new javafx.scene.control.ScrollPane(content);
        scroller.setId("page-scroller");
        scroller.setFitToWidth(true);
        scroller.setFitToHeight(true);
        scroller.getStyleClass().add("edge-to-edge");
        VBox.setVgrow(scroller, Priority.ALWAYS);
        root.setCenter(new VBox(offlineBar, scroller));
        root.setBottom(statusBar());

        scene = new Scene(root);
        dev.patchbay.console.common.KeepText.install(scene);
        scene.getStylesheets().add(MainWindow.class.getResource("/dev/patchbay/console/console.css").toExternalForm());
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.R, KeyCombination.SHORTCUT_DOWN), this::refresh);
        applyTheme(vm.themeProperty().get());
        vm.themeProperty().addListener((obs, old, now) -> applyTheme(now));
        vm.selectedPageProperty().addListener((obs, old, now) -> showPage(now));
        // The first frame shows the window (menu, sidebar, status bar); the page is built and shown right after it
        // (ADR 0121). Its sidebar button is selected at once.
        String first = vm.selectedPageProperty().get();
        nav.getToggles().forEach(t -> t.setSelected(pages.getOrDefault(first, pages.values().iterator().next()).id()
                .equals(t.getUserData())));
        dev.patchbay.console.common.StartupTiming.onFirstFrame(scene, () -> javafx.application.Platform.runLater(() -> {
            if (content.getChildren().isEmpty()) {
                showPage(vm.selectedPageProperty().get());
            }
            dev.patchbay.console.common.StartupTiming.mark("page-built");
        }));

        stage.setTitle(TITLE);
        stage.setScene(scene);
        stage.setMinWidth(WindowBounds.MIN_WIDTH);
        stage.setMinHeight(WindowBounds.MIN_HEIGHT);
        stage.getIcons().setAll(icons);
        placeWindow(stage);
        // Closing the window quits too: implicit exit is off once an emulated device started the FX toolkit's use.
        stage.setOnCloseRequest(e -> {
            e.consume();
            quit();
        });
        stage.show();
    }

    private MenuBar menu() {
        MenuItem newItem = item("menu-new", "New…", Feather.PLUS, KeyCombination.keyCombination("Shortcut+N"), this::newItem);
        MenuItem refresh = item("menu-refresh", "Refresh", Feather.REFRESH_CW, new KeyCodeCombination(KeyCode.F5), this::refresh);
        MenuItem delete = item("menu-delete", "Delete…", Feather.TRASH_2, new KeyCodeCombination(KeyCode.DELETE), this::delete);
        MenuItem quit = item("menu-quit", "Quit", Feather.LOG_OUT, KeyCombination.keyCombination("Shortcut+Q"),
                this::quit);
        Menu file = new Menu("File", null, newItem, refresh, delete, new SeparatorMenuItem(), quit);
        Menu view = new Menu("View");
        int i = 0;
        for (Page p : pages.values()) {
            int index = i++;
            view.getItems().add(item("menu-page-" + p.id(), p.title(), p.icon(),
                    index < 10 ? KeyCombination.keyCombination("Shortcut+" + (index + 1) % 10) : null,
                    () -> vm.selectPage(index)));
        }
        view.getItems().add(new SeparatorMenuItem());
        view.getItems().add(item("menu-theme", "Toggle light/dark theme", Feather.MOON,
                KeyCombination.keyCombination("Shortcut+Shift+T"), vm::toggleTheme));
        MenuBar bar = new MenuBar(file, view);
        bar.setId("menu-bar");
        return bar;
    }

    private static MenuItem item(String id, String text, org.kordamp.ikonli.Ikon icon, KeyCombination key, Runnable action) {
        MenuItem m = new MenuItem(text, new FontIcon(icon));
        m.setId(id);
        m.setAccelerator(key);
        m.setOnAction(e -> action.run());
        return m;
    }

    private Node sidebar() {
        VBox side = new VBox(4);
        side.setId("sidebar");
        side.getStyleClass().add("sidebar");
        int i = 1;
        for (Page p : pages.values()) {
            ToggleButton b = new ToggleButton(p.title(), new FontIcon(p.icon()));
            b.setId("nav-" + p.id());
            b.setToggleGroup(nav);
            b.setMaxWidth(Double.MAX_VALUE);
            b.setAlignment(Pos.CENTER_LEFT);
            b.setUserData(p.id());
            // Ctrl+1 … Ctrl+9, then Ctrl+0 for the tenth page.
            b.setTooltip(new Tooltip(p.title() + (i <= 10 ? " (Ctrl+" + i % 10 + ")" : "")));
            i++;
            b.getStyleClass().add(Styles.FLAT);
            b.setOnAction(e -> {
                vm.selectedPageProperty().set(p.id());
                b.setSelected(true);
            });
            side.getChildren().add(b);
        }
        Region spacer = new Region();
        VBox.setVgrow(spacer, Priority.ALWAYS);
        ToggleButton theme = new ToggleButton(null, new FontIcon(Feather.MOON));
        theme.setId("theme-toggle");
        theme.setTooltip(new Tooltip("Dark theme (Ctrl+Shift+T)"));
        theme.getStyleClass().add(Styles.FLAT);
        theme.setSelected(Settings.DARK.equals(vm.themeProperty().get()));
        vm.themeProperty().addListener((obs, old, now) -> theme.setSelected(Settings.DARK.equals(now)));
        theme.setOnAction(e -> vm.toggleTheme());
        side.getChildren().addAll(spacer, theme);
        return side;
    }

    private Node statusBar() {
        Label connection = new Label();
        connection.setId("status-connection");
        connection.textProperty().bind(vm.statusTextProperty());
        FontIcon icon = new FontIcon();
        icon.iconCodeProperty().bind(Bindings.when(vm.offlineProperty()).then(Feather.WIFI_OFF).otherwise(Feather.WIFI));
        connection.setGraphic(icon);
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        ProgressIndicator spinner = new ProgressIndicator();
        spinner.setPrefSize(14, 14);
        spinner.visibleProperty().bind(vm.activityProperty().isNotEmpty());
        Label task = new Label();
        task.setId("status-task");
        task.textProperty().bind(vm.activityProperty());
        HBox bar = new HBox(8, connection, spacer, spinner, task);
        bar.setId("status-bar");
        bar.setAlignment(Pos.CENTER_LEFT);
        bar.getStyleClass().add("status-bar");
        return bar;
    }

    private void showPage(String id) {
        Page page = pages.getOrDefault(id, pages.values().iterator().next());
        content.getChildren().setAll(page.view());
        nav.getToggles().forEach(t -> t.setSelected(page.id().equals(t.getUserData())));
        vm.pageFetchedAtProperty().unbind();
        vm.pageFetchedAtProperty().bind(page.dataFetchedAtProperty());
        page.shown();
    }

    /** The window's scene, once {@link #show(Stage)} built it. */
    public Scene scene() {
        return scene;
    }

    private Page current() {
        return pages.getOrDefault(vm.selectedPageProperty().get(), pages.values().iterator().next());
    }

    private void newItem() {
        current().newItem();
    }

    private void refresh() {
        if (vm.needsReconnect()) {
            vm.reconnect();
        } else {
            current().refresh();
        }
    }

    private void delete() {
        // The Delete key edits text while a form field has focus.
        if (!(scene.getFocusOwner() instanceof TextInputControl)) {
            current().deleteSelected();
        }
    }

    /** Sets the theme's user-agent stylesheet ("light" / "dark"); the console calls it before any control exists. */
    public static void applyTheme(String theme) {
        Application.setUserAgentStylesheet(Settings.DARK.equals(theme)
                ? new PrimerDark().getUserAgentStylesheet() : new PrimerLight().getUserAgentStylesheet());
    }

    /** The app icons that exist on the classpath ({@code /dev/patchbay/icons/patchbay-<size>.png}); none is fine. */
    public static List<Image> loadIcons() {
        List<Image> out = new java.util.ArrayList<>();
        for (int size : ICON_SIZES) {
            try (InputStream in = MainWindow.class.getResourceAsStream("/dev/patchbay/icons/patchbay-" + size + ".png")) {
                if (in != null) {
                    Image image = new Image(in);
                    if (!image.isError()) {
                        out.add(image);
                    }
                }
            } catch (Exception ignored) {
                // A missing or broken icon must not keep the console from starting.
            }
        }
        return out;
    }

    private void placeWindow(Stage stage) {
        WindowBounds saved = settings.windowProperty().get();
        List<Rectangle2D> screens = Screen.getScreens().stream().map(Screen::getVisualBounds).toList();
        if (saved == null) {
            Rectangle2D s = screens.isEmpty() ? new Rectangle2D(0, 0, 1100, 720) : screens.get(0);
            saved = new WindowBounds(0, 0, Math.min(1100, s.getWidth()), Math.min(720, s.getHeight()), false)
                    .clampedTo(List.of(s));
            saved = new WindowBounds(s.getMinX() + (s.getWidth() - saved.width()) / 2,
                    s.getMinY() + (s.getHeight() - saved.height()) / 2, saved.width(), saved.height(), false);
        } else {
            saved = saved.clampedTo(screens);
        }
        stage.setX(saved.x());
        stage.setY(saved.y());
        stage.setWidth(saved.width());
        stage.setHeight(saved.height());
        stage.setMaximized(saved.maximized());
        settings.windowProperty().set(saved);
        Runnable remember = () -> {
            if (stage.isMaximized()) {
                WindowBounds old = settings.windowProperty().get();
                if (old != null) {
                    settings.windowProperty().set(new WindowBounds(old.x(), old.y(), old.width(), old.height(), true));
                }
            } else if (!stage.isIconified()) {
                settings.windowProperty().set(new WindowBounds(stage.getX(), stage.getY(), stage.getWidth(), stage.getHeight(), false));
            }
        };
        stage.xProperty().addListener(o -> remember.run());
        stage.yProperty().addListener(o -> remember.run());
        stage.widthProperty().addListener(o -> remember.run());
        stage.heightProperty().addListener(o -> remember.run());
        stage.maximizedProperty().addListener(o -> remember.run());
    }
}
