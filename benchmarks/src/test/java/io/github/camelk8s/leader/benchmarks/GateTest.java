package io.github.camelk8s.leader.benchmarks;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** -Dbenchmarks.enforce=true fails the run on a target not met, and says which; without it, nothing changes. */
class GateTest {

    private static final Results.Target MET = new Results.Target("5. Start-up", "context start to ELECTED ≤ 100 ms",
            "p50 36.3 ms, p95 53.6 ms", true, "");
    private static final Results.Target NOT_MET = new Results.Target("4. Scale",
            "≤ 8 threads added by the component (1000 Leases)", "13 steady, 150 at the peak", false,
            "the shared client's executor");
    private static final Results.Target ALSO_NOT_MET = new Results.Target("6b. Rebalancing",
            "no Lease without a leader for longer than 100 ms in a graceful move", "longest 232 ms", false, "");

    @Test
    void enforcedRunWithATargetNotMetExitsNonZero() {
        assertThat(Gate.status(List.of(MET, NOT_MET), true)).isEqualTo(Gate.NOT_MET).isNotZero();
    }

    @Test
    void enforcedRunWithEveryTargetMetExitsZero() {
        assertThat(Gate.status(List.of(MET, MET), true)).isZero();
    }

    @Test
    void runNotEnforcedExitsZeroWhateverTheTargets() {
        assertThat(Gate.status(List.of(MET, NOT_MET, ALSO_NOT_MET), false)).isZero();
    }

    @Test
    void enforcedRunThatMeasuredNoTargetExitsZero() {
        assertThat(Gate.status(List.of(), true)).isZero();
    }

    @Test
    void reportListsEveryTargetNotMetWithWhatWasMeasuredAndNoTargetMet() {
        String report = Gate.report(List.of(NOT_MET, MET, ALSO_NOT_MET));

        assertThat(report.lines()).containsExactly(
                "2 of 3 targets NOT MET (-Dbenchmarks.enforce=true):",
                "  - [4. Scale] ≤ 8 threads added by the component (1000 Leases): 13 steady, 150 at the peak "
                + "(the shared client's executor)",
                "  - [6b. Rebalancing] no Lease without a leader for longer than 100 ms in a graceful move: "
                + "longest 232 ms");
    }
}
