import dev.patchbay.domain.RolloutBucket;
import java.util.Random;
import java.util.UUID;

/**
 * For bench/update-checks.sh --rollout: prints N device ids (from SEED) and whether the rollout selects each
 * ("<deviceId> 1" or "<deviceId> 0"), using the server's own bucket function. Run as a single-file program:
 * {@code java --class-path target/patchbay.jar bench/RolloutPool.java <rolloutId> <bps> <N> <SEED>}.
 */
public class RolloutPool {
    public static void main(String[] args) {
        String rollout = args[0];
        int bps = Integer.parseInt(args[1]);
        int n = Integer.parseInt(args[2]);
        Random random = new Random(Long.parseLong(args[3]));
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < n; i++) {
            String id = new UUID((random.nextLong() & ~0xF000L) | 0x4000L,
                    (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L).toString();
            out.append(id).append(RolloutBucket.selected(rollout, id, bps) ? " 1\n" : " 0\n");
        }
        System.out.print(out);
    }
}
