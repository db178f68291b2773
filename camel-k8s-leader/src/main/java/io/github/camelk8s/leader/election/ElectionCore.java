package io.github.camelk8s.leader.election;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.github.camelk8s.leader.election.ElectionAction.Report.Kind;
import io.github.camelk8s.leader.election.ElectionInput.Conflict;
import io.github.camelk8s.leader.election.ElectionInput.Failed;
import io.github.camelk8s.leader.election.ElectionInput.Read;
import io.github.camelk8s.leader.election.ElectionInput.TimerFired;
import io.github.camelk8s.leader.election.ElectionInput.Watched;
import io.github.camelk8s.leader.election.ElectionInput.WatchedDeletion;
import io.github.camelk8s.leader.election.ElectionInput.Written;
import io.github.camelk8s.leader.election.ElectionInput.Yield;

/**
 * The election rules of one candidate on one Lease, as a state machine: no threads, no I/O and no clock. Each
 * {@link ElectionInput} comes with the local monotonic time and the wall-clock time at which it happened; the
 * answer is the list of {@link ElectionAction}s to carry out, in order. A driver ({@link LeaseElector}) sends the
 * requests, arms the timers, tells the listeners and feeds every outcome back. The same inputs at the same times
 * always give the same actions, which is what lets the simulator explore millions of fault schedules.
 *
 * <h2>Safety model</h2>
 * Everything revolves around one observed record and the local time at which its content was last seen to change
 * (client-go's observedRecord and observedTime). Every write carries the resourceVersion it was based on, so of two
 * candidates acting on one observation only one succeeds. A held record is taken over only after it has stayed
 * unchanged for the holder's leaseDurationSeconds, timed on this candidate's own clock from its own observation:
 * remote times are never compared with local ones. A leader's validity ends renewDeadline after the <em>send</em>
 * time of its last successful renewal, or when it is told LOST, whichever is first; {@link #isLeader} and
 * {@link #tryBeginStep} are the one fencing check, and the DEADLINE timer tells the listeners when it lapses. With
 * clocks running at about the same rate, a follower's takeover (at least leaseDuration after a renewal was applied)
 * comes after the holder's validity has ended (at most renewDeadline after that renewal was sent).
 *
 * <h2>States and transitions</h2>
 * <table>
 * <caption>Phases of a candidate (at most one request is in flight; its answer decides again)</caption>
 * <tr><th>State</th><th>Input</th><th>Condition</th><th>Next</th><th>Actions</th></tr>
 * <tr><td>NEW</td><td>Start</td><td></td><td>FOLLOWER</td><td>read; arm POLL</td></tr>
 * <tr><td>FOLLOWER</td><td>record observed</td><td>absent</td><td>FOLLOWER</td><td>create a term</td></tr>
 * <tr><td>FOLLOWER</td><td>record observed</td><td>released (no holder)</td><td>FOLLOWER</td>
 * <td>update: new term, transitions + 1</td></tr>
 * <tr><td>FOLLOWER</td><td>record observed</td><td>held, unchanged for less than the holder's duration</td>
 * <td>FOLLOWER</td><td>arm EXPIRY</td></tr>
 * <tr><td>FOLLOWER</td><td>EXPIRY</td><td>record unchanged since</td><td>FOLLOWER</td>
 * <td>update: take over, new term, transitions + 1 (own record too)</td></tr>
 * <tr><td>FOLLOWER</td><td>Written</td><td>answered before sent + renewDeadline</td><td>LEADER</td>
 * <td>ELECTED; the term's fencing token from the record written; arm DEADLINE, RENEW</td></tr>
 * <tr><td>FOLLOWER</td><td>Written</td><td>answered later</td><td>FOLLOWER</td>
 * <td>none: the record is ours but expires like anyone's</td></tr>
 * <tr><td>FOLLOWER</td><td>Written</td><td>a renewal of the term told LOST</td><td>FOLLOWER</td>
 * <td>update: new term on it, transitions + 1</td></tr>
 * <tr><td>FOLLOWER, LEADER</td><td>Conflict</td><td></td><td>same</td>
 * <td>read again (a follower whose watch is up waits for it; RETRY after three in a row)</td></tr>
 * <tr><td>FOLLOWER, LEADER</td><td>Failed</td><td></td><td>same</td><td>arm RETRY; read first next time</td></tr>
 * <tr><td>FOLLOWER</td><td>POLL</td><td>watch down, nothing in flight</td><td>FOLLOWER</td><td>read</td></tr>
 * <tr><td>LEADER</td><td>RENEW (renewalInterval after the last renewal was sent)</td><td></td><td>LEADER</td>
 * <td>update: renewal</td></tr>
 * <tr><td>LEADER</td><td>Written</td><td>answered before sent + renewDeadline</td><td>LEADER</td>
 * <td>arm DEADLINE, RENEW</td></tr>
 * <tr><td>LEADER</td><td>Written</td><td>answered later</td><td>FOLLOWER</td><td>LOST</td></tr>
 * <tr><td>LEADER</td><td>DEADLINE</td><td>validity ended</td><td>FOLLOWER</td><td>LOST</td></tr>
 * <tr><td>LEADER</td><td>record observed</td><td>another holder, released or deleted</td><td>FOLLOWER</td>
 * <td>LOST (NEW_LEADER for another holder)</td></tr>
 * <tr><td>LEADER</td><td>Stop / Yield</td><td></td><td>DRAINING</td><td>LOST; arm DRAIN_TIMEOUT</td></tr>
 * <tr><td>FOLLOWER</td><td>Stop / Yield</td><td>a request in flight</td><td>DRAINING</td>
 * <td>arm DRAIN_TIMEOUT</td></tr>
 * <tr><td>FOLLOWER</td><td>Stop / Yield</td><td>nothing in flight</td><td>STOPPED / YIELDING</td><td></td></tr>
 * <tr><td>DRAINING</td><td>RENEW, answers</td><td>the record is this term's, validity not lapsed</td>
 * <td>DRAINING</td><td>renew, so the steps in flight stay covered; no step may begin</td></tr>
 * <tr><td>DRAINING</td><td>StepEnded, LostDelivered, answers</td>
 * <td>no step in flight, LOST delivered, nothing in flight</td><td>RELEASING / then</td><td></td></tr>
 * <tr><td>DRAINING</td><td>DRAIN_TIMEOUT</td><td>steps still in flight</td><td>then</td>
 * <td>none: the Lease expires</td></tr>
 * <tr><td>RELEASING</td><td>(entered)</td><td>the record is this term's</td><td>RELEASING</td>
 * <td>update: holder "", leaseDurationSeconds 1</td></tr>
 * <tr><td>RELEASING</td><td>Written / Failed</td><td></td><td>then</td><td></td></tr>
 * <tr><td>RELEASING</td><td>Conflict</td><td>fewer than three tries</td><td>RELEASING</td>
 * <td>read; release again if still ours</td></tr>
 * <tr><td>YIELDING</td><td>YIELD_END, Resume</td><td>not observeOnly</td><td>FOLLOWER</td><td>read</td></tr>
 * <tr><td>FOLLOWER</td><td>decide</td><td>not ready (readinessGate), or the Lease has spec.strategy</td>
 * <td>FOLLOWER</td><td>none: observes, never writes</td></tr>
 * <tr><td>LEADER</td><td>Readiness(false)</td><td>readinessGate</td><td>LEADER</td>
 * <td>arm READINESS_GRACE</td></tr>
 * <tr><td>LEADER</td><td>READINESS_GRACE</td><td>still not ready</td><td>DRAINING</td>
 * <td>LOST; then release and FOLLOWER, out of the election until ready</td></tr>
 * <tr><td>LEADER</td><td>record observed</td><td>spec.strategy set</td><td>FOLLOWER</td>
 * <td>LOST; no release: the coordination controller owns the record</td></tr>
 * <tr><td>any running</td><td>Stop</td><td></td><td>as above, then STOPPED</td><td>Stopped</td></tr>
 * </table>
 * "then" is STOPPED after a Stop, YIELDING (FOLLOWER once the yield has ended) after a Yield. An observeOnly
 * candidate starts as a withdrawn one (Start, then a Yield without duration) and ignores Resume: it never writes. A Yield without a
 * duration lasts until Resume (a Lease rebalanced to another member); a yielding candidate keeps observing the
 * record, so once it competes again it takes over a record that expired meanwhile at once. NEW_LEADER is
 * emitted whenever the observed holder changes to another non-empty identity.
 * <p>
 * The rules that the simulator's deliberately broken variants break are small package-private methods
 * ({@link #validityEnd}, {@link #expiresAt}, {@link #restartsExpiry}, {@link #holderDuration}, {@link #isFree},
 * {@link #mayLead}, {@link #drained}, {@link #accepts}, {@link #transitionsAfter}, {@link #continuesLostTerm}), in
 * the manner of client-go's isLeaseValid.
 * <p>
 * Not thread-safe: the driver calls it under one lock.
 */
