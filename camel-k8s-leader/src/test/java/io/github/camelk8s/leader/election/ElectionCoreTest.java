package io.github.camelk8s.leader.election;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The decision core on its own, fed inputs at chosen local times: rules no timing of a real run pins down. */
class ElectionCoreTest {

    private static final long MS = 1_000_000L;
    private static final Instant WALL = Instant.parse("2026-06-01T00:00:00Z");

    private final LeaderElectionConfig config = LeaderElectionConfig.builder().leaseName("lease").identity("pod-a")
            .leaseDuration(Duration.ofSeconds(3)).renewDeadline(Duration.ofSeconds(2))
            .retryPeriod(Duration.ofMillis(500)).renewalInterval(Duration.ofMillis(500)).build();
    private final ElectionCore core = new ElectionCore(config);

    @Test
    void aRenewalAnsweredAfterTheWatchShowedALaterVersionMakesNoTerm() {
        on(new ElectionInput.Start(), 0);
        on(new ElectionInput.Read(null), MS);
        LeaseRecord acquired = new LeaseRecord("pod-a", 3, WALL, WALL, 0);
        on(new ElectionInput.Written(new LeaseSnapshot(acquired, "10", null)), 2 * MS);
        on(new ElectionInput.TimerFired(ElectionTimer.RENEW, true), 502 * MS);
        LeaseRecord renewed = new LeaseRecord("pod-a", 3, WALL, WALL.plusMillis(502), 0);
        on(new ElectionInput.Watched(new LeaseSnapshot(renewed, "11", null)), 503 * MS);
        // deleted by hand and re-created by pod-b while the answer to the renewal is still on its way
        on(new ElectionInput.WatchedDeletion(false), 504 * MS);
        LeaseRecord recreated = new LeaseRecord("pod-b", 3, WALL.plusMillis(504), WALL.plusMillis(504), 0);
        on(new ElectionInput.Watched(new LeaseSnapshot(recreated, "13", null)), 505 * MS);

        List<ElectionAction> actions = on(new ElectionInput.Written(new LeaseSnapshot(renewed, "11", null)), 600 * MS);

        assertThat(actions).noneMatch(a -> a instanceof ElectionAction.Elected);
        assertThat(core.isLeader(600 * MS)).isFalse();
        assertThat(core.observedRecord()).isEqualTo(recreated);
    }

    private List<ElectionAction> on(ElectionInput input, long nanos) {
        return core.on(input, nanos, WALL.plusNanos(nanos));
    }
}
