package dev.patchbay.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patchbay.domain.Json;
import dev.patchbay.harness.Fleet;
import dev.patchbay.harness.FleetRound;
import dev.patchbay.server.RunningServer;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The fleet update of {@link ClusterFleetBenchmark} as a staged rollout ({@code --plan 10,50,100 --soak S}): the
 * rollout is started on instance B with a plan whose stages advance by themselves (the rollout supervisor, on
 * whichever instance holds its lease) after their soak and a {@code healthy} gate, and the devices run app sessions
 * in rounds ({@link Fleet#round}): each session checks, and a device its stage selects downloads, installs and
 * confirms the target. Rounds repeat until the rollout is completed and every device runs the target.
 */
final class StagedFleetRollout {
    private StagedFleetRollout() {
    }

    /** Answers how many devices ended on the target. */
    static int run(RunningServer on, Fleet fleet, List<Integer> percents, int soakSeconds, int devices, int threads,
            Duration timeout) throws Exception {
        StringBuilder stages = new StringBuilder();
        for (int p : percents) {
            stages.append(stages.length() == 0 ? "" : ",").append("{\"bps\":").append(p * 100)
                    .append(",\"minSoakSeconds\":").append(soakSeconds).append(",\"gate\":\"healthy\"}");
        }
        // The health gate needs enough attempts to call a stage healthy: a twentieth of the fleet, at most 50.
        long minAttempts = Math.max(1, Math.min(50, devices / 20));
        String body = "{\"targetBundle\":\"1.1.0\",\"plan\":{\"auto\":true,\"stages\":[" + stages + "]},"
                + "\"health\":{\"windowSeconds\":3600,\"threshold\":0.05,\"confidence\":0.95,\"minAttempts\":"
                + minAttempts + ",\"minFailures\":5,\"cooldownSeconds\":0,\"action\":\"pause\"},"
                + "\"reason\":\"cluster fleet benchmark\"}";
        HttpResponse<String> started = on.send("POST", path(), body, on.adminKey, "application/json");
        if (started.statusCode() != 201) {
            throw new IllegalStateException("rollout start: " + started.statusCode() + " " + started.body());
        }
        System.out.printf(Locale.ROOT, "rollout of 1.1.0 started on B: plan %s %%, soak %d s and a healthy gate"
                + " (min %d attempts) per stage; rounds of app sessions, %d at once%n", percents, soakSeconds,
                minAttempts, threads * 2);
        long t0 = System.nanoTime();
        long deadline = t0 + timeout.toNanos();
        int onTarget = 0;
        while (System.nanoTime() < deadline) {
            JsonNode before = rollout(on);
            FleetRound round = fleet.round(Duration.ofMinutes(10), threads * 2);
            JsonNode after = rollout(on);
            onTarget = round.byBundle().getOrDefault("1.1.0", 0);
            System.out.printf(Locale.ROOT, "%7.1f s  round %d in %.1f s at %s %% -> %s %% (%s): %s%n",
                    (System.nanoTime() - t0) / 1e9, round.number(), round.wall().toNanos() / 1e9,
                    before.path("bps").asInt() / 100.0, after.path("bps").asInt() / 100.0,
                    after.path("state").asText(), round.byOutcome());
            if (round.errors() > 0 || round.count("rolled_back") > 0 || round.count("timeout") > 0) {
                round.sessions().stream().filter(x -> !x.outcome().equals("updated")
                        && !x.outcome().equals("up_to_date")).limit(10).forEach(x -> System.out.println("  "
                        + x.serial() + " " + x.outcome() + " " + x.detail()));
            }
            if (after.path("state").asText().equals("completed") && onTarget == devices) {
                break;
            }
            if (!after.path("state").asText().equals("running") && !after.path("state").asText().equals("completed")) {
                System.out.println("rollout stopped: " + after.path("state").asText() + ": "
                        + after.path("reason").asText());
                break;
            }
            if (round.count("updated") == 0 && before.path("bps").asInt() == after.path("bps").asInt()) {
                Thread.sleep(1000); // the stage soaks: the devices come back a little later
            }
        }
        System.out.printf(Locale.ROOT, "rollout: %,d of %,d devices on 1.1.0 after %.1f s; its changes: %s%n",
                onTarget, devices, (System.nanoTime() - t0) / 1e9, history(on));
        return onTarget;
    }

    private static String path() {
        return "/api/v1/apps/" + FleetBenchmark.APP + "/channels/production/rollout";
    }

    private static JsonNode rollout(RunningServer on) throws Exception {
        HttpResponse<String> r = on.send("GET", path(), null, on.adminKey, "application/json");
        JsonNode n = Json.mapper().readTree(r.body());
        return n.has("rollout") ? n.get("rollout") : n;
    }

    private static List<String> history(RunningServer on) throws Exception {
        JsonNode r = rollout(on);
        HttpResponse<String> h = on.send("GET", "/api/v1/apps/" + FleetBenchmark.APP + "/rollouts/"
                + r.path("id").asText() + "/history", null, on.adminKey, "application/json");
        JsonNode n = Json.mapper().readTree(h.body());
        JsonNode list = n.has("items") ? n.get("items") : n;
        java.util.ArrayList<String> out = new java.util.ArrayList<>();
        for (JsonNode c : list) {
            out.add(c.path("toBps").asInt() / 100.0 + " % " + c.path("toState").asText() + " by "
                    + c.path("actor").asText() + " at " + c.path("at").asText());
        }
        return out;
    }
}