class ElectionCore {

    /** A 409 answers "someone else wrote"; read and decide again, but not in a tight loop. */
    static final int MAX_CONFLICTS_IN_A_ROW = 3;
    static final int MAX_RELEASE_TRIES = 3;

    enum Phase {
        NEW,
        FOLLOWER,
        LEADER,
        /** LOST told (stop or yield); waits for leader-only steps in flight to end, renewing meanwhile. */
        DRAINING,
        /** The release is being written. */
        RELEASING,
        /** Out of the election until YIELD_END. */
        YIELDING,
        STOPPED
    }

    final LeaderElectionConfig config;
    final String me;
    final long leaseDurationNanos;
    final long renewDeadlineNanos;
    final long retryPeriodNanos;
    final long renewalIntervalNanos;

    Phase phase = Phase.NEW;
    /** Where DRAINING and RELEASING lead: STOPPED or YIELDING. */
    private Phase then = Phase.STOPPED;
    private boolean releaseWanted;
    private boolean yieldOver;
    /** Out of the election until Resume: a withdrawal, which no YIELD_END ends. */
    private boolean untilResumed;
    /** readinessGate: the rest of the process is not ready, so this candidate does not compete. */
    private boolean unready;
    /** The strategy of a coordinated Lease that was reported; null while the Lease is not coordinated. */
    private String reportedStrategy;

    // ---- the observed record
    /** Null while unread or absent; {@link #known} tells which. */
    LeaseSnapshot observed;
    private boolean known;
    /** Local time at which the observed record's content was last seen to change. */
    long observedAt;
    /** The resourceVersion of the last version accepted, for ordering watch events; null when unknown. */
    private String lastResourceVersion;
    private boolean refreshNeeded = true;
    private String reportedHolder = "";
    private boolean decided;

    // ---- the request in flight (at most one)
    LeaseRequest inFlight;
    long sentAt;
    /** The resourceVersion of the last watch event accepted while the request was in flight; null if none. */
    private String watchedSinceSent;
    private int conflictsInARow;
    private int releaseTries;
    private boolean watching;

    // ---- leadership
    long validUntil;
    private long lastRenewalSentAt;
    /** Whether the record naming this candidate on the Lease was written by this candidate (not a predecessor). */
    private boolean holdsTerm;
    /** The token of the term that the last ELECTED began, and its acquireTime (which its renewals keep). */
    private FencingToken term;
    private Instant termAcquired;
    /** A renewal of a term already told LOST was applied: the record is ours, but a new term must begin on it. */
    private boolean termToRenumber;
    private boolean renewDue;
    /** DRAINING: validity ended (deadline passed, or someone else holds the Lease): no more renewals. */
    private boolean lapsed;
    int stepsInFlight;
    private boolean lostDelivered = true;
    private boolean drainTimedOut;

