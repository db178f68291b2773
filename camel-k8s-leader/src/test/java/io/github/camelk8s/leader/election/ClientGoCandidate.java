package io.github.camelk8s.leader.election;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * A foreign candidate on the same Lease that behaves like client-go's {@code tools/leaderelection} LeaderElector
 * in the versions that compare the record as its JSON (metav1.Time: whole seconds) and time expiry with their own
 * LeaseDuration, on their own monotonic clock, from their own observation:
 * <ul>
 * <li>tryAcquireOrRenew: GET; absent: create. The record counts as changed when it differs from the one observed
 * at one-second precision; then the observation time restarts. Held by another and observed less than its own
 * leaseDuration ago: give up for now. Otherwise update (conditional on the resourceVersion read): a renewal keeps
 * acquireTime and leaseTransitions, a takeover sets both anew.</li>
 * <li>Following: try every retryPeriod, jittered up to 1.2 times more.</li>
 * <li>Leading: renew at once, then every retryPeriod after the last success; a round of tries that has not
 * succeeded within renewDeadline ends leadership (there is no other fencing), then release if ReleaseOnCancel,
 * and the program exits and restarts.</li>
 * </ul>
 * It is never paused: without fencing, client-go cannot survive a pause, and that is not what is being tested.
 */
final class ClientGoCandidate extends SimulatedProcess {

    private final Schedule.ClientGoSpec spec;
    private final SimulatedElection election;
    private final int leaseDurationSeconds;
    /** Leading by its own rules: from a successful acquisition until a renewal round fails or it is cancelled. */
    private boolean leading;
    private boolean running;
    /** Bumped by every start and stop: the loops and answers of the elector before are abandoned. */
    private int generation;
    private int round;
    private LeaseRecord observedRecord;
    private LeaseRecord observedWholeSeconds;
    private long observedTime;
    /** The Lease as the lock last read or wrote it: what an update is conditional on. */
    private LeaseSnapshot lastLease;

    ClientGoCandidate(int index, Schedule.ClientGoSpec spec, SimulatedElection election, SplittableRandom random) {
        super(index, spec.identity(), new SimulatedClock(election.time(), random.nextLong(), spec.driftPpm(),
                spec.wallAtZero()), election.time(), random);
        this.spec = spec;
        this.election = election;
        this.leaseDurationSeconds = (int) (spec.leaseDuration() / VirtualTime.SECONDS);
    }

    boolean isLeading() {
        return leading;
    }

    @Override
    void afterInput() {
        // no other threads
    }

    void start() {
        if (running) {
            return;
        }
        running = true;
        generation++;
        observedRecord = null;
        observedWholeSeconds = null;
        lastLease = null;
        election.trace().line(identity, "start");
        acquire(generation);
    }

    /** The context is cancelled: stop leading, release if so configured, and restart at {@code restartAt}. */
    void stop(long restartAt) {
        if (!running) {
            return;
        }
        election.trace().line(identity, "cancelled");
        end();
        if (restartAt >= 0) {
            at(Math.max(time.now(), restartAt), this::start);
        }
    }

    private void end() {
        running = false;
        generation++;
        if (leading) {
            leading = false;
            election.invariants().clientGoLeading(false);
            if (spec.releaseOnCancel()) {
                release();
            }
        }
    }

    // ---- acquire: wait.JitterUntil(tryAcquireOrRenew, retryPeriod, 1.2, sliding)

    private void acquire(int of) {
        if (of != generation) {
            return;
        }
        tryAcquireOrRenew(of, acquired -> {
            if (acquired) {
                leading = true;
                election.trace().line(identity, "started leading");
                election.invariants().clientGoLeading(true);
                renewRound(of);
            } else {
                long jittered = spec.retryPeriod() + (long) (spec.retryPeriod() * 1.2 * random.nextDouble());
                later(jittered, () -> acquire(of));
            }
        });
    }

    // ---- renew: wait.Until(PollImmediateUntil(retryPeriod, tryAcquireOrRenew, renewDeadline), retryPeriod)

