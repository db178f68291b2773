package io.github.camelk8s.leader.election;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.github.camelk8s.leader.election.Schedule.format;

/**
 * The rules every run must keep, checked as it goes on the one virtual timeline. Validity is derived from what the
 * simulator saw, not from the core's bookkeeping: a candidate's validity ends renewDeadline (by its own clock)
 * after the send time of its last write of its own record that it heard succeed, or at its LOST.
 * <dl>
 * <dt>(a) mutual exclusion</dt>
 * <dd>At no instant do two candidates' leader checks pass ({@link LeaseElector#isLeader()}, which guards
 * {@code tryBeginStep}, and client-go's leadership by its own rules). Probed whenever a check passes or a candidate
 * is elected. The one exception: a Lease deleted by hand lets a candidate create a new term while the old
 * holder's validity runs on (its renewals get 404): two leaders are excused when the Lease was deleted between the
 * writes that gave them their validity.</dd>
 * <dt>(b) fencing</dt>
 * <dd>No leader-only step begins outside a term (before ELECTED, after LOST) or once the local clock has passed
 * the validity end.</dd>
 * <dt>(c) events</dt>
 * <dd>ELECTED only after a write of its own record was acknowledged (within renewDeadline of its sending) since the
 * last LOST, and not when the candidate's own watch had already delivered a later write (the answer is history
 * then; not judged across an etcd restore, after which resourceVersions cannot order them); ELECTED and LOST
 * alternate, for every term; a stop tells LOST first; LOST is told by the time the validity ends, or at the resume
 * of a process paused then ({@link #SLACK} for the order of the inputs held).</dd>
 * <dt>(d) cross-pod order</dt>
 * <dd>A write taking the Lease from another holder is sent only after that holder's validity has ended: for our
 * candidates the validity its acknowledged writes applied before the takeover gave it (checked when the takeover
 * lands and when a late acknowledgement arrives); for client-go, the end of its leadership by its own rules. A
 * released Lease has no holder; a deleted one none either (the exception of (a)).</dd>
 * <dt>(e) liveness</dt>
 * <dd>Once the faults' effects are over, some candidate leads within {@link #livenessBound}, and one leads when the
 * run ends. A graceful release with healthy links and a follower ready is taken within {@link #HANDOVER}.</dd>
 * <dt>(f) load at rest</dt>
 * <dd>In the last stretch of the run, with no faults and a stable leader, a follower whose watch is up sends no
 * request, and the leader no read and at most one write per renewalInterval.</dd>
 * <dt>(g) drain before release</dt>
 * <dd>A stopping or yielding candidate sends its release only when every step it let begin has ended.</dd>
 * <dt>(h) fencing tokens</dt>
 * <dd>Every term's token, derived here from the Lease's creation second and the leaseTransitions of the write that
 * elected it, is greater than the token of every term elected before it, also across a deletion by hand; and every
 * step a term lets begin carries its token. Excused: terms on two Lease objects created within the same second (a
 * documented limit of {@link FencingToken}).</dd>
 * </dl>
 */
final class SimulationInvariants {

    /** The order of the inputs a resumed process handles at one instant, and timer rounding. */
    static final long SLACK = VirtualTime.MILLIS;
    /**
     * A graceful release is taken within one watch event's lag, a request in flight answered and one write: 0.5
     * to 20 ms lag, 1 to 10 ms per round trip, with 20 ms to spare.
     */
    static final long HANDOVER = SimulatedNetwork.WATCH_LAG_MAX + 4 * SimulatedNetwork.LATENCY_MAX
                                 + 20 * VirtualTime.MILLIS;

    /**
     * What the bounds of the rules are made of: the longest timings among the election's candidates, how many
     * processes there are, and when the faults' effects are over. A {@link Schedule} is one; a rebalancing run,
     * whose candidates on each Lease are its members, is another.
     */
    interface Bounds {
        /** When the faults' effects are over and every process has started. */
        long quietAt();

        /** How many processes the faults may target, numbered from 0. */
        int processes();

        long longestRequestTimeout();

        long longestRenewDeadline();

        /** The longest term any holder writes (whole seconds): what followers wait at most. */
        long longestLeaseDurationWritten();