    // ---- timers armed, by their local time
    private final Map<ElectionTimer, Long> armed = new EnumMap<>(ElectionTimer.class);

    // ---- failures and statistics
    private boolean failing;
    private long failingSince;
    private RuntimeException lastError;
    private long acquisitions;
    private long losses;
    private long conflicts;
    private long errors;
    private Instant lastRenewal;
    private Instant lastObservation;

    // ---- the input being handled
    long now;
    Instant wallNow;
    private List<ElectionAction> out;

    ElectionCore(LeaderElectionConfig config) {
        this.config = config;
        this.me = config.identity();
        this.leaseDurationNanos = config.leaseDuration().toNanos();
        this.renewDeadlineNanos = config.renewDeadline().toNanos();
        this.retryPeriodNanos = config.retryPeriod().toNanos();
        this.renewalIntervalNanos = config.renewalInterval().toNanos();
    }

    /** Handles one input that happened at local time {@code nanos} (wall clock {@code wall}). */
    List<ElectionAction> on(ElectionInput input, long nanos, Instant wall) {
        now = nanos;
        wallNow = wall;
        out = new ArrayList<>(4);
        if (input instanceof ElectionInput.Start) {
            start();
        } else if (input instanceof ElectionInput.Stop && phase == Phase.NEW) {
            finish();
        } else if (phase == Phase.NEW || phase == Phase.STOPPED) {
            return List.of();
        } else if (input instanceof Watched w) {
            watched(w.lease());
        } else if (input instanceof WatchedDeletion d) {
            deleted(d.finalStateUnknown());
        } else if (input instanceof TimerFired t) {
            fired(t.timer(), t.watching());
        } else if (input instanceof Read r) {
            answered();
            read(r.lease());
        } else if (input instanceof Written w) {
            answered();
            written(w.lease());
        } else if (input instanceof Conflict c) {
            LeaseRequest request = answered();
            conflict(request, c.watching());
        } else if (input instanceof Failed f) {
            answered();
            failed(f.error());
        } else if (input instanceof ElectionInput.StepEnded) {
            stepsInFlight = Math.max(0, stepsInFlight - 1);
        } else if (input instanceof ElectionInput.LostDelivered) {
            lostDelivered = true;
        } else if (input instanceof ElectionInput.Stop) {
            stop();
        } else if (input instanceof Yield y) {
            stepAside(y.duration());
        } else if (input instanceof ElectionInput.Resume) {
            if (!config.observeOnly()) {
                untilResumed = false;
                cancel(ElectionTimer.YIELD_END);
                yieldEnded();
            }
        } else if (input instanceof ElectionInput.Readiness r) {
            readiness(r.ready());
        }
        decide();
        List<ElectionAction> actions = out;
        out = null;
        return actions;
    }

    // ---- the fencing check ------------------------------------------------------------------------------------

    /** Whether this candidate may act as leader at local time {@code nanos}. */
    boolean isLeader(long nanos) {
        return mayLead(nanos);
    }

    /**
     * Lets one step of leader-only work begin if this candidate may lead at {@code nanos}, and counts it until
     * {@link ElectionInput.StepEnded}; a stop or yield releases the Lease only once every counted step has ended.
     */
    boolean tryBeginStep(long nanos) {
        return tryBeginStep(nanos, null) != null;
    }

    /**
     * {@link #tryBeginStep(long)} for work that belongs to one term: the step begins only if this candidate may
     * lead at {@code nanos} and its current term is {@code pinned} (any term if null). Returns the current term's
     * token if the step began, else null.
     */
    FencingToken tryBeginStep(long nanos, FencingToken pinned) {
        if (!mayLead(nanos) || pinned != null && !pinned.equals(term)) {
            return null;
        }
        stepsInFlight++;
        return term;
    }

    /** The token of the term this candidate leads in now, or null when it does not lead. */
    FencingToken term() {
        return phase == Phase.LEADER ? term : null;
    }

    /** The rule: leading, and the last successful renewal was sent less than renewDeadline ago. */
    boolean mayLead(long nanos) {
        return phase == Phase.LEADER && nanos - validUntil < 0;
    }

    // ---- the rules --------------------------------------------------------------------------------------------

    /** Validity runs from before the request left: the API server may have applied it at any moment since. */
    long validityEnd(long sent, long answered) {
        return sent + renewDeadlineNanos;
    }

    /** A held record expires once it has stayed unchanged for the holder's duration, timed from our observation. */
    long expiresAt(LeaseRecord record, long unchangedSince, long nanos, Instant wall) {
        return unchangedSince + holderDuration(record);
    }

    /** Any change of the record (a renewal moves renewTime) restarts the expiry, not only a change of holder. */
    boolean restartsExpiry(LeaseRecord before, LeaseRecord after) {
        return !Objects.equals(before, after);
    }

    /**
     * The term the holder asked for: the leaseDurationSeconds it wrote. A held record without a positive one (the
     * field is optional; no API server accepts 0 or less, but a hand-written or mocked Lease may carry it) gets this
     * candidate's own leaseDuration: reading it as "expired at once", as client-go does, took a Lease whose holder
     * renewed it every second.
     */
    long holderDuration(LeaseRecord record) {
        return holderDuration(record, leaseDurationNanos);
    }

