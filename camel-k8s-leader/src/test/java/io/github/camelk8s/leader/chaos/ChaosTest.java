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
 * well-formed Lease.
 * <p>
 * The default build runs a few fixed schedules. {@code -Pchaos} runs many ({@code chaos.schedules}, from a random
 * first seed unless {@code chaos.firstSeed} is given) and prints a summary line; {@code -Dchaos.seed=S} replays the
 * schedule of one seed. Every failure names its seed.
 */
class ChaosTest {

    /** The schedules of the default build: fixed, so that a failure there is reproducible. */
    private static final long DEFAULT_FIRST_SEED = 20_261_129L;
    private static final int DEFAULT_SCHEDULES = 4;

    private static final List<ChaosRun.Result> RESULTS = new CopyOnWriteArrayList<>();

    @TestFactory
    Stream<DynamicTest> randomizedFaultSchedulesNeverRunTheLeaderOnlyRouteInTwoPodsAtOnce() {
        return seeds().mapToObj(seed -> DynamicTest.dynamicTest("seed " + seed, () -> {
            ChaosRun.Result result = ChaosRun.run(Schedule.generate(seed), Timings.chaos());
            RESULTS.add(result);
            System.out.println(result.report());
            assertThat(result.verdict().violations()).as(result.report()).isEmpty();
        }));
    }

    private static LongStream seeds() {
        String replay = System.getProperty("chaos.seed");
        if (replay != null && !replay.isBlank()) {
            return LongStream.of(Long.parseLong(replay.trim()));
        }
        int schedules = Integer.getInteger("chaos.schedules", DEFAULT_SCHEDULES);
        String first = System.getProperty("chaos.firstSeed", "");
        long firstSeed = first.isBlank() ? (schedules > DEFAULT_SCHEDULES ? System.nanoTime() : DEFAULT_FIRST_SEED)
                : Long.parseLong(first.trim());
        return LongStream.range(firstSeed, firstSeed + schedules);
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
        String line = String.format("chaos: %d schedules, %d overlaps, max recovery %d ms"
                                    + " (%d recoveries checked, %d failed schedules, %d steps resumed after a pause)",
                RESULTS.size(), overlaps, maxRecovery, recoveries, failed, resumed);
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