        long longestRetryPeriod();

        long longestRenewalInterval();

        /** The longest a leader-only step takes. */
        long longestStep();
    }

    /** A rule broken, when and how. */
    record Violation(String rule, long at, String message) {
        String describe() {
            return "(" + rule + ") at " + format(at) + ": " + message;
        }
    }

    /** What the simulator saw of one elector, from its start until it stopped or died. */
    static final class Standing {
        final SimulatedCandidate pod;
        final long renewDeadline;
        final long renewalInterval;
        final long startedAt;
        /** The local time renewDeadline after the send of its last write of its own record heard successful. */
        long validUntilLocal;
        boolean hasValidity;
        /** The version of the write that gave the validity: before a hand deletion, the term is excused. */
        long validityVersion = -1;
        /** A write of its own record acknowledged within renewDeadline since the last LOST: what ELECTED needs. */
        boolean acknowledgedSinceLost;
        long acknowledgedVersion = -1;
        /** The fencing token of the term that acknowledged write belongs to, and the Lease object it was on. */
        long acknowledgedToken;
        int acknowledgedIncarnation;
        /** ELECTED told, LOST not yet. */
        boolean leading;
        /** The fencing token of the term ELECTED began. */
        long termToken;
        int stepsInFlight;
        boolean gone;
        boolean restCounted;
        boolean watchingAtRest;
        boolean leadingAtRest;
        int changesAtRest;
        int readsAtRest;
        int writesAtRest;

        private Standing(SimulatedCandidate pod, LeaderElectionConfig config, long startedAt) {
            this.pod = pod;
            this.renewDeadline = config.renewDeadline().toNanos();
            this.renewalInterval = config.renewalInterval().toNanos();
            this.startedAt = startedAt;
        }
    }

    /** Per holder identity: what its acknowledged writes let it believe, and who took the Lease from it last. */
    private static final class Holder {
        long validityEnd = Long.MIN_VALUE;
        long takenOverAtVersion = -1;
        long takeoverSentAt;
        String takenOverBy;
    }

    private final VirtualTime time;
    private final Trace trace;
    private final Map<String, Holder> holders = new HashMap<>();
    private final long[] lastLifecycleAt;
    private List<SimulatedCandidate> pods = List.of();
    private ClientGoCandidate clientGo;
    private SimulatedNetwork network;
    private Violation violation;

    private boolean clientGoLeading;
    private long clientGoLeadingSince;
    private long clientGoLedUntil = Long.MIN_VALUE;
    private long clientGoValidityVersion = -1;
    private int clientGoChangesAtRest;
    private final List<Long> deletionVersions = new ArrayList<>();
    private long lastRestoreVersion = -1;
    /** The greatest token a term elected so far has had, and the Lease object (numbered by creation) it was on. */
    private long highestTermToken = Long.MIN_VALUE;
    private int highestTermIncarnation;
    /** Per write applied (by its content version), the Lease object it was applied to, numbered by creation. */
    private final Map<Long, Integer> incarnationOfWrite = new HashMap<>();
    private int incarnation;

    private final long quietAt;
    private final long inFlightTail;
    private final long livenessBound;
    private final long settle;
    private final long restWindow;
    private long ledAfterQuiet = -1;
    private long restFrom = Long.MAX_VALUE;
    private long lastAcquisitionAt = Long.MIN_VALUE;
    private long lastOtherDisturbanceAt = Long.MIN_VALUE;

    SimulationInvariants(VirtualTime time, Bounds schedule, Trace trace) {
        this.time = time;
        this.trace = trace;
        this.quietAt = schedule.quietAt();
        // a request sent during a fault may still land this long after it (hanging past the timeout)
        this.inFlightTail = 2 * schedule.longestRequestTimeout();
        // a leader whose validity lapses steps down (renewDeadline), its record expires (the longest leaseDuration
        // written), followers notice and retry (twice the retryPeriod), a stopping leader's steps end
        this.livenessBound = inFlightTail + schedule.longestRenewDeadline() + schedule.longestLeaseDurationWritten()
                             + 2 * schedule.longestRetryPeriod() + schedule.longestStep() + 300 * VirtualTime.MILLIS;
        // stale views expire and followers stop retrying
        this.settle = schedule.longestLeaseDurationWritten() + schedule.longestRetryPeriod() + 200 * VirtualTime.MILLIS;
        this.restWindow = Math.max(VirtualTime.SECONDS, 4 * schedule.longestRenewalInterval());
        this.lastLifecycleAt = new long[schedule.processes()];
        Arrays.fill(lastLifecycleAt, Long.MIN_VALUE);
    }