    /**
     * {@link #holderDuration(LeaseRecord)} for an observer whose own leaseDuration is {@code ownLeaseDurationNanos}:
     * the one reading of a holder's term, shared with {@link MemberSlots}, so that a member counts as live exactly
     * as long as a follower would wait before taking its Lease.
     */
    static long holderDuration(LeaseRecord record, long ownLeaseDurationNanos) {
        return record.leaseDurationSeconds() > 0
                ? record.leaseDurationSeconds() * 1_000_000_000L : ownLeaseDurationNanos;
    }

    /** A released record (no holder) may be taken at once: its holder has stopped leading before writing it. */
    boolean isFree(LeaseRecord record) {
        return !record.isHeld();
    }

    /**
     * A new term counts one more transition than the record it replaces, whoever held that: also when this
     * candidate takes back its own expired record (a term it lost, or its previous incarnation's), where client-go
     * keeps the count. The old term's work may still be writing, and its {@link FencingToken} must be lower than
     * the new term's.
     */
    int transitionsAfter(LeaseRecord replaced) {
        return replaced.leaseTransitions() + 1;
    }

    /**
     * Whether a write this follower heard succeed is a renewal of the term it was told LOST of: sent while leading,
     * answered after the DEADLINE (a process resumed from a pause runs both at once). Electing on it would begin a
     * term with the lost one's fencing token, which that term's work, begun before the lapse, may still be writing
     * with; the record is ours and nobody has written since, so a new term is one write away.
     */
    boolean continuesLostTerm(LeaseSnapshot written) {
        // the acquireTime tells a renewal from a new term that happens to number alike (a Lease re-created by this
        // candidate within the second its predecessor was created: the documented limit of the token)
        return FencingToken.of(written).equals(term) && Objects.equals(written.record().acquireTime(), termAcquired);
    }

    /** A stop or yield may release once no leader-only step is in flight and the listeners have been told LOST. */
    boolean drained() {
        return stepsInFlight == 0 && lostDelivered;
    }

    /**
     * A read or a write's answer is what the Lease is now, whatever its resourceVersion (they are opaque, and go
     * back after an etcd restore). Only a watch event may be older than what is known: one that parses as an
     * older number than the last version accepted is dropped.
     */
    boolean accepts(LeaseSnapshot lease, boolean authoritative) {
        if (authoritative || lease == null || lastResourceVersion == null || lease.resourceVersion() == null) {
            return true;
        }
        try {
            return Long.parseLong(lease.resourceVersion()) >= Long.parseLong(lastResourceVersion);
        } catch (NumberFormatException e) {
            return true;
        }
    }

    // ---- inputs -------------------------------------------------------------------------------------------------

    private void start() {
        if (phase != Phase.NEW) {
            return;
        }
        phase = Phase.FOLLOWER;
        arm(ElectionTimer.POLL, now + retryPeriodNanos);
        // a leader retries a failed renewal after the shorter of the two: that write, too, may share a second
        long writesApart = Math.min(renewalIntervalNanos, retryPeriodNanos);
        if (writesApart < 1_000_000_000L && leaseDurationNanos - renewDeadlineNanos <= 1_000_000_000L) {
            report(Kind.PROBLEM, "leaseDuration - renewDeadline is " + millis(leaseDurationNanos - renewDeadlineNanos)
                                 + " and renewals or their retries come " + millis(writesApart) + " apart on Lease "
                                 + leaseRef() + ": candidates built on client-go compare the record at one-second "
                                 + "precision, do not see writes less than 1s apart and may take over up to 1s early. "
                                 + "If such candidates share this Lease, keep leaseDuration - renewDeadline above 1s "
                                 + "or both renewalInterval and retryPeriod at 1s or more");
        }
    }

    private void watched(LeaseSnapshot lease) {
        LeaseRecord before = record();
        if (observe(lease, false)) {
            refreshNeeded = false;
            if (inFlight != null) {
                watchedSinceSent = lease.resourceVersion();
            }
            if (!Objects.equals(before, record())) {
                // news: act on it now rather than when a retry was due
                cancel(ElectionTimer.RETRY);
            }
        }
    }

    private void deleted(boolean finalStateUnknown) {
        // A delete is never dropped, not even when its last known state is older than what we know (a relist's
        // deletedFinalStateUnknown): creating the Lease is safe whatever the truth, the API server refuses the
        // create if it exists after all, and that conflict makes us read it.
        report(Kind.DETAIL, "Lease " + leaseRef() + " was deleted" + (finalStateUnknown ? " (seen by a relist)" : ""));
        observe(null, true);
        refreshNeeded = false;
        cancel(ElectionTimer.RETRY);
    }

    private void read(LeaseSnapshot lease) {
        observe(lease, true);
        refreshNeeded = false;
    }

