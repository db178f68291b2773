package io.github.camelk8s.leader.election;

import java.io.IOException;
import java.util.EnumMap;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rebalancing simulator has teeth: every {@link RebalancingMutants deliberately broken decision} breaks a rule
 * within the first {@value #BUDGET} schedules of the default family. Prints one line, {@code rebalancing mutants: K
 * of N caught}, and writes which schedule caught each and by which rule to {@code target/rebalancing-mutants.txt}.
 */
@Tag("simulation")
class RebalancingMutantsTest {

    private static final long BUDGET = 200;
    private static final long FIRST_SEED = 1;
    private static final Map<RebalancingMutants, SimulationInvariants.Violation> CAUGHT =
            new EnumMap<>(RebalancingMutants.class);
    private static final Map<RebalancingMutants, Long> AFTER = new EnumMap<>(RebalancingMutants.class);

    @ParameterizedTest(name = "{0}")
    @EnumSource(RebalancingMutants.class)
    void isCaughtWithinTheBudget(RebalancingMutants mutant) {
        long index = SimulationRunner.firstFailure(FIRST_SEED, BUDGET, Integer.getInteger("simulation.threads", 2),
                seed -> run(mutant, seed).failed());
        synchronized (CAUGHT) {
            AFTER.put(mutant, index);
            if (index >= 0) {
                CAUGHT.put(mutant, run(mutant, FIRST_SEED + index).violation());
            }
        }
        assertThat(index).as("%s survived %d schedules", mutant, BUDGET).isNotNegative();
    }

    private static RebalancingSimulation.Result run(RebalancingMutants mutant, long seed) {
        return RebalancingSimulation.run(RebalancingSchedule.generate(RebalancingSchedule.Family.MEMBERS, seed),
                mutant.maker(), 0);
    }

    @AfterAll
    static void summary() throws IOException {
        MutantsSummary.tell("rebalancing mutants", "rebalancing-mutants.txt", AFTER, CAUGHT, BUDGET, FIRST_SEED);
    }
}