    void attach(List<SimulatedCandidate> pods, ClientGoCandidate clientGo, SimulatedNetwork network) {
        this.pods = pods;
        this.clientGo = clientGo;
        this.network = network;
    }

    boolean failed() {
        return violation != null;
    }

    Violation violation() {
        return violation;
    }

    private void fail(String rule, String message) {
        if (violation == null) {
            violation = new Violation(rule, time.now(), message);
            trace.line("VIOLATION", violation.describe());
        }
    }

    void thrown(RuntimeException e) {
        StackTraceElement[] where = e.getStackTrace();
        fail("exception", e + (where.length > 0 ? " at " + where[0] : ""));
    }

    // ---- our candidates ------------------------------------------------------------------------------------

    Standing started(SimulatedCandidate pod, LeaderElectionConfig config) {
        return new Standing(pod, config, time.now());
    }

    void sending(Standing standing, SimulatedRequest request) {
        if (trace.on()) {
            trace.line(standing.pod.identity, "send " + request.describe());
        }
        if (request.isRelease() && standing.stepsInFlight > 0) {
            fail("g", standing.pod.identity + " sent its release with " + standing.stepsInFlight
                      + " leader-only step(s) still running");
        }
        if (standing.restCounted && time.now() >= restFrom) {
            if (request.isWrite()) {
                standing.writesAtRest++;
            } else {
                standing.readsAtRest++;
            }
        }
    }

    void answered(Standing standing, SimulatedRequest request, ApiAnswer answer) {
        String me = standing.pod.identity;
        if (answer.kind() != ApiAnswer.Kind.OK || !request.isWrite() || answer.lease() == null) {
            return;
        }
        if (!answer.lease().record().isHeldBy(me)) {
            // its release: what it acknowledged before no longer makes a term
            standing.acknowledgedSinceLost = false;
            return;
        }
        long validUntil = request.sentLocal + standing.renewDeadline;
        if (!standing.hasValidity || validUntil - standing.validUntilLocal > 0) {
            standing.validUntilLocal = validUntil;
            standing.validityVersion = request.version;
            standing.hasValidity = true;
        }
        if (standing.pod.clock.nanoTime() - validUntil < 0) {
            standing.acknowledgedSinceLost = true;
            standing.acknowledgedVersion = request.version;
            standing.acknowledgedToken = fencingToken(answer.lease());
            standing.acknowledgedIncarnation = incarnationOfWrite.getOrDefault(request.version, 0);
        }
        Holder holder = holder(me);
        long end = standing.pod.clock.virtualTimeOf(validUntil);
        holder.validityEnd = Math.max(holder.validityEnd, end);
        if (holder.takenOverAtVersion > request.version && end > holder.takeoverSentAt) {
            fail("d", holder.takenOverBy + " sent its takeover at " + format(holder.takeoverSentAt) + ", before "
                      + me + "'s validity from its write sent at " + format(request.sentAt)
                      + " (acknowledged only now) ended at " + format(end));
        }
    }