    private void written(LeaseSnapshot lease) {
        conflictsInARow = 0;
        recovered();
        if (superseded(lease)) {
            // The write was applied, but the watch has shown a later version since: this answer is history. Taking
            // it for the Lease now would let a candidate that has seen the Lease deleted and re-created by another
            // elect itself again on the strength of a renewal applied before the deletion.
            report(Kind.DETAIL, me + "'s write on " + leaseRef() + " was overtaken by a later version");
            if (phase == Phase.RELEASING) {
                holdsTerm = false;
                finish();
            }
            return;
        }
        observe(lease, true);
        refreshNeeded = false;
        if (phase == Phase.RELEASING) {
            holdsTerm = false;
            report(Kind.LEADERSHIP, "Released " + leaseRef());
            finish();
            return;
        }
        if (lease == null || !lease.record().isHeldBy(me)) {
            return;
        }
        holdsTerm = true;
        renewDue = false;
        long until = validityEnd(sentAt, now);
        if (now - until >= 0) {
            // Answered after renewDeadline: followers may already be timing this record out, so acting on it now
            // would eat into their margin. The record is ours, but it expires like anyone else's.
            if (phase == Phase.LEADER) {
                stepDown("the renewal was answered after renewDeadline (" + config.renewDeadline() + ")");
            } else if (phase == Phase.DRAINING) {
                lapsed = true;
            }
            return;
        }
        if (phase == Phase.FOLLOWER && continuesLostTerm(lease)) {
            termToRenumber = true;
            return;
        }
        validUntil = until;
        lastRenewalSentAt = sentAt;
        lastRenewal = wallNow;
        cancel(ElectionTimer.RETRY);
        cancel(ElectionTimer.EXPIRY);
        arm(ElectionTimer.DEADLINE, until);
        // The next renewal leaves renewalInterval after this one left, not after its answer: counted from the
        // answer, a round trip of more than (renewDeadline - renewalInterval) / 2 let the validity run out before
        // the next answer came, and the leader lost and regained the Lease every cycle. A round trip longer than
        // renewalInterval sends the next one as soon as this one is answered.
        arm(ElectionTimer.RENEW, sentAt + renewalIntervalNanos);
        if (phase == Phase.FOLLOWER) {
            phase = Phase.LEADER;
            term = FencingToken.of(lease);
            termAcquired = lease.record().acquireTime();
            acquisitions++;
            if (unready) {
                // an acquisition sent before the pod was told not ready: the grace period runs from now
                armReadinessGrace();
            }
            report(Kind.LEADERSHIP,
                    "Became leader of " + leaseRef() + " (transitions=" + lease.record().leaseTransitions() + ")");
            out.add(new ElectionAction.Elected(lease.record()));
            decided();
        }
    }

