package io.github.camelk8s.leader.chaos;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The long chaos run ({@code mvn -B verify -Pchaos -pl camel-k8s-leader -am}, docs/reliability.md): the schedules of
 * {@code chaos.schedules} consecutive seeds, from {@code chaos.firstSeed} or a random one, judged as
 * {@link ChaosTest} judges its few, then one summary line, also written to {@code target/chaos-summary.txt}. A
 * failsafe integration test, so the default build never runs it.
 */
class ChaosIT {

    private static final List<ChaosRun.Result> RESULTS = new CopyOnWriteArrayList<>();

    @TestFactory
    Stream<DynamicTest> randomizedFaultSchedulesNeverRunTheLeaderOnlyRouteInTwoPodsAtOnce() {
        int schedules = Integer.parseInt(System.getProperty("chaos.schedules", "200").trim());
        String first = System.getProperty("chaos.firstSeed", "");
        long firstSeed = first.isBlank() ? Math.abs(System.nanoTime() % 1_000_000_000L) : Long.parseLong(first.trim());
        System.out.println("chaos: seeds " + firstSeed + ".." + (firstSeed + schedules - 1));
        return ChaosSuite.schedules(LongStream.range(firstSeed, firstSeed + schedules), RESULTS);
    }

    @AfterAll
    static void summary() throws IOException {
        ChaosSuite.summarize(RESULTS);
    }
}
