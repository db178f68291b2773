package io.github.camelk8s.leader.election;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * The API server's view of the one Lease, with the semantics the election relies on: create only if absent (409
 * AlreadyExists), update only at the resourceVersion it is based on (409 Conflict; an update without one is
 * unconditional, like a PUT without metadata.resourceVersion), 404 for an update of an absent Lease, delete. The
 * resourceVersion is a counter, as etcd's revision is; times are kept at microsecond precision (MicroTime).
 * <p>
 * Every version is kept with the time it was made, so that a GET can be answered from a lagging cache. An etcd
 * restore ({@link #restore()}) keeps the Lease's content and gives it a much lower resourceVersion: the model is a
 * restore to a snapshot whose revision lies far behind, so that the counter, climbing again, does not reach the
 * versions handed out before within a run (reusing one would let a stale update succeed, a hazard of restores
 * that no client can guard against and that etcd's --bump-revision exists to avoid).
 */
final class SimulatedApiServer {

    private static final long RESTORE_DIVISOR = 1_000;

    private final VirtualTime time;
    private final SimulationInvariants invariants;
    private final Trace trace;
    private final List<SimulatedWatch> watches = new ArrayList<>();
    private final List<LeaseSnapshot> versions = new ArrayList<>();
    private final List<Long> madeAt = new ArrayList<>();
    private LeaseSnapshot current;
    private long nextResourceVersion;
    /**
     * Counts the changes of content (writes and deletions), which a restore does not renumber: the true order of
     * versions, whatever their resourceVersions say.
     */
    private long contentVersion;

    SimulatedApiServer(VirtualTime time, SimulationInvariants invariants, Trace trace, long firstResourceVersion) {
        this.time = time;
        this.invariants = invariants;
        this.trace = trace;
        this.nextResourceVersion = firstResourceVersion;
        versions.add(null);
        madeAt.add(Long.MIN_VALUE);
    }

    /** The Lease now, or null: what a watch's relist finds. */
    LeaseSnapshot current() {
        return current;
    }

    /** The number of changes of content so far: the version {@link #current()} is. */
    long contentVersion() {
        return contentVersion;
    }

    /** Carries out {@code request} now; a GET is answered as the Lease was {@code readLag} ago. */
    ApiAnswer apply(SimulatedRequest request, long readLag) {
        return switch (request.verb) {
            case GET -> ApiAnswer.ok(readLag <= 0 ? current : versionAt(time.now() - readLag));
            case CREATE -> current != null ? conflict(request) : store(request);
            case UPDATE -> {
                if (current == null) {
                    yield ApiAnswer.NOT_FOUND;
                }
                if (request.baseVersion != null && !request.baseVersion.equals(current.resourceVersion())) {
                    yield conflict(request);
                }
                yield store(request);
            }
        };
    }

    private ApiAnswer conflict(SimulatedRequest request) {
        if (trace.on()) {
            trace.line("api", "409 for " + request.sender.identity + "'s " + request.describe() + ", Lease is "
                              + Trace.describe(current));
        }
        return ApiAnswer.CONFLICT;
    }

    private ApiAnswer store(SimulatedRequest request) {
        LeaseSnapshot before = current;
        // creationTimestamp: the server's own clock at the create, whole seconds; updates keep it
        Instant created = before != null ? before.created()
                : Instant.ofEpochSecond(Math.floorDiv(Schedule.WALL_ORIGIN + time.now(), VirtualTime.SECONDS));
        current = new LeaseSnapshot(microseconds(request.record), Long.toString(nextResourceVersion++), created, null);
        record(current);
        request.version = ++contentVersion;
        if (trace.on()) {
            trace.line("api", "applied " + request.sender.identity + "'s " + request.verb + " (sent at "
                              + Schedule.format(request.sentAt) + "): " + Trace.describe(current));
        }
        invariants.applied(request, before, current);
        for (SimulatedWatch watch : List.copyOf(watches)) {
            watch.changed(current, contentVersion);
        }
        return ApiAnswer.ok(current);
    }

    /** kubectl delete lease. */
    void deleteByHand() {
        if (current == null) {
            return;
        }
        current = null;
        record(null);
        invariants.deletedByHand(++contentVersion);
        trace.line("api", "Lease deleted by hand");
        for (SimulatedWatch watch : List.copyOf(watches)) {
            watch.deleted();
        }
    }

    /** An etcd restore: the content is kept, the resourceVersion goes far back; watches break and relist. */
    void restore() {
        nextResourceVersion = Math.max(1, nextResourceVersion / RESTORE_DIVISOR);
        if (current != null) {
            current = new LeaseSnapshot(current.record(), Long.toString(nextResourceVersion++), current.created(),
                    null);
            record(current);
        }
        invariants.restored(contentVersion);
        trace.line("api", "etcd restored: Lease is now " + Trace.describe(current));
        for (SimulatedWatch watch : List.copyOf(watches)) {
            watch.broken();
        }
    }

    void addWatch(SimulatedWatch watch) {
        watches.add(watch);
    }

    void removeWatch(SimulatedWatch watch) {
        watches.remove(watch);
    }

    private void record(LeaseSnapshot version) {
        versions.add(version);
        madeAt.add(time.now());
    }

    private LeaseSnapshot versionAt(long at) {
        for (int i = versions.size() - 1; i > 0; i--) {
            if (madeAt.get(i) <= at) {
                return versions.get(i);
            }
        }
        return versions.get(0);
    }

    private static LeaseRecord microseconds(LeaseRecord record) {
        return new LeaseRecord(record.holderIdentity(), record.leaseDurationSeconds(), micros(record.acquireTime()),
                micros(record.renewTime()), record.leaseTransitions());
    }

    private static Instant micros(Instant time) {
        return time == null ? null : time.truncatedTo(ChronoUnit.MICROS);
    }
}
