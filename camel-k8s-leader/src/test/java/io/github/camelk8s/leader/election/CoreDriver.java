package io.github.camelk8s.leader.election;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Feeds one {@link ElectionCore} inputs at chosen local times (milliseconds from 0) and keeps what it answered,
 * so a test reads like a timeline: "at 0 it reads, at 12 the read answers, at 12 it creates". Wall-clock time is
 * {@link #WALL_ORIGIN} plus the local time plus a skew, since no rule compares it with anything.
 */
final class CoreDriver {

    static final Instant WALL_ORIGIN = Instant.parse("2026-12-01T10:00:00Z");
    static final String ME = "pod-me";
    static final String OTHER = "pod-other";

    final LeaderElectionConfig config;
    final ElectionCore core;
    private final List<ElectionAction> all = new ArrayList<>();
    private List<ElectionAction> last = List.of();
    private long nowMillis;
    private int versions = 100;

    CoreDriver(UnaryOperator<LeaderElectionConfig.Builder> timings) {
        this.config = timings.apply(LeaderElectionConfig.builder().namespace("test").leaseName("orders")
                .identity(ME).leaseDuration(Duration.ofSeconds(15)).renewDeadline(Duration.ofSeconds(10))
                .retryPeriod(Duration.ofSeconds(2)).renewalInterval(Duration.ofSeconds(2))).build();
        this.core = new ElectionCore(config);
    }

    /** The defaults: leaseDuration 15 s, renewDeadline 10 s, retryPeriod 2 s, renewalInterval 2 s. */
    CoreDriver() {
        this(UnaryOperator.identity());
    }

    /** Feeds {@code input} at local time {@code millis}; returns the actions answered. */
    List<ElectionAction> at(long millis, ElectionInput input) {
        nowMillis = millis;
        last = core.on(input, nanos(millis), wall(millis));
        all.addAll(last);
        return last;
    }

    /** Starts, and answers the first read with {@code lease} at time {@code millis}. */
    List<ElectionAction> startAndRead(long millis, LeaseSnapshot lease) {
        at(0, new ElectionInput.Start());
        return at(millis, new ElectionInput.Read(lease));
    }

    /** Starts, reads an absent Lease at 10 and creates it; the create is answered at {@code answeredMillis}. */
    List<ElectionAction> electedAt(long answeredMillis) {
        startAndRead(10, null);
        return at(answeredMillis, new ElectionInput.Written(written()));
    }

    /** What the Lease holds after the last write this core sent, as the API server would answer it. */
    LeaseSnapshot written() {
        return written(null);
    }

    /** {@link #written()} of a Lease object created at {@code created} (its creationTimestamp). */
    LeaseSnapshot written(Instant created) {
        LeaseRequest sent = lastSent();
        LeaseRecord record;
        if (sent instanceof LeaseRequest.Create c) {
            record = c.record();
        } else if (sent instanceof LeaseRequest.Update u) {
            record = u.record();
        } else {
            throw new AssertionError("the last request was not a write: " + sent);
        }
        return new LeaseSnapshot(record, String.valueOf(++versions), created, null);
    }

    LeaseRequest lastSent() {
        for (int i = all.size() - 1; i >= 0; i--) {
            if (all.get(i) instanceof ElectionAction.Send send) {
                return send.request();
            }
        }
        throw new AssertionError("nothing was sent");
    }

    /** A version of the Lease held by {@code holder} for {@code seconds}, as the API server would store it. */
    LeaseSnapshot heldBy(String holder, int seconds) {
        return heldBy(holder, seconds, 0);
    }

    LeaseSnapshot heldBy(String holder, int seconds, int transitions) {
        Instant now = wall(nowMillis);
        return new LeaseSnapshot(new LeaseRecord(holder, seconds, now.minusSeconds(60), now, transitions),
                String.valueOf(++versions), null);
    }

    /** The same version renewed: a later renewTime, the next resourceVersion. */
    LeaseSnapshot renewed(LeaseSnapshot held, long atMillis) {
        LeaseRecord r = held.record();
        return new LeaseSnapshot(new LeaseRecord(r.holderIdentity(), r.leaseDurationSeconds(), r.acquireTime(),
                wall(atMillis), r.leaseTransitions()), String.valueOf(++versions), null);
    }

    LeaseSnapshot released(int transitions) {
        Instant now = wall(nowMillis);
        return new LeaseSnapshot(new LeaseRecord("", 1, now, now, transitions), String.valueOf(++versions), null);
    }

    /** A version with an explicit resourceVersion (for ordering tests). */
    static LeaseSnapshot version(LeaseSnapshot lease, String resourceVersion) {
        return new LeaseSnapshot(lease.record(), resourceVersion, null);
    }

    List<ElectionAction> last() {
        return last;
    }

    List<ElectionAction> all() {
        return all;
    }

    boolean isLeaderAt(long millis) {
        return core.isLeader(nanos(millis));
    }

    static long nanos(long millis) {
        return millis * 1_000_000L;
    }

    static Instant wall(long millis) {
        return WALL_ORIGIN.plusMillis(millis);
    }
}
