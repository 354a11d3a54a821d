package dev.patchbay.console.activity;

import atlantafx.base.theme.Styles;
import dev.patchbay.client.AuditEntry;
import dev.patchbay.console.common.Forms;
import dev.patchbay.console.common.Times;
import dev.patchbay.console.shell.Page;
import java.time.Instant;
import java.util.function.Function;
import javafx.beans.binding.Bindings;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.DatePicker;
import javafx.scene.control.Label;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.util.StringConverter;
import org.kordamp.ikonli.Ikon;
import org.kordamp.ikonli.feather.Feather;

/** The Activity page: the audit log with filters, "Load more", and the selected entry's detail. */
public final class ActivityPage implements Page {
    private final ActivityViewModel vm;
    private final BorderPane root = new BorderPane();
    private final TableView<AuditEntry> table = new TableView<>();

    public ActivityPage(ActivityViewModel vm) {
        this.vm = vm;
        root.setId("activity-page");
        root.getStyleClass().add("page");
        root.setTop(header());
        TextArea detail = new TextArea();
        detail.setId("activity-detail");
        detail.setEditable(false);
        detail.setWrapText(true);
        detail.setStyle("-fx-font-family: monospace;");
        detail.setPromptText("Select an entry to read it in full.");
        detail.textProperty().bind(vm.detailProperty());
        SplitPane split = new SplitPane(tableWithMore(), detail);
        split.setOrientation(Orientation.VERTICAL);
        split.setDividerPositions(0.65);
        BorderPane.setMargin(split, new Insets(0, 12, 12, 12));
        root.setCenter(split);
    }

    private Node header() {
        Label title = new Label("Activity");
        title.getStyleClass().add(Styles.TITLE_3);

        ChoiceBox<String> app = new ChoiceBox<>(vm.appChoices());
        app.setId("activity-app");
        app.setConverter(new StringConverter<>() {
            @Override
            public String toString(String id) {
                return id == null || id.isEmpty() ? "All apps" : id;
            }

            @Override
            public String fromString(String s) {
                return null;
            }
        });
        app.valueProperty().bindBidirectional(vm.appProperty());

        TextField actor = new TextField();
        actor.setId("activity-actor");
        actor.setPromptText("actor contains… (Enter)");
        actor.setPrefColumnCount(14);
        actor.textProperty().bindBidirectional(vm.actorProperty());
        actor.setOnAction(e -> vm.search());

        ChoiceBox<String> action = new ChoiceBox<>(javafx.collections.FXCollections.observableArrayList(ActivityViewModel.ACTIONS));
        action.setId("activity-action");
        action.setConverter(new StringConverter<>() {
            @Override
            public String toString(String s) {
                return s == null || s.isEmpty() ? "All actions" : s + "*";
            }

            @Override
            public String fromString(String s) {
                return null;
            }
        });
        action.valueProperty().bindBidirectional(vm.actionProperty());

        DatePicker from = new DatePicker();
        from.setId("activity-from");
        from.setPromptText("from day");
        from.setPrefWidth(130);
        from.valueProperty().bindBidirectional(vm.fromDateProperty());
        DatePicker to = new DatePicker();
        to.setId("activity-to");
        to.setPromptText("to day");
        to.setPrefWidth(130);
        to.valueProperty().bindBidirectional(vm.toDateProperty());

        Button search = Forms.button("activity-search", "Search", Feather.SEARCH, "Apply the filters (Enter in the actor field)");
        search.setOnAction(e -> vm.search());
        Button refresh = Forms.button("activity-refresh", "Refresh", Feather.REFRESH_CW, "Ask the server again (F5 or Ctrl+R)");
        refresh.setOnAction(e -> refresh());

        FlowPane filters = new FlowPane(8, 8, labeled("App", app), labeled("Actor", actor), labeled("Action", action),
                labeled("From", from), labeled("To", to), search, refresh);
        filters.setAlignment(Pos.CENTER_LEFT);
        Label fetched = new Label();
        fetched.setId("activity-fetched-at");
        fetched.getStyleClass().addAll(Styles.TEXT_MUTED, Styles.TEXT_SMALL);
        fetched.textProperty().bind(Bindings.createStringBinding(() -> vm.fetchedAtProperty().get() == null ? ""
                : "Fetched " + Times.format(vm.fetchedAtProperty().get()), vm.fetchedAtProperty()));
        Label problem = Forms.message("activity-message", vm.messageProperty(), Styles.DANGER);
        VBox top = new VBox(8, title, filters, fetched, problem);
        top.getStyleClass().add("page-header");
        return top;
    }

