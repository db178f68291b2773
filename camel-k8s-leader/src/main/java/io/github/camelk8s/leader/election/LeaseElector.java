package io.github.camelk8s.leader.election;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One candidate competing for one Lease, from {@link #start()} until {@link #stop()}: a follower until a write
 * makes it holder, then leader until it steps down or is stopped, then a follower again. Created by
 * {@link LeaseElectorFactory}, which shares the watch and threads among electors.
 * <p>
 * Everything revolves around one observed record and the local monotonic time at which it was first observed:
 * <ul>
 * <li>absent or released (empty holder): write it now;</li>
 * <li>held by this identity while leading: renew it now;</li>
 * <li>held by another, or by this identity while not leading (a term it lost, or one left by its previous
 * incarnation): write it only once it has stayed unchanged for its leaseDurationSeconds, measured from our own
 * observation; a timer fires at that moment rather than a poll finding it later.</li>
 * </ul>
 * Every write carries the resourceVersion that was read, so of two candidates acting on the same observation
 * only one succeeds; the other gets a 409 and re-reads.
 * <p>
 * Threads: API calls run on the factory's I/O executor, one attempt at a time per elector; timers run on its
 * timing thread and never call the API, so a request hanging on a dead connection cannot postpone the
 * renewDeadline step-down; listeners run on the event executor, in order. State is guarded by {@code this} and
 * the lock is never held across an API call.
 */
public final class LeaseElector implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LeaseElector.class);

    /** A 409 answers "someone else wrote"; re-read and decide again, but not forever within one attempt. */
    private static final int MAX_ROUNDS_PER_ATTEMPT = 3;
    private static final int MAX_RELEASE_TRIES = 3;

    public enum State {
        NEW,
        FOLLOWER,
        LEADER,
        STOPPED
    }

    private final LeaderElectionConfig config;
    private final LeaseApi api;
    private final NamespaceLeaseWatch watch;
    private final LeaseObserver watchObserver = new WatchObserver();
    private final ElectionClock clock;
    private final ScheduledExecutorService timer;
    private final Executor io;
    private final Executor events;
    private final Runnable onStop;
    private final List<LeadershipListener> listeners = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Void> firstDecision = new CompletableFuture<>();
    /** The thread running one of our listener callbacks right now, if any (events are delivered one at a time). */
    private volatile Thread notifyingThread;

    // guarded by this
    private State state = State.NEW;
    private LeaseRecord observed;
    /** The Lease the observed record was read from, or null if absent: updates are written into it. */
    private Lease observedLease;
    private String observedResourceVersion;
    private long observedAtNanos;
    private boolean refreshNeeded = true;
    private long validUntilNanos;
    private long lastRenewedNanos;
    private String reportedHolder = "";
    private boolean attemptRunning;
    private boolean attemptPending;
    private boolean watchRequested;
    private boolean failing;
    private RuntimeException lastError;
    private ScheduledFuture<?> expiryTimer;
    private ScheduledFuture<?> renewTimer;
    private ScheduledFuture<?> deadlineTimer;
    private ScheduledFuture<?> retryTimer;
    private ScheduledFuture<?> pollTimer;
    // statistics and yielding (additions kept together), guarded by this
    private long acquisitions;
    private long losses;
    private long conflicts;
    private long errors;
    private Instant lastRenewal;
    private Instant lastObservation;
    private long attemptStartedNanos;
    private long failingSinceNanos;
    private boolean yielding;
    private boolean yieldReleaseReady;
    private ScheduledFuture<?> yieldTimer;

    LeaseElector(LeaderElectionConfig config, LeaseApi api, NamespaceLeaseWatch watch, ElectionClock clock,
                 ScheduledExecutorService timer, Executor io, Executor eventPool, Runnable onStop) {
        this.config = config;
        this.api = api;
        this.watch = watch;
        this.clock = clock;
        this.timer = timer;
        this.io = io;
        this.events = new SerialExecutor(eventPool);
        this.onStop = onStop;
    }

    public LeaderElectionConfig config() {
        return config;
    }

    /**
     * Adds a listener and tells it, first, what is already known: {@code elected} if this candidate leads now,
     * else {@code newLeader} if another holder has been observed.
     */
    public synchronized void addListener(LeadershipListener listener) {
        listeners.add(listener);
        if (state == State.LEADER) {
            LeaseRecord current = observed;
            events.execute(() -> notify(listener, l -> l.elected(current)));
        } else if (observed != null && observed.isHeld() && !observed.isHeldBy(config.identity())) {
            LeaseRecord current = observed;
            events.execute(() -> notify(listener, l -> l.newLeader(current)));
        }
    }

    public void removeListener(LeadershipListener listener) {
        listeners.remove(listener);
    }

    /** Starts competing: reads the Lease, acquires it if it is free, and watches it. */
    public void start() {
        synchronized (this) {
            if (state != State.NEW) {
                throw new IllegalStateException("LeaseElector for " + config + " was already started");
            }
            state = State.FOLLOWER;
        }
        watch.addObserver(config.leaseName(), watchObserver);
        synchronized (this) {
            long period = config.retryPeriod().toNanos();
            pollTimer = timer.scheduleAtFixedRate(this::pollIfNotWatching, period, period, TimeUnit.NANOSECONDS);
            startAttempt();
        }
        LOG.debug("Started candidate {}", config);
    }

    /**
     * Whether this candidate may act as leader right now: it is leader and its last successful renewal was sent
     * less than renewDeadline ago, by the local monotonic clock. Checked per exchange, this catches what the
     * step-down timer cannot, e.g. a process that was paused past its deadline and has not run the timer yet.
     */
    public synchronized boolean isLeader() {
        return state == State.LEADER && clock.nanoTime() - validUntilNanos < 0;
    }

    public synchronized State state() {
        return state;
    }

    /** The last record observed (read, watched or written), or null if the Lease is absent or not yet read. */
    public synchronized LeaseRecord observedRecord() {
        return observed;
    }

    /** The holder last observed, or empty if none (released, absent, or not yet read). */
    public synchronized String holderIdentity() {
        return observed == null ? "" : observed.holderIdentity();
    }

    /**
     * The last API failure, cleared once an attempt succeeds again (a read alone does not count when the write
     * that follows it fails); null while the election's calls succeed.
     */
    public synchronized RuntimeException lastError() {
        return lastError;
    }

    /** Monotonic time of the last successful renewal's sending, or 0 if never leader. */
    public synchronized long lastRenewedNanos() {
        return lastRenewedNanos;
    }

    /** Counters and times of this candidate since it started. */
    public synchronized ElectionStatistics statistics() {
        return new ElectionStatistics(acquisitions, losses, conflicts, errors, lastRenewal, lastObservation);
    }

    /**
     * How long this candidate has been unable to reach the API server: since the start of the first failed attempt
     * of the current run of failures, or since the start of an attempt that has not been answered yet; zero while
     * its calls succeed. A follower whose watch is healthy makes no calls, so this stays zero.
     */
    public synchronized Duration unreachableFor() {
        long now = clock.nanoTime();
        if (failing) {
            return Duration.ofNanos(Math.max(0, now - failingSinceNanos));
        }
        return attemptRunning ? Duration.ofNanos(Math.max(0, now - attemptStartedNanos)) : Duration.ZERO;
    }

    /** Whether this candidate is staying out of the election after {@link #yieldLeadership(Duration)}. */
    public synchronized boolean isYielding() {
        return yielding;
    }

    /**
     * Steps aside for {@code duration}, for planned maintenance. A leader steps down at once (its listeners are told
     * {@code lost}) and, once they have handled that, releases the Lease, so another candidate takes over as soon as
     * it sees the release. A follower just stays out. Either way this candidate does not try to acquire the Lease
     * until {@code duration} has passed, and then competes again like any follower. Returns whether it was leader;
     * does not wait for the release. Yielding again while yielding restarts the duration.
     */
    public boolean yieldLeadership(Duration duration) {
        if (duration == null || duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("Invalid k8s-leader option yieldDuration="
                                               + (duration == null ? null : LeaderElectionConfig.format(duration))
                                               + ": must be greater than 0");
        }
        synchronized (this) {
            if (state == State.NEW || state == State.STOPPED) {
                throw new IllegalStateException("LeaseElector for " + config + " is not running");
            }
            boolean wasLeader = state == State.LEADER;
            yielding = true;
            cancel(yieldTimer);
            cancel(expiryTimer);
            yieldTimer = timer.schedule(this::yieldEnded, duration.toNanos(), TimeUnit.NANOSECONDS);
            if (wasLeader) {
                yieldReleaseReady = false;
                stepDown("yielding for " + duration);
                // release only once the listeners have handled LOST, as on stop: the leader-only routes have
                // stopped before another candidate can see the Lease free
                try {
                    events.execute(this::releaseAfterYield);
                } catch (RejectedExecutionException e) {
                    releaseAfterYield();
                }
            } else {
                yieldReleaseReady = true;
                log("Stays out of the election on " + leaseRef() + " for " + duration);
            }
            return wasLeader;
        }
    }

    private synchronized void releaseAfterYield() {
        if (yielding && state == State.FOLLOWER) {
            yieldReleaseReady = true;
            startAttempt();
        }
    }

    private synchronized void yieldEnded() {
        if (!yielding) {
            return;
        }
        yielding = false;
        yieldReleaseReady = false;
        if (state == State.FOLLOWER) {
            log("Competes again for " + leaseRef() + " after yielding");
            refreshNeeded = true;
            startAttempt();
        }
    }

    /**
     * Waits until this candidate is leader or has observed a valid lease held by another, whichever comes first,
     * or the timeout passes. Returns whether a decision was reached.
     */
    public boolean awaitDecision(Duration timeout) throws InterruptedException {
        try {
            firstDecision.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (java.util.concurrent.TimeoutException e) {
            return false;
        } catch (java.util.concurrent.ExecutionException e) {
            return false;
        }
    }

    /**
     * Stops competing. A leader first tells its listeners it lost leadership and waits for them (so a route
     * controlled by the lease has stopped), then, with releaseOnStop, clears the holder so a follower takes over at
     * once instead of waiting for the lease to expire. Called from one of this elector's own listeners, it returns
     * at once and the release follows on the event thread, after the listeners have been told they lost.
     */
    public void stop() {
        boolean wasLeader;
        synchronized (this) {
            if (state == State.STOPPED) {
                return;
            }
            wasLeader = state == State.LEADER;
            state = State.STOPPED;
            cancelTimers();
            cancel(pollTimer);
            cancel(yieldTimer);
            if (wasLeader) {
                losses++;
                fire(l -> l.lost(observed));
                log("Stopped leading " + leaseRef() + " (candidate stopped)");
            }
        }
        watch.removeObserver(config.leaseName(), watchObserver);
        firstDecision.complete(null);
        if (Thread.currentThread() == notifyingThread) {
            // Called from one of our own listeners (say, a route that shuts its context down once elected). The
            // lost event just queued cannot be delivered before that callback returns, so waiting for it here
            // stalled the caller for leaseDuration and then released while other listeners might still be leading.
            // Finish behind it on the event queue instead: the release still follows every listener's lost.
            try {
                events.execute(() -> finishStop(false));
                return;
            } catch (RejectedExecutionException e) {
                // the event executor is shut down: no listener is left to wait for
            }
            finishStop(false);
        } else {
            finishStop(true);
        }
    }

    /** Lets a write in flight land and the listeners finish, releases the lease if configured to, tells the factory. */
    private void finishStop(boolean waitForListeners) {
        awaitAttempt(config.renewDeadline());
        if (waitForListeners) {
            // No follower can take over before it observes the release or the lease expires, so waiting up to a
            // leaseDuration for the listeners (routes stopping) costs no safety; past it, the lease has expired
            // anyway.
            awaitListeners(config.leaseDuration());
        }
        if (config.releaseOnStop()) {
            release();
        }
        onStop.run();
    }

    @Override
    public void close() {
        stop();
    }

    // ---- the attempt: read if needed, decide, write ----------------------------------------------------------

    /** Runs an attempt now, or right after the one in progress, which may have decided on stale information. */
    private void startAttempt() {
        if (state == State.STOPPED) {
            return;
        }
        if (attemptRunning) {
            attemptPending = true;
            return;
        }
        attemptRunning = true;
        attemptStartedNanos = clock.nanoTime();
        try {
            io.execute(this::attempt);
        } catch (RejectedExecutionException e) {
            attemptRunning = false;
        }
    }

    /**
     * Starts the namespace watch once this candidate's first attempt is over and its outcome has reached the
     * listeners (ELECTED and the route started, or NEW_LEADER). Started with the first read instead, its list and
     * new connection competed for the CPU with the election and the route start: start-up took ~10 ms longer on two
     * cores. Nothing is missed meanwhile: the watch begins by listing the Leases as they are then, and until it is
     * up the poll timer reads every retryPeriod.
     */
    private void startWatchAfterListeners() {
        try {
            events.execute(watch::start);
        } catch (RejectedExecutionException e) {
            // the factory is closed: no watch wanted any more
        }
    }

    private void attempt() {
        try {
            for (int round = 0; round < MAX_ROUNDS_PER_ATTEMPT; round++) {
                boolean refresh;
                synchronized (this) {
                    if (state == State.STOPPED) {
                        return;
                    }
                    refresh = refreshNeeded;
                }
                if (refresh) {
                    Lease current = api.get();
                    synchronized (this) {
                        observe(current);
                        refreshNeeded = false;
                    }
                }
                Write write;
                synchronized (this) {
                    write = decide();
                    if (write == null) {
                        recovered();
                    }
                }
                if (write == null) {
                    return;
                }
                // validity is counted from before the request leaves: the API server may apply it at any moment
                // after this, and followers time expiry from when they see it, which is later still
                long sentAt = clock.nanoTime();
                try {
                    Lease written = write.read == null
                            ? api.create(write.record) : api.update(write.record, write.read);
                    synchronized (this) {
                        recovered();
                        writeSucceeded(written, sentAt);
                    }
                    return;
                } catch (LeaseConflictException e) {
                    LOG.debug("{} lost a write race: {}", config.identity(), e.getMessage());
                    synchronized (this) {
                        conflicts++;
                        // unless the watch has already brought something newer than what we wrote against
                        if (Objects.equals(observedResourceVersion, write.resourceVersion())) {
                            refreshNeeded = true;
                        }
                        // a conflict is the API server answering the write: contention, not an outage
                        recovered();
                        if (state == State.FOLLOWER && watch.isWatching()) {
                            // Another candidate's acquisition won; the watch brings it within milliseconds and that
                            // event decides again without a request. Reading at once made every loser of the race
                            // GET the Lease: fifty candidates answered a release with ~49 writes and then ~45
                            // reads, all competing with the winner's start. The retry is the safety net should the
                            // event not come; the event cancels it.
                            scheduleRetry(config.retryPeriod());
                            return;
                        }
                    }
                }
            }
            synchronized (this) {
                scheduleRetry(config.retryPeriod());
            }
        } catch (RuntimeException e) {
            synchronized (this) {
                apiFailed(e);
            }
        } finally {
            synchronized (this) {
                attemptRunning = false;
                notifyAll();
                if (!watchRequested) {
                    watchRequested = true;
                    startWatchAfterListeners();
                }
                if (attemptPending) {
                    attemptPending = false;
                    startAttempt();
                }
            }
        }
    }

    /** The write to make now, or null when there is none; then the timer that will ask again is set. */
    private Write decide() {
        if (state == State.STOPPED) {
            return null;
        }
        String me = config.identity();
        if (yielding) {
            // out of the election until yieldEnded; the only write is the release, once the listeners are done
            if (yieldReleaseReady && observed != null && observed.isHeldBy(me)) {
                var now = clock.now();
                LeaseRecord released = new LeaseRecord("", 1, now, now, observed.leaseTransitions());
                return new Write(released, observedLease);
            }
            return null;
        }
        if (observed == null) {
            return new Write(newTerm(0), null);
        }
        // Our own record is renewed at once only while we lead. A follower holding it on record has lost that
        // term (renewDeadline passed, or a renewal came back later than renewDeadline) and waits for it to expire
        // like anyone else's. Renewing it at once, as before, let a leader whose API calls took longer than
        // renewDeadline keep rewriting the Lease late, never leading again, while the followers saw a Lease that
        // kept changing and never expired: no leader for as long as one pod's network was slow.
        if (observed.isHeldBy(me) && (state == State.LEADER || expired())) {
            var acquired = observed.acquireTime() != null ? observed.acquireTime() : clock.now();
            return new Write(new LeaseRecord(me, config.leaseDurationSeconds(), acquired, clock.now(),
                    observed.leaseTransitions()), observedLease);
        }
        if (!observed.isHeld() || expired()) {
            return new Write(newTerm(observed.leaseTransitions() + 1), observedLease);
        }
        cancel(retryTimer);
        cancel(expiryTimer);
        long remaining = observedAtNanos + leaseDurationNanos(observed) - clock.nanoTime();
        expiryTimer = timer.schedule(this::expiryReached, remaining, TimeUnit.NANOSECONDS);
        return null;
    }

    private LeaseRecord newTerm(int transitions) {
        var now = clock.now();
        return new LeaseRecord(config.identity(), config.leaseDurationSeconds(), now, now, transitions);
    }

    private boolean expired() {
        return clock.nanoTime() - (observedAtNanos + leaseDurationNanos(observed)) >= 0;
    }

    /**
     * The term of the observed holder: the leaseDurationSeconds it wrote. A held record without a positive one
     * (the field is optional, and a mock or hand-written Lease may carry 0 or less, which no API server accepts)
     * gets this candidate's own leaseDuration instead. Reading it as "expired at once", as before (and as
     * client-go does), let a candidate take a Lease whose holder was renewing it every second: two leaders.
     */
    private long leaseDurationNanos(LeaseRecord record) {
        return record.leaseDurationSeconds() > 0
                ? TimeUnit.SECONDS.toNanos(record.leaseDurationSeconds()) : config.leaseDuration().toNanos();
    }

    private void writeSucceeded(Lease written, long sentAt) {
        observe(written);
        refreshNeeded = false;
        if (state == State.STOPPED) {
            return;
        }
        if (yielding) {
            if (observed.isHeldBy(config.identity())) {
                // a renewal sent before the yield landed after it: release that record too, in the next round
                attemptPending = true;
            } else {
                log("Released " + leaseRef() + " (yielding)");
            }
            return;
        }
        long validUntil = sentAt + config.renewDeadline().toNanos();
        if (clock.nanoTime() - validUntil >= 0) {
            // the call outlived renewDeadline: followers may already be timing our record out, so acting on it
            // now would shorten their margin; stay (or become) a follower and let the next renewal decide
            if (state == State.LEADER) {
                stepDown("the renewal took longer than renewDeadline");
            }
            scheduleRetry(config.retryPeriod());
            return;
        }
        validUntilNanos = validUntil;
        lastRenewedNanos = sentAt;
        lastRenewal = clock.now();
        cancel(expiryTimer);
        cancel(retryTimer);
        cancel(deadlineTimer);
        cancel(renewTimer);
        deadlineTimer = timer.schedule(this::deadlineReached, validUntil - clock.nanoTime(), TimeUnit.NANOSECONDS);
        renewTimer = timer.schedule(this::renew, config.renewalInterval().toNanos(), TimeUnit.NANOSECONDS);
        if (state != State.LEADER) {
            state = State.LEADER;
            acquisitions++;
            LeaseRecord record = observed;
            log("Became leader of " + leaseRef() + " (transitions=" + record.leaseTransitions() + ")");
            fire(l -> l.elected(record));
            firstDecision.complete(null);
        }
    }

    private void apiFailed(RuntimeException e) {
        refreshNeeded = true;
        lastError = e;
        errors++;
        if (!failing) {
            failing = true;
            failingSinceNanos = attemptStartedNanos;
            LOG.warn("{} cannot reach Lease {}, retrying every {}: {}", config.identity(), leaseRef(),
                    config.retryPeriod(), e.getMessage());
        } else {
            LOG.debug("{} still cannot reach Lease {}: {}", config.identity(), leaseRef(), e.getMessage());
        }
        Duration retry = state == State.LEADER && config.renewalInterval().compareTo(config.retryPeriod()) < 0
                ? config.renewalInterval() : config.retryPeriod();
        scheduleRetry(retry);
    }

    /**
     * The attempt reached its goal: a decision, a successful write or a conflict. Not called after the read that
     * starts an attempt: when reads work but writes fail (a 403 on update, a failing API server), calling it there
     * logged WARN and INFO on every retry and made {@link #lastError()} blink to null between failures.
     */
    private void recovered() {
        if (failing) {
            failing = false;
            LOG.info("{} reaches Lease {} again", config.identity(), leaseRef());
        }
        lastError = null;
    }

    // ---- observations --------------------------------------------------------------------------------------

    /**
     * Takes in what the API server says the Lease is now (null: absent). The observed time restarts only when the
     * record changes, so a record that keeps being re-read unchanged still expires.
     */
    private void observe(Lease lease) {
        lastObservation = clock.now();
        String version = lease == null ? null : lease.getMetadata().getResourceVersion();
        if (lease != null && isOlder(version, observedResourceVersion)) {
            return;
        }
        LeaseRecord record = lease == null ? null : LeaseRecord.of(lease);
        observedLease = lease;
        observedResourceVersion = version;
        if (!Objects.equals(record, observed)) {
            observed = record;
            observedAtNanos = clock.nanoTime();
        }
        String holder = record == null ? "" : record.holderIdentity();
        if (state == State.LEADER && !holder.equals(config.identity())) {
            stepDown(record == null ? "the Lease was deleted" : "the Lease is now held by '" + holder + "'");
        }
        if (!holder.equals(reportedHolder)) {
            reportedHolder = holder;
            if (!holder.isEmpty() && !holder.equals(config.identity())) {
                LeaseRecord current = record;
                log("Leader of " + leaseRef() + " is now '" + holder + "'");
                fire(l -> l.newLeader(current));
            }
        }
        if (record != null && record.isHeld() && !record.isHeldBy(config.identity()) && !expired()) {
            firstDecision.complete(null);
        }
    }

    /**
     * resourceVersions are opaque by contract, but every API server issues them from one increasing counter
     * (etcd's revision). Comparing them, where they parse as numbers, keeps a watch event that was overtaken by a
     * newer read or write from rolling the observation back; where they do not parse, we accept the event and
     * rely on the next write's conflict check.
     */
    private static boolean isOlder(String candidate, String current) {
        if (candidate == null || current == null) {
            return false;
        }
        try {
            return Long.parseLong(candidate) < Long.parseLong(current);
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private final class WatchObserver implements LeaseObserver {
        @Override
        public void leaseChanged(Lease lease) {
            synchronized (LeaseElector.this) {
                if (state == State.STOPPED) {
                    return;
                }
                observe(lease);
                refreshNeeded = false;
                if (state == State.FOLLOWER) {
                    // decides without any request: takes a released lease now, or sets the expiry timer
                    startAttempt();
                }
            }
        }

        @Override
        public void leaseDeleted(Lease lastKnown) {
            synchronized (LeaseElector.this) {
                if (state == State.STOPPED
                        || isOlder(lastKnown.getMetadata().getResourceVersion(), observedResourceVersion)) {
                    return;
                }
                observe(null);
                refreshNeeded = false;
                startAttempt();
            }
        }
    }

    // ---- timers (timing thread: never an API call here) ----------------------------------------------------

    private synchronized void expiryReached() {
        if (state == State.FOLLOWER) {
            startAttempt();
        }
    }

    private synchronized void renew() {
        if (state == State.LEADER) {
            startAttempt();
        }
    }

    private synchronized void retry() {
        if (state == State.FOLLOWER || state == State.LEADER) {
            startAttempt();
        }
    }

    /** Fences the leader: no successful renewal for renewDeadline means stepping down, whatever is in flight. */
    private synchronized void deadlineReached() {
        if (state != State.LEADER) {
            return;
        }
        long remaining = validUntilNanos - clock.nanoTime();
        if (remaining > 0) {
            deadlineTimer = timer.schedule(this::deadlineReached, remaining, TimeUnit.NANOSECONDS);
            return;
        }
        stepDown("no successful renewal for renewDeadline (" + config.renewDeadline() + ")");
    }

    /**
     * The safety net while the watch is down, not a second retry loop: while an attempt runs or the retry of a
     * failed one is due, that attempt reads the Lease anyway. Polling regardless, as before, made a candidate that
     * the API server refuses (no RBAC: the informer cannot list either) read twice per retryPeriod, the poll and the
     * retry each starting a read; first seen against a real API server.
     */
    private synchronized void pollIfNotWatching() {
        boolean retryDue = retryTimer != null && !retryTimer.isDone();
        if (state == State.FOLLOWER && !watch.isWatching() && !attemptRunning && !retryDue) {
            refreshNeeded = true;
            startAttempt();
        }
    }

    private void scheduleRetry(Duration delay) {
        cancel(retryTimer);
        if (state != State.STOPPED) {
            retryTimer = timer.schedule(this::retry, delay.toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    private void stepDown(String reason) {
        state = State.FOLLOWER;
        losses++;
        cancelTimers();
        log("Stopped leading " + leaseRef() + ": " + reason);
        LeaseRecord last = observed;
        fire(l -> l.lost(last));
        // compete again as a follower; the next attempt reads the Lease first
        refreshNeeded = true;
        scheduleRetry(config.retryPeriod());
    }

    private void cancelTimers() {
        cancel(expiryTimer);
        cancel(renewTimer);
        cancel(deadlineTimer);
        cancel(retryTimer);
    }

    private static void cancel(ScheduledFuture<?> future) {
        if (future != null) {
            future.cancel(false);
        }
    }

    // ---- release ---------------------------------------------------------------------------------------------

    /**
     * Clears the holder (client-go's ReleaseOnCancel: empty holder, leaseDurationSeconds 1) if the Lease still
     * names this candidate. An update with the resourceVersion read, so a lease someone else took meanwhile is
     * left alone; a conflict with our own in-flight renewal is resolved by reading again.
     */
    private void release() {
        LeaseRecord record;
        Lease read;
        synchronized (this) {
            record = observed;
            read = observedLease;
        }
        for (int i = 0; i < MAX_RELEASE_TRIES; i++) {
            if (record == null || !record.isHeldBy(config.identity())) {
                return;
            }
            var now = clock.now();
            var released = new LeaseRecord("", 1, now, now, record.leaseTransitions());
            try {
                api.update(released, read);
                log("Released " + leaseRef());
                return;
            } catch (LeaseConflictException e) {
                synchronized (this) {
                    conflicts++;
                }
                read = api.get();
                record = read == null ? null : LeaseRecord.of(read);
            } catch (RuntimeException e) {
                synchronized (this) {
                    errors++;
                }
                LOG.warn("{} could not release Lease {}; followers take over when it expires: {}",
                        config.identity(), leaseRef(), e.getMessage());
                return;
            }
        }
    }

    // ---- listeners -------------------------------------------------------------------------------------------

    /** Queues a callback for the listeners registered now; called under the lock so events keep their order. */
    private void fire(Consumer<LeadershipListener> callback) {
        List<LeadershipListener> targets = List.copyOf(listeners);
        try {
            events.execute(() -> targets.forEach(l -> notify(l, callback)));
        } catch (RejectedExecutionException e) {
            LOG.warn("Leadership event for {} dropped: the event executor is shut down", leaseRef());
        }
    }

    private void notify(LeadershipListener listener, Consumer<LeadershipListener> callback) {
        notifyingThread = Thread.currentThread();
        try {
            callback.accept(listener);
        } catch (RuntimeException e) {
            LOG.warn("Leadership listener {} failed on {}: {}", listener, leaseRef(), e.toString(), e);
        } finally {
            notifyingThread = null;
        }
    }

    /** Lets a write in flight land first, so the release reads what it wrote rather than racing it. */
    private synchronized void awaitAttempt(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            for (long left = timeout.toNanos(); attemptRunning && left > 0; left = deadline - System.nanoTime()) {
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void awaitListeners(Duration timeout) {
        CountDownLatch drained = new CountDownLatch(1);
        try {
            events.execute(drained::countDown);
            if (!drained.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("Leadership listeners of {} still busy after {}; releasing anyway", leaseRef(), timeout);
            }
        } catch (RejectedExecutionException e) {
            // nothing to wait for
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void log(String message) {
        LOG.atLevel(config.loggingLevel()).log("{}: {}", config.identity(), message);
    }

    private String leaseRef() {
        return config.namespace() + "/" + config.leaseName();
    }

    @Override
    public String toString() {
        return "LeaseElector[" + config.identity() + " on " + leaseRef() + "]";
    }

    /** A record to write: created if {@code read} is null (the Lease is absent), else written into {@code read}. */
    private record Write(LeaseRecord record, Lease read) {
        String resourceVersion() {
            return read == null ? null : read.getMetadata().getResourceVersion();
        }
    }
}
