package io.github.camelk8s.leader.chaos;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Randomized fault schedules over 3 to 5 Camel pods, each judged by the {@link HistoryChecker}: never two pods
 * processing a leader-only route at once, a leader back soon after the faults end, one LOST per ELECTED, a
 * well-formed Lease, every term elected by the pod's own write, steps only while the elector leads, takeovers only
 * after the previous holder's hold has ended and releases only after the pod's steps have ended.
 * <p>
 * The default build runs a few fixed schedules. {@code -Pchaos} runs many ({@code chaos.schedules} consecutive seeds,
 * from a random first seed unless {@code chaos.firstSeed} is given) and prints a summary line, also written to
 * {@code target/chaos-summary.txt}; {@code -Dchaos.seed=S} replays the schedule of one seed and
 * {@code -Dchaos.verbose=true} prints every run's schedule (with {@code -Dchaos.timeline=true}, its whole
 * timeline). Every failure prints its seed, its schedule and the timeline around each violation.
 */
class ChaosTest {

    /**
     * The schedules of the default build: fixed, so that a failure there is reproducible, and chosen to strike
     * where the suite has found bugs and where the engine's timing is tightest.
     */
    private static final long[] QUICK_SEEDS = {
            1290, // 409 on the leader's writes, then its network 1.65 s slow (> renewDeadline) for 6.7 s
            14, // the leader paused 7.4 s, then everyone partitioned, then the leader paused 2.4 s (> leaseDuration)
            7, // the leader's connections reset, the leader paused 3.9 s, the whole API server down for 3.9 s
            29, // the leader paused 1.7 s (< leaseDuration), its watch dropped, 503 on its requests, its requests hang
            251, // a follower hangs, every watch stalls, the API server down 3.8 s, 429 on the leader's requests
            843655991, // everyone 1.58 s slow, then 429 on every write: handovers while the last pods are stopping
    };

    private static final List<ChaosRun.Result> RESULTS = new CopyOnWriteArrayList<>();

    @TestFactory
    Stream<DynamicTest> randomizedFaultSchedulesNeverRunTheLeaderOnlyRouteInTwoPodsAtOnce() {
        return seeds().mapToObj(seed -> DynamicTest.dynamicTest("seed " + seed, () -> {
            ChaosRun.Result result = ChaosRun.run(Schedule.generate(seed), Timings.chaos());
            RESULTS.add(result);
            HistoryChecker.Verdict verdict = result.verdict();
            System.out.printf("chaos seed %d: %s, max recovery %d ms%n", seed, verdict.passed() ? "ok"
                    : verdict.violations().size() + " violations", verdict.maxRecoveryNanos() / 1_000_000);
            if (!verdict.passed() || Boolean.getBoolean("chaos.verbose")) {
                System.out.println(result.report());
            }
            assertThat(verdict.violations()).as(result.report()).isEmpty();
        }));
    }

    private static LongStream seeds() {
        String replay = System.getProperty("chaos.seed");
        if (replay != null && !replay.isBlank()) {
            return LongStream.of(Long.parseLong(replay.trim()));
        }
        String schedules = System.getProperty("chaos.schedules", "");
        if (schedules.isBlank()) {
            return LongStream.of(QUICK_SEEDS);
        }
        String first = System.getProperty("chaos.firstSeed", "");
        long firstSeed = first.isBlank() ? Math.abs(System.nanoTime() % 1_000_000_000L) : Long.parseLong(first.trim());
        System.out.println("chaos: seeds " + firstSeed + ".." + (firstSeed + Integer.parseInt(schedules.trim()) - 1));
        return LongStream.range(firstSeed, firstSeed + Integer.parseInt(schedules.trim()));
    }

    @AfterAll
    static void summary() throws IOException {
        if (RESULTS.isEmpty()) {
            return;
        }
        long overlaps = RESULTS.stream().mapToLong(r -> r.verdict().overlaps()).sum();
        long maxRecovery = RESULTS.stream().mapToLong(r -> r.verdict().maxRecoveryNanos()).max().orElse(0) / 1_000_000;
        long failed = RESULTS.stream().filter(r -> !r.verdict().passed()).count();
        long recoveries = RESULTS.stream().mapToLong(r -> r.verdict().recoveries()).sum();
        long resumed = RESULTS.stream().mapToLong(r -> r.verdict().resumedSteps()).sum();
        long excused = RESULTS.stream().mapToLong(r -> r.verdict().excusedOverlaps()).sum();
        long reelections = RESULTS.stream().mapToLong(r -> r.verdict().reelections()).sum();
        long takeovers = RESULTS.stream().mapToLong(r -> r.verdict().singlePodFaults()).sum();
        String line = String.format("chaos: %d schedules, %d overlaps, max recovery %d ms (%d recoveries and %d"
                                    + " single-pod faults checked, %d failed schedules, %d steps resumed after a pause,"
                                    + " %d overlaps of such a remainder with a correct takeover excused, %d terms"
                                    + " elected by a renewal in flight at the previous LOST)",
                RESULTS.size(), overlaps, maxRecovery, recoveries, takeovers, failed, resumed, excused, reelections);
        StringBuilder failures = new StringBuilder();
        RESULTS.stream().filter(r -> !r.verdict().passed())
                .forEach(r -> failures.append("failed: seed ").append(r.schedule().seed()).append('\n'));
        System.out.println(line);
        System.out.print(failures);
        Path target = Path.of("target");
        if (Files.isDirectory(target)) {
            Files.writeString(target.resolve("chaos-summary.txt"), line + "\n" + failures, StandardCharsets.UTF_8);
        }
    }
}