    void elected(Standing standing) {
        String me = standing.pod.identity;
        if (standing.leading) {
            fail("c", me + " was told ELECTED twice without LOST");
        } else if (!standing.acknowledgedSinceLost) {
            fail("c", me + " was told ELECTED without a write of its own record acknowledged within renewDeadline"
                      + " since its last LOST");
        } else if (standing.pod.run.watch.newestDelivered() > standing.acknowledgedVersion
                   && standing.acknowledgedVersion > lastRestoreVersion) {
            fail("c", me + " was told ELECTED on its write of version " + standing.acknowledgedVersion
                      + " after its watch had delivered version " + standing.pod.run.watch.newestDelivered());
        }
        standing.leading = true;
        standing.termToken = standing.acknowledgedToken;
        // the documented limit: two Lease objects created within one second number their terms alike
        boolean sameSecond = standing.acknowledgedIncarnation != highestTermIncarnation
                             && standing.termToken / 1_000_000_000L == highestTermToken / 1_000_000_000L;
        if (standing.termToken <= highestTermToken && !sameSecond) {
            fail("h", me + "'s term has fencing token " + standing.termToken + ", not greater than the "
                      + highestTermToken + " of a term elected before");
        }
        if (standing.termToken > highestTermToken) {
            highestTermToken = standing.termToken;
            highestTermIncarnation = standing.acknowledgedIncarnation;
        }
        countChangeAtRest(standing);
        probe(me + " elected");
        noteLeader();
    }

    void lost(Standing standing) {
        String me = standing.pod.identity;
        if (!standing.leading) {
            fail("c", me + " was told LOST without ELECTED");
            return;
        }
        long due = lostDue(standing);
        if (time.now() > due) {
            fail("c", me + " was told LOST " + format(time.now() - due + SLACK) + " after its validity ended");
        }
        standing.leading = false;
        standing.acknowledgedSinceLost = false;
        countChangeAtRest(standing);
    }

    /** The validity end on the virtual timeline, or the resume if the process was paused then. */
    private long lostDue(Standing standing) {
        long end = standing.pod.clock.virtualTimeOf(standing.validUntilLocal);
        return standing.pod.runningFrom(end) + SLACK;
    }

    void stepAttempted(Standing standing, FencingToken began) {
        if (began == null) {
            return;
        }
        String me = standing.pod.identity;
        if (standing.leading && began.value() != standing.termToken) {
            fail("h", me + " began a step with fencing token " + began + " in the term whose token is "
                      + standing.termToken);
        }
        long late = standing.pod.clock.nanoTime() - standing.validUntilLocal;
        if (!standing.leading) {
            fail("b", me + " began a leader-only step while not leading (before ELECTED or after LOST)");
        } else if (late >= 0) {
            fail("b", me + " began a leader-only step " + format(late) + " after its validity ended");
        }
        standing.stepsInFlight++;
        probe(me + "'s step");
    }

    void stepEnded(Standing standing) {
        standing.stepsInFlight--;
    }

    void stopped(Standing standing) {
        if (standing.leading) {
            fail("c", standing.pod.identity + " stopped without telling LOST");
        }
        standing.gone = true;
    }

    void crashed(Standing standing) {
        standing.gone = true;
        standing.leading = false;
    }

    /** The spec of {@link FencingToken#value()}: the creation second, then leaseTransitions. */
    private static long fencingToken(LeaseSnapshot lease) {
        return lease.created().getEpochSecond() * 1_000_000_000L + lease.record().leaseTransitions();
    }

    // ---- client-go ------------------------------------------------------------------------------------------

    void clientGoLeading(boolean leads) {
        clientGoLeading = leads;
        clientGoChangesAtRest += time.now() >= restFrom ? 1 : 0;
        if (leads) {
            clientGoLeadingSince = time.now();
            probe(clientGo.identity + " started leading");
            noteLeader();
        } else {
            clientGoLedUntil = time.now();
        }
    }

    void clientGoWrote(long version) {
        clientGoValidityVersion = version;
    }

    // ---- the API server -------------------------------------------------------------------------------------

    void applied(SimulatedRequest request, LeaseSnapshot before, LeaseSnapshot after) {
        if (before == null) {
            incarnation++;
        }
        incarnationOfWrite.put(request.version, incarnation);
        LeaseRecord previous = before == null ? null : before.record();
        LeaseRecord written = after.record();
        String writer = request.sender.identity;
        if (written.isHeld()) {
            if (previous == null || !previous.isHeldBy(written.holderIdentity())) {
                lastAcquisitionAt = time.now();
                if (previous != null && previous.isHeld()) {
                    takenOver(previous.holderIdentity(), request);
                }
            }
        } else if (previous != null && previous.isHeldBy(writer)) {
            released(request);
        }
    }

