package io.github.camelk8s.leader.chaos;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs fault schedules as dynamic tests, one per seed, each judged by the {@link HistoryChecker}, and sums them up in
 * one line: the quick schedules of the default build ({@link ChaosTest}) and the long run ({@link ChaosIT}).
 */
final class ChaosSuite {

    private ChaosSuite() {
    }

    /** One test per seed; each run's result is added to {@code results} for the summary. */
    static Stream<DynamicTest> schedules(LongStream seeds, List<ChaosRun.Result> results) {
        return seeds.mapToObj(seed -> DynamicTest.dynamicTest("seed " + seed, () -> {
            ChaosRun.Result result = ChaosRun.run(Schedule.generate(seed), ChaosTimings.TIMINGS);
            results.add(result);
            HistoryChecker.Verdict verdict = result.verdict();
            System.out.printf("chaos seed %d: %s, max recovery %d ms%n", seed, verdict.passed() ? "ok"
                    : verdict.violations().size() + " violations", verdict.maxRecoveryNanos() / 1_000_000);
            if (!verdict.passed() || Boolean.getBoolean("chaos.verbose")) {
                System.out.println(result.report());
            }
            assertThat(verdict.violations()).as(result.report()).isEmpty();
        }));
    }

    /** Prints the summary line of the runs (and the seeds that failed), also to target/chaos-summary.txt. */
    static void summarize(List<ChaosRun.Result> results) throws IOException {
        if (results.isEmpty()) {
            return;
        }
        long overlaps = results.stream().mapToLong(r -> r.verdict().overlaps()).sum();
        long maxRecovery = results.stream().mapToLong(r -> r.verdict().maxRecoveryNanos()).max().orElse(0) / 1_000_000;
        long failed = results.stream().filter(r -> !r.verdict().passed()).count();
        long recoveries = results.stream().mapToLong(r -> r.verdict().recoveries()).sum();
        long resumed = results.stream().mapToLong(r -> r.verdict().resumedSteps()).sum();
        long excused = results.stream().mapToLong(r -> r.verdict().excusedOverlaps()).sum();
        long reelections = results.stream().mapToLong(r -> r.verdict().reelections()).sum();
        long takeovers = results.stream().mapToLong(r -> r.verdict().singlePodFaults()).sum();
        String line = String.format("chaos: %d schedules, %d overlaps, max recovery %d ms (%d recoveries and %d"
                                    + " single-pod faults checked, %d failed schedules, %d steps resumed after a pause,"
                                    + " %d overlaps of such a remainder with a correct takeover excused, %d terms"
                                    + " elected by a renewal in flight at the previous LOST)",
                results.size(), overlaps, maxRecovery, recoveries, takeovers, failed, resumed, excused, reelections);
        StringBuilder failures = new StringBuilder();
        results.stream().filter(r -> !r.verdict().passed())
                .forEach(r -> failures.append("failed: seed ").append(r.schedule().seed()).append('\n'));
        System.out.println(line);
        System.out.print(failures);
        Path target = Path.of("target");
        if (Files.isDirectory(target)) {
            Files.writeString(target.resolve("chaos-summary.txt"), line + "\n" + failures, StandardCharsets.UTF_8);
        }
    }
}