    private static Node labeled(String text, Node control) {
        Label l = new Label(text);
        l.setLabelFor(control);
        HBox box = new HBox(4, l, control);
        box.setAlignment(Pos.CENTER_LEFT);
        return box;
    }

    private Node tableWithMore() {
        table.setId("activity-table");
        table.setItems(vm.entries());
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        Label placeholder = new Label();
        placeholder.textProperty().bind(Bindings.createStringBinding(() -> vm.loadingProperty().get() ? "Loading…"
                : vm.fetchedAtProperty().get() == null ? "Nothing loaded yet." : "No entries match these filters.",
                vm.loadingProperty(), vm.fetchedAtProperty()));
        table.setPlaceholder(placeholder);
        TableColumn<AuditEntry, String> time = column("Time", 130, e -> Times.format(e.at()));
        time.setCellFactory(col -> new javafx.scene.control.TableCell<>() {
            @Override
            protected void updateItem(String item, boolean empty) {
                super.updateItem(item, empty);
                AuditEntry e = empty || getTableRow() == null ? null : getTableRow().getItem();
                setText(empty ? null : item);
                setTooltip(e == null ? null : new javafx.scene.control.Tooltip(Times.withUtc(e.at())));
            }
        });
        table.getColumns().add(time);
        table.getColumns().add(column("Actor", 180, AuditEntry::actor));
        table.getColumns().add(column("Action", 140, AuditEntry::action));
        table.getColumns().add(column("App", 150, e -> e.appId() == null ? "–" : e.appId()));
        table.getColumns().add(column("Target", 200, AuditEntry::target));
        table.getColumns().add(column("Detail", 260, e -> e.detail() == null ? ""
                : ActivityViewModel.readable(e.detail(), false).replace('\n', ' ')));
        table.getSelectionModel().selectedItemProperty().addListener((obs, old, now) -> vm.selectedProperty().set(now));
        vm.selectedProperty().addListener((obs, old, now) -> {
            if (table.getSelectionModel().getSelectedItem() != now) {
                table.getSelectionModel().select(now);
            }
        });
        Button more = Forms.button("activity-more", "Load more", Feather.CHEVRONS_DOWN, "The next, older entries");
        more.disableProperty().bind(vm.moreProperty().not().or(vm.loadingProperty()));
        more.setOnAction(e -> vm.loadMore());
        Label count = new Label();
        count.setId("activity-count");
        count.getStyleClass().addAll(Styles.TEXT_MUTED, Styles.TEXT_SMALL);
        count.textProperty().bind(Bindings.createStringBinding(() -> vm.entries().size() + " entries"
                + (vm.moreProperty().get() ? ", more on the server" : ""), vm.entries(), vm.moreProperty()));
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        HBox bar = new HBox(8, count, spacer, more);
        bar.setAlignment(Pos.CENTER_LEFT);
        bar.setPadding(new Insets(6, 0, 0, 0));
        VBox box = new VBox(table, bar);
        VBox.setVgrow(table, Priority.ALWAYS);
        return box;
    }

    private static TableColumn<AuditEntry, String> column(String title, double width, Function<AuditEntry, String> value) {
        TableColumn<AuditEntry, String> c = new TableColumn<>(title);
        c.setCellValueFactory(cell -> new ReadOnlyStringWrapper(value.apply(cell.getValue())));
        c.setPrefWidth(width);
        return c;
    }

    @Override
    public String id() {
        return "activity";
    }

    @Override
    public String title() {
        return "Activity";
    }

    @Override
    public Ikon icon() {
        return Feather.LIST;
    }

    @Override
    public Node view() {
        return root;
    }

    @Override
    public ReadOnlyObjectProperty<Instant> dataFetchedAtProperty() {
        return vm.fetchedAtProperty();
    }

    @Override
    public void refresh() {
        vm.search();
    }

    @Override
    public void shown() {
        vm.search();
    }
}