    private void takenOver(String previous, SimulatedRequest takeover) {
        String by = takeover.sender.identity;
        if (clientGo != null && previous.equals(clientGo.identity)) {
            boolean ledWhenSent = clientGoLeading ? clientGoLeadingSince < takeover.sentAt
                    : clientGoLedUntil > takeover.sentAt;
            if (ledWhenSent && !deletedSince(clientGoValidityVersion)) {
                fail("d", by + " sent its takeover at " + format(takeover.sentAt) + " while " + previous
                          + " still led by its own rules");
            }
            return;
        }
        Holder holder = holder(previous);
        if (holder.validityEnd > takeover.sentAt) {
            fail("d", by + " sent its takeover at " + format(takeover.sentAt) + ", before " + previous
                      + "'s validity ended at " + format(holder.validityEnd));
        }
        holder.takenOverAtVersion = takeover.version;
        holder.takeoverSentAt = takeover.sentAt;
        holder.takenOverBy = by;
    }

    /** A validity that comes from a write before this deletion may overlap the terms created after it. */
    void deletedByHand(long version) {
        deletionVersions.add(version);
    }

    private boolean deletedSince(long version) {
        return !deletionVersions.isEmpty() && deletionVersions.get(deletionVersions.size() - 1) > version;
    }

    /** Whether the Lease was deleted by hand between the writes that gave two leaders their validity. */
    private boolean deletedBetween(long one, long other) {
        for (long deletion : deletionVersions) {
            if (Math.min(one, other) < deletion && deletion < Math.max(one, other)) {
                return true;
            }
        }
        return false;
    }

    /** resourceVersions before this restore cannot be ordered with those after. */
    void restored(long version) {
        lastRestoreVersion = version;
    }

    private Holder holder(String identity) {
        return holders.computeIfAbsent(identity, i -> new Holder());
    }

    // ---- (a) -------------------------------------------------------------------------------------------------

    private void probe(String trigger) {
        List<String> leaders = new ArrayList<>(2);
        List<Long> validFrom = new ArrayList<>(2);
        for (SimulatedCandidate pod : pods) {
            if (pod.passesLeaderCheck()) {
                leaders.add(pod.identity);
                validFrom.add(pod.run.standing.validityVersion);
            }
        }
        if (clientGo != null && clientGoLeading) {
            leaders.add(clientGo.identity);
            validFrom.add(clientGoValidityVersion);
        }
        for (int i = 0; i < leaders.size(); i++) {
            for (int j = i + 1; j < leaders.size(); j++) {
                if (!deletedBetween(validFrom.get(i), validFrom.get(j))) {
                    fail("a", "the leader checks of " + leaders.get(i) + " and " + leaders.get(j) + " pass at once ("
                              + trigger + ")");
                    return;
                }
            }
        }
    }

    /** After a resume: the resumed process's checks may pass again. */
    void resumed() {
        probe("resume");
    }

    // ---- (e) and (f) ---------------------------------------------------------------------------------------

    /** How long after the faults' effects are over some candidate must lead: see the constructor. */
    long livenessBound() {
        return livenessBound;
    }

    /** When the run ends: the liveness deadline until a leader appears, then the end of the stretch at rest. */
    long endAt() {
        return ledAfterQuiet < 0 ? quietAt + livenessBound : restFrom + restWindow;
    }

    /** The faults' effects are over. */
    void quiet() {
        if (anyoneLeads()) {
            noteLeader();
        }
    }

    void livenessDue() {
        if (ledAfterQuiet < 0) {
            fail("e", "no candidate led within " + format(livenessBound()) + " after the faults' effects ended at "
                      + format(quietAt));
        }
    }

    private void noteLeader() {
        if (ledAfterQuiet >= 0 || time.now() < quietAt) {
            return;
        }
        ledAfterQuiet = time.now();
        // the run settles, then is judged at rest
        restFrom = Math.max(ledAfterQuiet, quietAt + inFlightTail) + settle;
        time.at(restFrom, this::restBegins);
    }

