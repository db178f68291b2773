package io.github.camelk8s.leader.election;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.github.camelk8s.leader.testsupport.CountingDispatcher;
import io.github.camelk8s.leader.testsupport.FaultDispatcher;
import io.github.camelk8s.leader.testsupport.MockApiServer;

import static org.awaitility.Awaitility.await;

/**
 * N candidates on one Lease of a fresh mock API server, each its own "pod" ({@link Candidate}), plus the test's
 * own watch on the Lease ({@link LeaseHistory}). Timings are short so a failover takes a few seconds.
 */
final class Election implements AutoCloseable {

    final MockApiServer server = new MockApiServer();
    final String leaseName;
    final LeaseHistory history;
    private Duration leaseDuration = Duration.ofSeconds(3);
    private Duration renewDeadline = Duration.ofSeconds(2);
    private Duration retryPeriod = Duration.ofMillis(300);
    private Duration renewalInterval = Duration.ofMillis(400);
    private final Map<String, Candidate> candidates = new LinkedHashMap<>();

    Election(String leaseName) {
        this.leaseName = leaseName;
        this.history = new LeaseHistory(server, leaseName);
    }

    /** Sets the timings of the candidates added from now on. */
    Election timings(Duration leaseDuration, Duration renewDeadline, Duration retryPeriod, Duration renewalInterval) {
        this.leaseDuration = leaseDuration;
        this.renewDeadline = renewDeadline;
        this.retryPeriod = retryPeriod;
        this.renewalInterval = renewalInterval;
        return this;
    }

    /** The shortest timings the tests use (leaseDuration 2 s), for tests that must wait out an expiry. */
    Election shortLease() {
        return timings(Duration.ofSeconds(2), Duration.ofMillis(1500), Duration.ofMillis(200), Duration.ofMillis(300));
    }

    Duration leaseDuration() {
        return leaseDuration;
    }

    Duration renewDeadline() {
        return renewDeadline;
    }

    LeaderElectionConfig.Builder config(String identity) {
        return LeaderElectionConfig.builder().namespace(MockApiServer.NAMESPACE).leaseName(leaseName)
                .identity(identity).leaseDuration(leaseDuration).renewDeadline(renewDeadline)
                .retryPeriod(retryPeriod).renewalInterval(renewalInterval);
    }

    /** A candidate, not started yet (so a test can adjust its clock first). */
    Candidate candidate(String identity) {
        return candidate(identity, UnaryOperator.identity());
    }

    Candidate candidate(String identity, UnaryOperator<LeaderElectionConfig.Builder> customize) {
        Candidate candidate = new Candidate(server, customize.apply(config(identity)).build());
        candidates.put(identity, candidate);
        return candidate;
    }

    Candidate start(String identity) {
        return candidate(identity).start();
    }

    /** Starts {@code identity} and waits until it leads, its ELECTED told. */
    Candidate startLeader(String identity) {
        Candidate leader = start(identity);
        await().until(leader::isAnnouncedLeader);
        return leader;
    }

    /** Starts {@code identity} and waits until it has been told that {@code leader} leads. */
    Candidate startFollowerOf(Candidate leader, String identity) {
        Candidate follower = start(identity);
        await().until(() -> follower.events.sawNewLeader(leader.id));
        return follower;
    }

    Candidate get(String identity) {
        return candidates.get(identity);
    }

    List<Candidate> candidates() {
        return new ArrayList<>(candidates.values());
    }

    List<Candidate> leaders() {
        return candidates.values().stream().filter(Candidate::isLeader).toList();
    }

    List<Candidate> others(Candidate candidate) {
        return candidates.values().stream().filter(c -> c != candidate).toList();
    }

    /** Waits until exactly one candidate leads (and was told so), and returns it. */
    Candidate awaitSoleLeader() {
        return awaitLeaderAmong(candidates(), Duration.ofSeconds(10));
    }

    /** Waits until exactly one candidate leads, one of {@code among}, and was told so; returns it. */
    Candidate awaitLeaderAmong(List<Candidate> among, Duration atMost) {
        return awaitSoleLeader(atMost, leader -> among.contains(leader));
    }

    /** Waits until exactly one candidate leads on the strength of an election after {@code nanos}. */
    Candidate awaitLeaderElectedAfter(long nanos, Duration atMost) {
        return awaitSoleLeader(atMost, leader -> leader.events.last(RecordingListener.Type.ELECTED)
                .map(e -> e.nanos() > nanos).orElse(false));
    }

    private Candidate awaitSoleLeader(Duration atMost, Predicate<Candidate> condition) {
        AtomicReference<Candidate> found = new AtomicReference<>();
        await().atMost(atMost).until(() -> {
            List<Candidate> leaders = leaders();
            if (leaders.size() == 1 && leaders.get(0).isAnnouncedLeader() && condition.test(leaders.get(0))) {
                found.set(leaders.get(0));
                return true;
            }
            return false;
        });
        return found.get();
    }

    Lease lease() {
        return server.lease(leaseName);
    }

    LeaseRecord record() {
        Lease lease = lease();
        return lease == null ? null : LeaseRecord.of(lease);
    }

    FaultDispatcher faults() {
        return server.faults();
    }

    CountingDispatcher counts() {
        return server.counts();
    }

    /** Lease writes (create, update, patch) of one candidate. */
    static Predicate<FaultDispatcher.Request> writesOf(Candidate candidate) {
        return FaultDispatcher.candidate(candidate.id).and(FaultDispatcher.Request::isLeaseWrite);
    }

    /** Every request of one candidate, its watch included. */
    static Predicate<FaultDispatcher.Request> requestsOf(Candidate candidate) {
        return FaultDispatcher.candidate(candidate.id);
    }

    @Override
    public void close() {
        server.faults().clear();
        for (Candidate candidate : candidates.values()) {
            try {
                candidate.close();
            } catch (RuntimeException e) {
                // a crashed candidate's client is already closed; keep closing the others
            }
        }
        history.close();
        server.close();
    }
}
