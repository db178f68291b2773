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
 * The simulator has teeth: every {@link CoreMutants deliberately broken core} breaks an invariant within the first
 * {@value #BUDGET} schedules of the default family. Prints one line, {@code mutants: K of N caught}, and writes which
 * schedule caught each and by which rule to {@code target/simulation-mutants.txt}.
 */
@Tag("simulation")
class MutantsTest {

    private static final long BUDGET = 10_000;
    private static final long FIRST_SEED = 1;
    private static final Map<CoreMutants, SimulationInvariants.Violation> CAUGHT = new EnumMap<>(CoreMutants.class);
    private static final Map<CoreMutants, Long> AFTER = new EnumMap<>(CoreMutants.class);

    @ParameterizedTest(name = "{0}")
    @EnumSource(CoreMutants.class)
    void isCaughtWithinTheBudget(CoreMutants mutant) {
        long index = SimulationRunner.firstFailure(Schedule.Family.RANDOM, FIRST_SEED, BUDGET,
                Integer.getInteger("simulation.threads", 2), mutant::core);
        synchronized (CAUGHT) {
            AFTER.put(mutant, index);
            if (index >= 0) {
                CAUGHT.put(mutant, Simulation.run(Schedule.generate(Schedule.Family.RANDOM, FIRST_SEED + index),
                        mutant::core, 0).violation());
            }
        }
        assertThat(index).as("%s survived %d schedules", mutant, BUDGET).isNotNegative();
    }

    @AfterAll
    static void summary() throws IOException {
        MutantsSummary.tell("mutants", "simulation-mutants.txt", AFTER, CAUGHT, BUDGET, FIRST_SEED);
    }
}
