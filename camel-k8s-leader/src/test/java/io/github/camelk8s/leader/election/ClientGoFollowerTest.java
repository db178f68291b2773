package io.github.camelk8s.leader.election;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client-go follower compares the record at one-second precision (metav1.Time), so two writes of our leader
 * within one wall-clock second look like one to it, and it times the expiry from the first: it may take over up to
 * a second early. Our candidates lead, renew, are cut off; the client-go follower takes over. Whether it waits until
 * the leader's validity has ended depends on leaseDuration - renewDeadline and on how far apart the leader's writes
 * are, renewals and their retries alike.
 */
@Tag("simulation")
class ClientGoFollowerTest {

    private static final long SCHEDULES = 2_000;

    @Test
    void takesOverEarlyWhenTheMarginIsOneSecondOrLessAndRenewalsComeFaster() {
        assertTakesOverEarly(Schedule.Family.SUB_SECOND_MARGIN);
    }

    @Test
    void takesOverEarlyWhenRenewalsAreOneSecondApartButRetriesComeFaster() {
        assertTakesOverEarly(Schedule.Family.SECOND_APART_RENEWALS_FAST_RETRIES);
    }

    @Test
    void waitsForTheValidityWhenTheMarginExceedsOneSecond() {
        assertWaits(Schedule.Family.WIDE_MARGIN);
    }

    @Test
    void waitsForTheValidityWhenRenewalsAndRetriesAreOneSecondApart() {
        assertWaits(Schedule.Family.SECOND_APART_RENEWALS);
    }

    @Test
    void theCoreWarnsAtStartExactlyWhenClientGoMayTakeOverEarly() {
        assertThat(warnsAtStart(Schedule.Family.SUB_SECOND_MARGIN)).isTrue();
        assertThat(warnsAtStart(Schedule.Family.SECOND_APART_RENEWALS_FAST_RETRIES)).isTrue();
        assertThat(warnsAtStart(Schedule.Family.WIDE_MARGIN)).isFalse();
        assertThat(warnsAtStart(Schedule.Family.SECOND_APART_RENEWALS)).isFalse();
    }

    private static void assertTakesOverEarly(Schedule.Family family) {
        long first = SimulationRunner.firstFailure(family, 1, SCHEDULES, 2, Simulation.REAL_CORE);
        assertThat(first).as("a schedule of %s in which client-go takes over early", family).isNotNegative();
        SimulationInvariants.Violation violation = Simulation.run(Schedule.generate(family, 1 + first),
                Simulation.REAL_CORE, 0).violation();
        assertThat(violation.rule()).isIn("a", "d");
        assertThat(violation.message()).contains("client-go");
    }

    private static void assertWaits(Schedule.Family family) {
        SimulationRunner.Summary<Simulation.Result> summary = SimulationRunner.run(family, 1, SCHEDULES, 2,
                Simulation.REAL_CORE, 0, done -> {
                });
        assertThat(summary.failures().stream().map(f -> f.schedule().key() + " " + f.violation().describe()))
                .isEmpty();
    }

    private static boolean warnsAtStart(Schedule.Family family) {
        LeaderElectionConfig config = Schedule.generate(family, 1).pods().get(0).config();
        List<ElectionAction> actions = new ElectionCore(config).on(new ElectionInput.Start(), 0, Instant.EPOCH);
        return actions.stream().anyMatch(a -> a instanceof ElectionAction.Report r
                                              && r.kind() == ElectionAction.Report.Kind.PROBLEM
                                              && r.message().contains("one-second precision"));
    }
}
