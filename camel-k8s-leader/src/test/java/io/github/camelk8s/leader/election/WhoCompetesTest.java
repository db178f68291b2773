package io.github.camelk8s.leader.election;

import java.time.Duration;
import java.util.List;

import io.github.camelk8s.leader.election.ElectionAction.Elected;
import io.github.camelk8s.leader.election.ElectionAction.Lost;
import io.github.camelk8s.leader.election.ElectionAction.Report;
import io.github.camelk8s.leader.election.ElectionInput.Readiness;
import io.github.camelk8s.leader.election.ElectionInput.TimerFired;
import io.github.camelk8s.leader.election.ElectionInput.Watched;
import io.github.camelk8s.leader.election.ElectionInput.Written;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import static io.github.camelk8s.leader.election.ElectionCoreTest.armedAt;
import static io.github.camelk8s.leader.election.ElectionCoreTest.of;
import static io.github.camelk8s.leader.election.ElectionCoreTest.sent;
import static io.github.camelk8s.leader.election.ElectionCoreTest.written;
import static io.github.camelk8s.leader.election.CoreDriver.nanos;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * When a candidate writes the Lease at all: an observer never does, a candidate behind a readinessGate only while
 * its process is ready, and nobody competes for a Lease a coordination controller owns. On virtual time, default
 * timings (leaseDuration 15 s, renewDeadline 10 s, renewalInterval 2 s).
 */
class WhoCompetesTest {

    private static final String STRATEGY = "OldestEmulationVersion";

    private static List<Report> problems(List<ElectionAction> actions) {
        return of(actions, Report.class).stream().filter(r -> r.kind() == Report.Kind.PROBLEM).toList();
    }

    @Nested
    class AnObserver {

        private final CoreDriver driver = new CoreDriver(b -> b.observeOnly(true));

        /** Started as its driver starts it: Start, then out of the election until a Resume that never counts. */
        private void start(LeaseSnapshot read) {
            driver.at(0, new ElectionInput.Start());
            driver.at(5, new ElectionInput.Yield(null));
            driver.at(10, new ElectionInput.Read(read));
        }

        @Test
        void neverTakesAFreeLease() {
            start(null);

            assertThat(sent(driver.at(20, new ElectionInput.Resume()))).isEmpty();
            assertThat(sent(driver.at(30, new Watched(driver.released(3))))).isEmpty();
        }

        @Test
        void tellsWhoLeads() {
            driver.at(0, new ElectionInput.Start());
            driver.at(5, new ElectionInput.Yield(null));

            List<ElectionAction> read = driver.at(10, new ElectionInput.Read(driver.heldBy("pod-b", 15)));

            assertThat(of(read, ElectionAction.NewLeader.class)).hasSize(1);
        }

        @Test
        void doesNotCompeteAfterATimedYieldEnds() {
            start(driver.heldBy("pod-b", 15));
            driver.at(20, new ElectionInput.Yield(Duration.ofSeconds(1)));

            assertThat(sent(driver.at(60_000, new TimerFired(ElectionTimer.EXPIRY, true)))).isEmpty();
            assertThat(driver.core.isYielding()).isTrue();
        }
    }

    @Nested
    class BehindAReadinessGate {

        private final CoreDriver driver = new CoreDriver(b -> b.readinessGate(true)
                .readinessGracePeriod(Duration.ofSeconds(5)));

        @Test
        void aFollowerNotReadyDoesNotTakeAReleasedLease() {
            driver.startAndRead(10, driver.heldBy("pod-b", 15));
            driver.at(20, new Readiness(false));

            assertThat(sent(driver.at(30, new Watched(driver.released(1))))).isEmpty();
        }

        @Test
        void aFollowerNotReadyAtStartDoesNotCreateAnAbsentLease() {
            driver.at(0, new ElectionInput.Start());
            driver.at(0, new Readiness(false));

            assertThat(sent(driver.at(10, new ElectionInput.Read(null)))).isEmpty();
        }

        @Test
        void aFollowerReadyAgainTakesTheLeaseItLetGo() {
            driver.startAndRead(10, driver.heldBy("pod-b", 15));
            driver.at(20, new Readiness(false));
            driver.at(30, new Watched(driver.released(1)));

            List<ElectionAction> ready = driver.at(40, new Readiness(true));

            assertThat(written(sent(ready).orElseThrow()).holderIdentity()).isEqualTo(CoreDriver.ME);
        }