    private void renewRound(int of) {
        if (of != generation) {
            return;
        }
        int thisRound = ++round;
        later(spec.renewDeadline(), () -> {
            if (of == generation && thisRound == round) {
                election.trace().line(identity, "failed to renew within renewDeadline: stopped leading");
                end();
                // the program exits on lost leadership and is restarted
                later(Schedule.between(random, 0, spec.retryPeriod()), this::start);
            }
        });
        renewTry(of, thisRound);
    }

    private void renewTry(int of, int thisRound) {
        tryAcquireOrRenew(of, renewed -> {
            if (thisRound != round) {
                return;
            }
            if (renewed) {
                round++;
                later(spec.retryPeriod(), () -> renewRound(of));
            } else {
                later(spec.retryPeriod(), () -> {
                    if (of == generation && thisRound == round) {
                        renewTry(of, thisRound);
                    }
                });
            }
        });
    }

    // ---- tryAcquireOrRenew

    private void tryAcquireOrRenew(int of, Consumer<Boolean> done) {
        long now = clock.nanoTime();
        Instant wall = clock.now();
        send(new SimulatedRequest(this, SimulatedRequest.Verb.GET, null, null), of, read -> {
            if (read.kind() != ApiAnswer.Kind.OK) {
                done.accept(false);
                return;
            }
            if (read.lease() == null) {
                LeaseRecord record = new LeaseRecord(identity, leaseDurationSeconds, wall, wall, 0);
                write(new SimulatedRequest(this, SimulatedRequest.Verb.CREATE, record, null), of, done);
                return;
            }
            lastLease = read.lease();
            LeaseRecord old = read.lease().record();
            if (!wholeSeconds(old).equals(observedWholeSeconds)) {
                observe(old);
            }
            if (old.isHeld() && observedTime + spec.leaseDuration() - now > 0 && !isLeader()) {
                done.accept(false);
                return;
            }
            LeaseRecord record = isLeader()
                    ? new LeaseRecord(identity, leaseDurationSeconds, old.acquireTime(), wall, old.leaseTransitions())
                    : new LeaseRecord(identity, leaseDurationSeconds, wall, wall, old.leaseTransitions() + 1);
            write(new SimulatedRequest(this, SimulatedRequest.Verb.UPDATE, record, lastLease.resourceVersion()), of,
                    done);
        });
    }

    private void write(SimulatedRequest request, int of, Consumer<Boolean> done) {
        send(request, of, written -> {
            if (written.kind() == ApiAnswer.Kind.OK) {
                election.invariants().clientGoWrote(request.version);
                lastLease = written.lease();
                observe(request.record);
                done.accept(true);
            } else {
                done.accept(false);
            }
        });
    }

    private void release() {
        if (!isLeader() || lastLease == null) {
            return;
        }
        Instant wall = clock.now();
        LeaseRecord released = new LeaseRecord("", 1, wall, wall, observedRecord.leaseTransitions());
        election.network().send(new SimulatedRequest(this, SimulatedRequest.Verb.UPDATE, released,
                lastLease.resourceVersion()), spec.requestTimeout(), answer -> {
                });
    }

    /** IsLeader: the last observed record names this candidate. */
    private boolean isLeader() {
        return observedRecord != null && observedRecord.isHeldBy(identity);
    }

    private void observe(LeaseRecord record) {
        observedRecord = record;
        observedWholeSeconds = wholeSeconds(record);
        observedTime = clock.nanoTime();
    }

    /** The record as client-go's JSON holds it: metav1.Time has whole seconds. */
    private static LeaseRecord wholeSeconds(LeaseRecord record) {
        return new LeaseRecord(record.holderIdentity(), record.leaseDurationSeconds(), seconds(record.acquireTime()),
                seconds(record.renewTime()), record.leaseTransitions());
    }

    private static Instant seconds(Instant time) {
        return time == null ? null : time.truncatedTo(ChronoUnit.SECONDS);
    }

    private void send(SimulatedRequest request, int of, Consumer<ApiAnswer> answer) {
        if (election.trace().on()) {
            election.trace().line(identity, "send " + request.describe());
        }
        election.network().send(request, spec.requestTimeout(), a -> {
            if (of == generation) {
                answer.accept(a);
            }
        });
    }

    private void later(long localDelay, Runnable task) {
        at(time.now() + clock.virtualDelay(localDelay), task);
    }
}
