package dev.patchbay.harness;

import java.util.function.Consumer;

/**
 * One incarnation of the emulated app's process. Ports created for it refuse every use once it is dead, so a runtime
 * left over from a killed process can no longer touch the device's disk or network.
 */
final class AppProcess {
    private final int pid;
    private final KillSwitch killSwitch;
    private final Consumer<String> onDeath;
    private volatile String deathReason;

    AppProcess(int pid, KillSwitch killSwitch, Consumer<String> onDeath) {
        this.pid = pid;
        this.killSwitch = killSwitch;
        this.onDeath = onDeath;
    }

    int pid() {
        return pid;
    }

    boolean alive() {
        return deathReason == null;
    }

    String deathReason() {
        return deathReason;
    }

    /** Throws {@link ProcessKilled} if this process is dead. */
    void checkAlive() {
        String r = deathReason;
        if (r != null) {
            throw new ProcessKilled("process " + pid + " is dead (" + r + ")");
        }
    }

    /** Called before every persisted write; the kill switch may end the process here. */
    void beforeWrite(String what) {
        checkAlive();
        if (killSwitch.count(what)) {
            String reason = "killed by the kill switch at write " + killSwitch.writes() + ": " + what;
            die(reason);
            throw new ProcessKilled(reason);
        }
    }

    /** Marks the process dead; true if it was alive. */
    boolean die(String reason) {
        synchronized (this) {
            if (deathReason != null) {
                return false;
            }
            deathReason = reason;
        }
        onDeath.accept(reason);
        return true;
    }
}
