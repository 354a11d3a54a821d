package dev.patchbay.console.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javafx.application.Platform;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.framework.junit5.ApplicationExtension;

@ExtendWith(ApplicationExtension.class)
class TaskRunnerTest {
    @Test
    void currentThreadRunnerDeliversSuccessErrorAndFinally() {
        List<String> seen = new ArrayList<>();
        TaskRunner tasks = new CurrentThreadTaskRunner();
        tasks.create("ok", () -> 42).onSuccess(v -> seen.add("ok " + v)).andFinally(() -> seen.add("finally")).run();
        tasks.create("boom", () -> {
            throw new IllegalStateException("broken");
        }).onSuccess(v -> seen.add("wrong")).onError(e -> seen.add("error " + e.getMessage())).run();
        assertEquals(List.of("ok 42", "finally", "error broken"), seen);
        assertEquals("", tasks.activityProperty().get());
    }

    @Test
    void fxRunnerWorksOffTheFxThreadAndDeliversOnIt() throws Exception {
        FxTaskRunner tasks = new FxTaskRunner();
        AtomicReference<String> workThread = new AtomicReference<>();
        AtomicReference<Boolean> deliveredOnFx = new AtomicReference<>();
        AtomicReference<String> activityWhileRunning = new AtomicReference<>();
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(1);
        Platform.runLater(() -> {
            tasks.create("Counting sheep", () -> {
                workThread.set(Thread.currentThread().getName());
                release.await(5, TimeUnit.SECONDS);
                return 1;
            }).onSuccess(v -> {
                deliveredOnFx.set(Platform.isFxApplicationThread());
                done.countDown();
            }).run();
            activityWhileRunning.set(tasks.activityProperty().get());
        });
        release.countDown();
        assertTrue(done.await(5, TimeUnit.SECONDS));
        assertTrue(workThread.get().startsWith("patchbay-task-"), workThread.get());
        assertEquals(Boolean.TRUE, deliveredOnFx.get());
        assertEquals("Counting sheep", activityWhileRunning.get());
        tasks.shutdown();
    }
}
