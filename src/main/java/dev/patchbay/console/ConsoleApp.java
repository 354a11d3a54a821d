package dev.patchbay.console;

import javafx.application.Application;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.stage.Stage;

/** The JavaFX application (being built: shell, sandbox, pages). */
public final class ConsoleApp extends Application {
    public static void main(String[] args) {
        Application.launch(ConsoleApp.class, args);
    }

    @Override
    public void start(Stage stage) {
        stage.setTitle("Patchbay");
        stage.setScene(new Scene(new Label("Patchbay"), 1000, 700));
        stage.show();
    }
}
