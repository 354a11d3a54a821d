package dev.patchbay.harness;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One round of a {@link Fleet} ({@link Fleet#round}): every device had one app session (cold start or back from the
 * background, the runtime's update check and whatever followed, then background or killed).
 *
 * @param number   1, 2, ... for the fleet's rounds
 * @param wall     how long the round took
 * @param sessions each device's session, in device order
 * @param rollbacksSoFar rollbacks in this and every earlier round of the fleet
 */
public record FleetRound(int number, Duration wall, List<Session> sessions, int rollbacksSoFar) {

    /**
     * One device's session in a round.
     *
     * @param outcome {@code up_to_date} (the check changed nothing), {@code updated} (a new bundle confirmed itself),
     *                {@code rolled_back} (the runtime rolled a bundle back), {@code crashed} (the app died in the
     *                session), {@code error} (check, download or verification failed), {@code timeout}
     * @param bundle  the bundle version the device runs (or will boot) after the session
     * @param detail  the reason for anything but {@code up_to_date}/{@code updated}, else null
     */
    public record Session(String serial, String deviceId, String outcome, String bundle, String detail) {
    }

    /** Devices per bundle version they run after this round. */
    public Map<String, Integer> byBundle() {
        Map<String, Integer> out = new TreeMap<>();
        sessions.forEach(s -> out.merge(String.valueOf(s.bundle()), 1, Integer::sum));
        return out;
    }

    /** Sessions per outcome. */
    public Map<String, Integer> byOutcome() {
        Map<String, Integer> out = new TreeMap<>();
        sessions.forEach(s -> out.merge(s.outcome(), 1, Integer::sum));
        return out;
    }

    public int count(String outcome) {
        return (int) sessions.stream().filter(s -> s.outcome().equals(outcome)).count();
    }

    /** Devices whose session ended in {@code error} or {@code timeout}. */
    public int errors() {
        return count("error") + count("timeout");
    }

    /** A one-line summary: bundles, outcomes. */
    public String line() {
        return "round " + number + " (" + wall.toMillis() + " ms): " + sessions.size() + " devices, by bundle "
                + byBundle() + "; updated " + count("updated") + ", rolled back " + count("rolled_back")
                + " (" + rollbacksSoFar + " so far), crashed " + count("crashed") + ", errors " + count("error")
                + ", timeouts " + count("timeout");
    }
}