    private void restBegins() {
        for (SimulatedCandidate pod : pods) {
            if (pod.run != null && !pod.run.standing.gone) {
                Standing standing = pod.run.standing;
                standing.restCounted = true;
                standing.watchingAtRest = pod.run.watch.isWatching();
                standing.leadingAtRest = standing.leading;
            }
        }
        clientGoChangesAtRest = 0;
    }

    private void countChangeAtRest(Standing standing) {
        if (standing.restCounted) {
            standing.changesAtRest++;
        }
    }

    private boolean anyoneLeads() {
        return pods.stream().anyMatch(SimulatedCandidate::passesLeaderCheck) || clientGoLeading;
    }

    /** At the natural end of the run. */
    void atEnd() {
        if (!anyoneLeads()) {
            fail("e", "no candidate leads at the end of the run");
        }
        if (clientGoChangesAtRest > 0) {
            fail("f", clientGo.identity + "'s leadership changed at rest");
        }
        long window = restWindow;
        for (SimulatedCandidate pod : pods) {
            if (pod.run == null || pod.run.standing.gone || !pod.run.standing.restCounted) {
                continue;
            }
            Standing standing = pod.run.standing;
            if (standing.leading && time.now() > lostDue(standing)) {
                fail("c", pod.identity + " was never told LOST, though its validity ended");
            } else if (standing.changesAtRest > 0) {
                fail("f", pod.identity + "'s leadership changed at rest");
            } else if (standing.leadingAtRest) {
                long fastest = window * (1_000_000 + SimulatedClock.MAX_DRIFT_PPM) / 1_000_000;
                long allowed = fastest / standing.renewalInterval + 1;
                if (standing.readsAtRest > 0 || standing.writesAtRest > allowed) {
                    fail("f", pod.identity + " led at rest with " + standing.readsAtRest + " reads and "
                              + standing.writesAtRest + " writes in " + format(window) + " (at most " + allowed
                              + " writes, one per renewalInterval)");
                }
            } else if (standing.watchingAtRest && pod.run.watch.isWatching()
                       && standing.readsAtRest + standing.writesAtRest > 0) {
                fail("f", pod.identity + " sent " + (standing.readsAtRest + standing.writesAtRest)
                          + " request(s) at rest as a follower with its watch up");
            }
        }
    }

    // ---- the handover after a graceful release ----------------------------------------------------------------

    /** A fault began or ended; lifecycle faults are told apart by target, so a releaser's own stop does not count. */
    void disturbed(Fault fault) {
        if (fault.kind().isLifecycle() && fault.target() != Fault.EVERYONE) {
            lastLifecycleAt[fault.target()] = time.now();
        } else {
            lastOtherDisturbanceAt = time.now();
        }
    }

    private void released(SimulatedRequest release) {
        SimulatedProcess releaser = release.sender;
        long since = time.now();
        if (!healthyFor(releaser, since - inFlightTail) || pods.stream().noneMatch(p -> ready(p, releaser))) {
            return;
        }
        time.at(since + HANDOVER, () -> {
            if (lastAcquisitionAt < since && healthyFor(releaser, since)) {
                fail("e", releaser.identity + "'s release at " + format(since) + " was not taken within "
                          + format(HANDOVER) + ", with healthy links and a follower ready");
            }
        });
    }

    /** No fault in force but the releaser's own stop or yield, and none began or ended since {@code since}. */
    private boolean healthyFor(SimulatedProcess releaser, long since) {
        for (Fault fault : network.active()) {
            if (!(fault.kind().isLifecycle() && fault.target() == releaser.index)) {
                return false;
            }
        }
        if (lastOtherDisturbanceAt >= since) {
            return false;
        }
        for (int i = 0; i < lastLifecycleAt.length; i++) {
            if (i != releaser.index && lastLifecycleAt[i] >= since) {
                return false;
            }
        }
        return true;
    }

    private boolean ready(SimulatedCandidate pod, SimulatedProcess releaser) {
        SimulatedCandidate.Run run = pod.run;
        return pod != releaser && run != null && run.isCompeting() && !pod.isPaused() && run.watch.isWatching()
               && run.standing.startedAt < time.now() - inFlightTail
               && run.elector.state() == LeaseElector.State.FOLLOWER && !run.elector.isYielding();
    }
}