        @Test
        void aLeaderNotReadyKeepsLeadingThroughTheGracePeriod() {
            driver.electedAt(30);

            List<ElectionAction> unready = driver.at(100, new Readiness(false));

            assertThat(of(unready, Lost.class)).isEmpty();
            assertThat(armedAt(unready, ElectionTimer.READINESS_GRACE)).contains(nanos(100 + 5_000));
            assertThat(driver.isLeaderAt(4_000)).isTrue();
        }

        @Test
        void aLeaderStillNotReadyAfterTheGracePeriodStepsDownAndReleases() {
            driver.electedAt(30);
            driver.at(100, new Readiness(false));

            List<ElectionAction> grace = driver.at(5_100, new TimerFired(ElectionTimer.READINESS_GRACE, true));
            List<ElectionAction> delivered = driver.at(5_110, new ElectionInput.LostDelivered());

            assertThat(of(grace, Lost.class)).hasSize(1);
            LeaseRecord release = written(sent(delivered).orElseThrow());
            assertThat(release.holderIdentity()).isEmpty();
            driver.at(5_120, new Written(driver.written()));
            assertThat(sent(driver.at(5_130, new Watched(driver.released(1))))).isEmpty();
        }

        @Test
        void aLeaderReadyAgainWithinTheGracePeriodKeepsLeading() {
            driver.electedAt(30);
            driver.at(100, new Readiness(false));
            driver.at(2_000, new Readiness(true));

            List<ElectionAction> late = driver.at(5_100, new TimerFired(ElectionTimer.READINESS_GRACE, true));

            assertThat(of(late, Lost.class)).isEmpty();
            assertThat(driver.core.term()).isNotNull();
        }

        @Test
        void withoutTheGateReadinessIsIgnored() {
            CoreDriver ungated = new CoreDriver();
            ungated.startAndRead(10, ungated.heldBy("pod-b", 15));
            ungated.at(20, new Readiness(false));

            assertThat(sent(ungated.at(30, new Watched(ungated.released(1))))).isPresent();
        }
    }

    @Nested
    class ACoordinatedLease {

        private final CoreDriver driver = new CoreDriver();

        private LeaseSnapshot coordinated(LeaseSnapshot lease) {
            return new LeaseSnapshot(lease.record(), lease.resourceVersion(), null, STRATEGY, null);
        }

        @Test
        void isNotTakenWhenItsRecordExpires() {
            List<ElectionAction> read = driver.startAndRead(10, coordinated(driver.heldBy("pod-b", 15)));

            assertThat(armedAt(read, ElectionTimer.EXPIRY)).isEmpty();
            assertThat(sent(driver.at(60_000, new TimerFired(ElectionTimer.POLL, true)))).isEmpty();
            assertThat(driver.core.coordinatedBy()).isEqualTo(STRATEGY);
        }

        @Test
        void isNotTakenWhenReleased() {
            driver.startAndRead(10, coordinated(driver.heldBy("pod-b", 15)));

            assertThat(sent(driver.at(20, new Watched(coordinated(driver.released(1)))))).isEmpty();
        }

        @Test
        void isWarnedAboutOnceNamingTheLeaseAndTheStrategy() {
            List<ElectionAction> read = driver.startAndRead(10, coordinated(driver.heldBy("pod-b", 15)));
            List<ElectionAction> renewed = driver.at(20, new Watched(coordinated(driver.heldBy("pod-b", 15))));

            assertThat(problems(read)).singleElement().extracting(Report::message).asString()
                    .contains("test/orders", STRATEGY);
            assertThat(problems(renewed)).isEmpty();
        }

        @Test
        void makesItsLeaderStepDownWithoutReleasing() {
            driver.electedAt(30);
            LeaseSnapshot ours = driver.written();

            List<ElectionAction> seen = driver.at(100, new Watched(coordinated(ours)));
            List<ElectionAction> stop = driver.at(200, new ElectionInput.Stop());

            assertThat(of(seen, Lost.class)).hasSize(1);
            assertThat(sent(stop)).isEmpty();
            assertThat(of(stop, Elected.class)).isEmpty();
        }

        @Test
        void isCompetedForAgainOnceTheStrategyIsGone() {
            driver.startAndRead(10, coordinated(driver.heldBy("pod-b", 15)));

            List<ElectionAction> plain = driver.at(20, new Watched(driver.released(1)));

            assertThat(written(sent(plain).orElseThrow()).holderIdentity()).isEqualTo(CoreDriver.ME);
        }
    }
}