    /**
     * Whether the watch delivered, while the write was in flight, a version ordered after the one its answer carries
     * (resourceVersions order watch events; after an etcd restore the watch's lower ones are not accepted, so this
     * never mistakes a fresh answer for an old one).
     */
    private boolean superseded(LeaseSnapshot answered) {
        if (answered == null || watchedSinceSent == null || answered.resourceVersion() == null) {
            return false;
        }
        try {
            return Long.parseLong(watchedSinceSent) > Long.parseLong(answered.resourceVersion());
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private void conflict(LeaseRequest request, boolean watchUp) {
        conflicts++;
        conflictsInARow++;
        watching = watchUp;
        // a conflict is the API server answering: contention, not an outage
        recovered();
        LeaseSnapshot base = request instanceof LeaseRequest.Update u ? u.base() : null;
        String baseVersion = base == null ? null : base.resourceVersion();
        if (!known || Objects.equals(lastResourceVersion, baseVersion) || phase == Phase.RELEASING) {
            // nothing newer has arrived meanwhile (the watch may bring the winner's record any moment)
            refreshNeeded = true;
        }
        report(Kind.DETAIL, me + " lost a write race on " + leaseRef());
        if (conflictsInARow >= MAX_CONFLICTS_IN_A_ROW) {
            arm(ElectionTimer.RETRY, now + retryPeriodNanos);
        } else if (phase == Phase.FOLLOWER && watching && refreshNeeded) {
            // Another candidate's acquisition won: the watch brings it within milliseconds and that event decides
            // again without a request. Reading at once made fifty losers of a race read the Lease together.
            arm(ElectionTimer.RETRY, now + retryPeriodNanos);
        }
    }

    private void failed(RuntimeException error) {
        errors++;
        lastError = error;
        refreshNeeded = true;
        if (!failing) {
            failing = true;
            failingSince = sentAt;
            report(Kind.PROBLEM, me + " cannot reach Lease " + leaseRef() + ", retrying every "
                                 + config.retryPeriod() + ": " + error.getMessage());
        } else {
            report(Kind.DETAIL, me + " still cannot reach Lease " + leaseRef() + ": " + error.getMessage());
        }
        if (phase == Phase.RELEASING) {
            report(Kind.PROBLEM, me + " could not release Lease " + leaseRef()
                                 + "; followers take over when it expires: " + error.getMessage());
            finish();
            return;
        }
        boolean leading = phase == Phase.LEADER || phase == Phase.DRAINING;
        long retry = leading && renewalIntervalNanos < retryPeriodNanos ? renewalIntervalNanos : retryPeriodNanos;
        arm(ElectionTimer.RETRY, now + retry);
    }

    private void fired(ElectionTimer timer, boolean watchUp) {
        armed.remove(timer);
        watching = watchUp;
        switch (timer) {
            case EXPIRY, RETRY -> {
                // decide() below acts if the record has expired or the retry is due
            }
            case RENEW -> renewDue = phase == Phase.LEADER || phase == Phase.DRAINING;
            case DEADLINE -> deadline();
            case POLL -> {
                arm(ElectionTimer.POLL, now + retryPeriodNanos);
                // The safety net while the watch is down, not a second retry loop: a request in flight or a retry
                // due reads the Lease anyway (a pod refused by RBAC read twice per retryPeriod otherwise).
                if (phase == Phase.FOLLOWER && !watching && inFlight == null
                    && !armed.containsKey(ElectionTimer.RETRY)) {
                    refreshNeeded = true;
                }
            }
            case YIELD_END -> yieldEnded();
            case READINESS_GRACE -> {
                if (unready && phase == Phase.LEADER) {
                    // out until ready again: the release lets a ready pod take over at once, and the follower this
                    // one becomes does not compete while unready
                    then = Phase.YIELDING;
                    yieldOver = true;
                    releaseWanted = true;
                    beginDraining("not ready for readinessGracePeriod (" + config.readinessGracePeriod() + ")");
                }
            }
            case DRAIN_TIMEOUT -> {
                drainTimedOut = true;
                if (inFlight != null) {
                    // a request that hangs (a client without a request timeout) must not hold the stop forever;
                    // whatever it wins expires
                    report(Kind.PROBLEM, me + ": a request on Lease " + leaseRef() + " is still unanswered after "
                                         + config.leaseDuration() + "; not releasing");
                    finish();
                }
            }
        }
    }

    /** Fences the leader: no successful renewal for renewDeadline ends leadership, whatever is still pending. */
    private void deadline() {
        if (now - validUntil < 0) {
            arm(ElectionTimer.DEADLINE, validUntil);
            return;
        }
        if (phase == Phase.LEADER) {
            stepDown("no successful renewal for renewDeadline (" + config.renewDeadline() + ")");
        } else if (phase == Phase.DRAINING) {
            lapsed = true;
        }
    }

    private void stop() {
        then = Phase.STOPPED;
        releaseWanted |= config.releaseOnStop();
        cancel(ElectionTimer.YIELD_END);
        switch (phase) {
            case LEADER -> beginDraining("candidate stopped");
            case FOLLOWER -> {
                if (mustDrain()) {
                    beginDraining(null);
                } else {
                    finish();
                }
            }
            case YIELDING -> finish();
            default -> {
                // DRAINING or RELEASING for a yield: carry on, then stop
            }
        }
    }

    /**
     * A yield while already out of the election keeps the end it had: yielding again on every replica within
     * yieldDuration must not keep the Lease unheld for ever. A withdrawal (no duration) lasts until Resume, and a
     * timed yield meanwhile does not end it, or a Lease rebalanced to another member would be competed for again.
     */
    private void stepAside(Duration duration) {
        boolean out = isYielding();
        if (duration == null) {
            untilResumed = true;
            // a resume meanwhile (withdraw, resume, withdraw while the release is under way) ended the yield
            yieldOver = false;
            cancel(ElectionTimer.YIELD_END);
        } else if (!out && !untilResumed) {
            arm(ElectionTimer.YIELD_END, now + duration.toNanos());
        }
        if (out) {
            return;
        }
        yieldOver = false;
        switch (phase) {
            case LEADER -> {
                then = Phase.YIELDING;
                releaseWanted = true;
                beginDraining(duration != null ? "yielding for " + duration : "withdrawing");
            }
            case FOLLOWER -> {
                then = Phase.YIELDING;
                releaseWanted = true;
                if (mustDrain()) {
                    beginDraining(null);
                } else {
                    phase = Phase.YIELDING;
                    cancel(ElectionTimer.EXPIRY);
                    cancel(ElectionTimer.RETRY);
                    report(Kind.LEADERSHIP, "Stays out of the election on " + leaseRef()
                                            + (duration != null ? " for " + duration : " until it resumes"));
                }
            }
            default -> {
                // DRAINING or RELEASING for a stop: the stop goes on
            }
        }
    }

    /**
     * A follower that stops or yields still waits for what it started: an acquisition in flight may succeed, a
     * step begun before it stepped down may still run, and a record it wrote is released rather than left to expire.
     */
    private boolean mustDrain() {
        return inFlight != null || stepsInFlight > 0 || holdsTerm;
    }

    private void yieldEnded() {
        yieldOver = true;
        if (phase == Phase.YIELDING) {
            phase = Phase.FOLLOWER;
            refreshNeeded = true;
            report(Kind.LEADERSHIP, "Competes again for " + leaseRef() + " after yielding");
        }
    }

    /**
     * readinessGate: told not ready, a follower stops competing at once and a leader keeps leading (renewing) for
     * readinessGracePeriod, so that a short blip of a dependency does not move the Lease; told ready, it competes
     * again. Without the gate the input is ignored.
     */
    private void readiness(boolean ready) {
        if (!config.readinessGate() || unready == !ready) {
            return;
        }
        unready = !ready;
        if (ready) {
            cancel(ElectionTimer.READINESS_GRACE);
            report(Kind.RECOVERY, me + " is ready again and competes for " + leaseRef());
        } else if (phase == Phase.LEADER) {
            armReadinessGrace();
            report(Kind.PROBLEM, me + " is not ready (its other readiness checks are DOWN): it steps down from "
                                 + leaseRef() + " unless ready again within readinessGracePeriod ("
                                 + config.readinessGracePeriod() + ")");
        } else {
            report(Kind.PROBLEM, me + " is not ready (its other readiness checks are DOWN): it does not compete for "
                                 + leaseRef() + " until it is");
        }
    }

    private void armReadinessGrace() {
        arm(ElectionTimer.READINESS_GRACE, now + config.readinessGracePeriod().toNanos());
    }

    /** Whether this follower may write the Lease now: it is ready (or ungated) and the Lease is not coordinated. */
    private boolean competes() {
        return !unready && reportedStrategy == null;
    }

    /**
     * A Lease with spec.strategy is owned by a coordination controller (coordinated leader election), which writes
     * the holder itself: competing would fight it. Told once per change, as a PROBLEM; a leader steps down without
     * releasing, and a record of ours is left to the controller.
     */
    private void coordination(LeaseSnapshot lease) {
        String strategy = lease == null ? null : lease.strategy();
        if (Objects.equals(strategy, reportedStrategy)) {
            return;
        }
        reportedStrategy = strategy;
        if (strategy == null) {
            report(Kind.RECOVERY, "Lease " + leaseRef() + " is no longer coordinated: " + me + " competes for it");
            return;
        }
        report(Kind.PROBLEM, "Lease " + leaseRef() + " has spec.strategy " + strategy + ": a coordination controller "
                             + "chooses its holder, so " + me + " does not compete for it");
        holdsTerm = false;
        if (phase == Phase.LEADER) {
            stepDown("the Lease is coordinated (spec.strategy " + strategy + ")");
        } else if (phase == Phase.DRAINING) {
            lapsed = true;
        }
    }

    // ---- observation ----------------------------------------------------------------------------------------

    /**
     * Takes in what the Lease is now (null: absent). The observed time restarts only when the record changes, so
     * a record that keeps being re-read unchanged still expires. Returns whether the version was accepted.
     */
    private boolean observe(LeaseSnapshot lease, boolean authoritative) {
        if (!accepts(lease, authoritative)) {
            return false;
        }
        lastObservation = wallNow;
        LeaseRecord before = record();
        LeaseRecord after = lease == null ? null : lease.record();
        boolean changed = before == null || after == null ? !Objects.equals(before, after)
                : restartsExpiry(before, after);
        if (changed || !known) {
            observedAt = now;
        }
        known = true;
        observed = lease;
        lastResourceVersion = lease == null ? null : lease.resourceVersion();
        String holder = after == null ? "" : after.holderIdentity();
        if (!holder.equals(me)) {
            holdsTerm = false;
            if (phase == Phase.LEADER) {
                stepDown(after == null ? "the Lease was deleted" : holder.isEmpty() ? "the Lease was released"
                        : "the Lease is now held by '" + holder + "'");
            } else if (phase == Phase.DRAINING) {
                lapsed = true;
            }
        }
        coordination(lease);
        if (!holder.equals(reportedHolder)) {
            reportedHolder = holder;
            if (!holder.isEmpty() && !holder.equals(me)) {
                report(Kind.LEADERSHIP, "Leader of " + leaseRef() + " is now '" + holder + "'");
                out.add(new ElectionAction.NewLeader(after));
            }
        }
        if (after != null && after.isHeld() && !after.isHeldBy(me)
            && now - expiresAt(after, observedAt, now, wallNow) < 0) {
            decided();
        }
        return true;
    }

    private LeaseRecord record() {
        return observed == null ? null : observed.record();
    }

    // ---- decisions ------------------------------------------------------------------------------------------

    /** After every input: the request to send now, if any, or the timer that will ask again. */
    private void decide() {
        if (inFlight != null) {
            return;
        }
        switch (phase) {
            case FOLLOWER -> decideAsFollower();
            case LEADER -> decideAsLeader();
            case DRAINING -> decideWhileDraining();
            case RELEASING -> decideRelease();
            default -> {
                // NEW, YIELDING, STOPPED: nothing to write
            }
        }
    }

    private void decideAsFollower() {
        if (armed.containsKey(ElectionTimer.RETRY)) {
            return;
        }
        if (refreshNeeded || !known) {
            send(new LeaseRequest.Get());
            return;
        }
        if (!competes()) {
            cancel(ElectionTimer.EXPIRY);
            return;
        }
        if (observed == null) {
            send(new LeaseRequest.Create(newTerm(0)));
            return;
        }
        LeaseRecord record = observed.record();
        if (termToRenumber) {
            termToRenumber = false;
            if (record.isHeldBy(me)) {
                send(new LeaseRequest.Update(newTerm(transitionsAfter(record)), observed));
                return;
            }
        }
        if (isFree(record)) {
            send(new LeaseRequest.Update(newTerm(transitionsAfter(record)), observed));
            return;
        }
        long expiry = expiresAt(record, observedAt, now, wallNow);
        if (now - expiry >= 0) {
            // Our own record is taken like anyone else's, only once expired: it is a term we lost (renewDeadline
            // passed) or our previous incarnation's, which may still be running somewhere. Renewing it at once let
            // a leader whose calls took longer than renewDeadline keep the Lease changing while never leading.
            send(new LeaseRequest.Update(newTerm(transitionsAfter(record)), observed));
            return;
        }
        recovered();
        arm(ElectionTimer.EXPIRY, expiry);
    }

    private void decideAsLeader() {
        if (!renewDue || armed.containsKey(ElectionTimer.RETRY)) {
            return;
        }
        if (refreshNeeded) {
            send(new LeaseRequest.Get());
            return;
        }
        send(new LeaseRequest.Update(renewal(observed.record()), observed));
    }

    private void decideWhileDraining() {
        if (!drained() && !drainTimedOut) {
            if (holdsTerm && !lapsed) {
                decideAsLeader();
            }
            return;
        }
        if (stepsInFlight > 0) {
            report(Kind.PROBLEM, me + " still has " + stepsInFlight + " leader-only step(s) of Lease " + leaseRef()
                                 + " running after " + config.leaseDuration()
                                 + "; not releasing: followers take over when the Lease expires");
            finish();
            return;
        }
        if (!lostDelivered) {
            report(Kind.PROBLEM, "Leadership listeners of " + leaseRef() + " still busy after "
                                 + config.leaseDuration() + "; releasing anyway");
        }
        if (releaseWanted && holdsTerm) {
            phase = Phase.RELEASING;
            releaseTries = 0;
            cancel(ElectionTimer.RENEW);
            cancel(ElectionTimer.DEADLINE);
            cancel(ElectionTimer.RETRY);
            decideRelease();
        } else {
            finish();
        }
    }

    /** Clears the holder (client-go's ReleaseOnCancel), only while the record is still this term's. */
    private void decideRelease() {
        if (refreshNeeded) {
            send(new LeaseRequest.Get());
            return;
        }
        if (holdsTerm && observed != null && observed.record().isHeldBy(me) && releaseTries < MAX_RELEASE_TRIES) {
            releaseTries++;
            send(new LeaseRequest.Update(new LeaseRecord("", 1, wallNow, wallNow, observed.record().leaseTransitions()),
                    observed));
            return;
        }
        finish();
    }

    // ---- transitions ----------------------------------------------------------------------------------------

    private void stepDown(String reason) {
        phase = Phase.FOLLOWER;
        renewDue = false;
        losses++;
        cancel(ElectionTimer.RENEW);
        cancel(ElectionTimer.DEADLINE);
        report(Kind.LEADERSHIP, "Stopped leading " + leaseRef() + ": " + reason);
        out.add(new ElectionAction.Lost(record(), reason));
    }

    /** Stop or yield: a leader tells LOST first; the Lease stays held until the steps in flight have ended. */
    private void beginDraining(String lostReason) {
        if (phase == Phase.LEADER) {
            losses++;
            lostDelivered = false;
            report(Kind.LEADERSHIP, "Stopped leading " + leaseRef() + " (" + lostReason + ")");
            out.add(new ElectionAction.Lost(record(), lostReason));
        }
        phase = Phase.DRAINING;
        lapsed = !holdsTerm;
        drainTimedOut = false;
        cancel(ElectionTimer.EXPIRY);
        arm(ElectionTimer.DRAIN_TIMEOUT, now + leaseDurationNanos);
    }

    /** The end of DRAINING or RELEASING: STOPPED, or out of the election until the yield ends. */
    private void finish() {
        cancel(ElectionTimer.RENEW);
        cancel(ElectionTimer.DEADLINE);
        cancel(ElectionTimer.RETRY);
        cancel(ElectionTimer.EXPIRY);
        cancel(ElectionTimer.DRAIN_TIMEOUT);
        renewDue = false;
        releaseWanted = false;
        if (then == Phase.STOPPED) {
            phase = Phase.STOPPED;
            cancel(ElectionTimer.POLL);
            cancel(ElectionTimer.YIELD_END);
            decided();
            out.add(new ElectionAction.Stopped());
        } else if (yieldOver) {
            phase = Phase.FOLLOWER;
            refreshNeeded = true;
            report(Kind.LEADERSHIP, unready ? "Stays out of the election on " + leaseRef() + " while not ready"
                    : "Competes again for " + leaseRef() + " after yielding");
        } else {
            phase = Phase.YIELDING;
        }
        then = Phase.STOPPED;
    }

    private void decided() {
        if (!decided) {
            decided = true;
            out.add(new ElectionAction.Decided());
        }
    }

    /** A request reached its goal: a decision, a successful write or a conflict (not a read before a failing write). */
    private void recovered() {
        if (failing) {
            failing = false;
            report(Kind.RECOVERY, me + " reaches Lease " + leaseRef() + " again");
        }
        lastError = null;
    }

    // ---- records, requests, timers ---------------------------------------------------------------------------

    private LeaseRecord newTerm(int transitions) {
        return new LeaseRecord(me, config.leaseDurationSeconds(), wallNow, wallNow, transitions);
    }

    private LeaseRecord renewal(LeaseRecord held) {
        Instant acquired = held.acquireTime() != null ? held.acquireTime() : wallNow;
        return new LeaseRecord(me, config.leaseDurationSeconds(), acquired, wallNow, held.leaseTransitions());
    }

    private void send(LeaseRequest request) {
        inFlight = request;
        sentAt = now;
        watchedSinceSent = null;
        out.add(new ElectionAction.Send(request));
    }

    private LeaseRequest answered() {
        LeaseRequest request = inFlight;
        inFlight = null;
        return request;
    }

    void arm(ElectionTimer timer, long at) {
        Long current = armed.get(timer);
        if (current == null || current != at) {
            armed.put(timer, at);
            out.add(new ElectionAction.Arm(timer, at));
        }
    }

    private void cancel(ElectionTimer timer) {
        if (armed.remove(timer) != null) {
            out.add(new ElectionAction.Cancel(timer));
        }
    }

    private void report(Kind kind, String message) {
        out.add(new ElectionAction.Report(kind, message));
    }

    private String leaseRef() {
        return config.namespace() + "/" + config.leaseName();
    }

    private static String millis(long nanos) {
        return nanos / 1_000_000 + "ms";
    }

    // ---- what the driver reports about the candidate ---------------------------------------------------------

    /** The public view of the phase: DRAINING and RELEASING count as STOPPED after a stop, else as FOLLOWER. */
    LeaseElector.State state() {
        return switch (phase) {
            case NEW -> LeaseElector.State.NEW;
            case LEADER -> LeaseElector.State.LEADER;
            case STOPPED -> LeaseElector.State.STOPPED;
            case DRAINING, RELEASING -> then == Phase.STOPPED
                    ? LeaseElector.State.STOPPED : LeaseElector.State.FOLLOWER;
            case FOLLOWER, YIELDING -> LeaseElector.State.FOLLOWER;
        };
    }

    LeaseRecord observedRecord() {
        return record();
    }

    RuntimeException lastError() {
        return lastError;
    }

    long lastRenewalSentAt() {
        return lastRenewalSentAt;
    }

    /** The strategy of the Lease if a coordination controller owns it (spec.strategy), else null. */
    String coordinatedBy() {
        return reportedStrategy;
    }

    /** Whether a readinessGate keeps this candidate out: the rest of its process is not ready. */
    boolean isUnready() {
        return unready;
    }

    boolean isYielding() {
        return phase == Phase.YIELDING
               || then == Phase.YIELDING && (phase == Phase.DRAINING || phase == Phase.RELEASING);
    }

    boolean isRunning() {
        return phase != Phase.NEW && phase != Phase.STOPPED && !(then == Phase.STOPPED
                && (phase == Phase.DRAINING || phase == Phase.RELEASING));
    }

    ElectionStatistics statistics() {
        return new ElectionStatistics(acquisitions, losses, conflicts, errors, lastRenewal, lastObservation);
    }

    /**
     * How long the API server has not answered: since the first failed request of the current run of failures, or
     * since the request in flight was sent; zero while requests succeed (a follower with a healthy watch sends none).
     */
    long unreachableNanos(long nanos) {
        if (failing) {
            return Math.max(0, nanos - failingSince);
        }
        return inFlight != null ? Math.max(0, nanos - sentAt) : 0;
    }
}
