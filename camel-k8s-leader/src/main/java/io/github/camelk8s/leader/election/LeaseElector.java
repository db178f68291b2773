package io.github.camelk8s.leader.election;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

import io.github.camelk8s.leader.election.ElectionAction.Report;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * One candidate competing for one Lease, from {@link #start()} until {@link #stop()}: a follower until a write
 * makes it holder, then leader until it steps down or is stopped, then a follower again. Created by
 * {@link LeaseElectorFactory}, which shares the watch and threads among electors.
 * <p>
 * The election rules live in {@link ElectionCore}, which decides and never waits; this class drives it: it feeds
 * the core every input (a watch event, an answer of the API server, a timer, a stop) with the time it happened,
 * sends the requests the core asks for, arms its timers and tells the listeners. The core is called under this
 * object's lock, one input at a time, and every action it returns only hands work to another thread (API calls to
 * the store's threads, timers to the scheduler, listener callbacks to the event executor), so the lock is never
 * held across an API call or a listener, and a request hanging on a dead connection cannot postpone the
 * renewDeadline step-down, which is a timer.
 * <p>
 * Listeners run on the event executor, one callback at a time, in the order the core emitted them.
 */
public final class LeaseElector implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LeaseElector.class);

    public enum State {
        NEW,
        FOLLOWER,
        LEADER,
        STOPPED
    }

    /** An input waiting for the core; a timer's input carries the arming it belongs to. */
    private record Queued(ElectionInput input, ElectionTimer timer, long generation) {
    }

    private final LeaderElectionConfig config;
    private final ElectionCore core;
    private final LeaseStore store;
    private final LeaseWatch watch;
    private final ElectionClock clock;
    private final ElectionScheduler scheduler;
    private final Executor events;
    private final Runnable onStop;
    private final LeaseObserver watchObserver = new WatchObserver();
    private final List<LeadershipListener> listeners = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Void> firstDecision = new CompletableFuture<>();
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();
    /** The thread running one of our listener callbacks right now, if any (events are delivered one at a time). */
    private volatile Thread notifyingThread;

    // guarded by this
    private final ArrayDeque<Queued> queue = new ArrayDeque<>();
    private boolean feeding;
    private final Map<ElectionTimer, ElectionScheduler.Scheduled> timers = new EnumMap<>(ElectionTimer.class);
    private final long[] generations = new long[ElectionTimer.values().length];
    private boolean watchRequested;
    private boolean stopReported;
    /** Readiness told before the start, handed to the core right after it (before any write can be sent). */
    private Boolean readyAtStart;

    LeaseElector(LeaderElectionConfig config, ElectionCore core, LeaseStore store, LeaseWatch watch,
                 ElectionClock clock, ElectionScheduler scheduler, Executor eventPool, Runnable onStop) {
        this.config = config;
        this.core = core;
        this.store = store;
        this.watch = watch;
        this.clock = clock;
        this.scheduler = scheduler;
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
        LeaseRecord current = core.observedRecord();
        if (core.phase == ElectionCore.Phase.LEADER) {
            dispatch(() -> notify(listener, l -> l.elected(current)));
        } else if (current != null && current.isHeld() && !current.isHeldBy(config.identity())) {
            dispatch(() -> notify(listener, l -> l.newLeader(current)));
        }
    }

    public void removeListener(LeadershipListener listener) {
        listeners.remove(listener);
    }

    /** Starts competing: reads the Lease, acquires it if it is free, and watches it. */
    public void start() {
        start(config.observeOnly());
    }

    /**
     * Starts out of the election, as after {@link #withdraw()}: observing the Lease, never writing it, until
     * {@link #resume()}. Nothing can come between the start and the withdrawal, so the Lease is not taken even if
     * it is free.
     */
    public void startWithdrawn() {
        start(true);
    }

    private void start(boolean withdrawn) {
        synchronized (this) {
            if (core.phase != ElectionCore.Phase.NEW) {
                throw new IllegalStateException("LeaseElector for " + config + " was already started");
            }
        }
        watch.addObserver(config.leaseName(), watchObserver);
        synchronized (this) {
            feed(new ElectionInput.Start());
            if (readyAtStart != null) {
                feed(new ElectionInput.Readiness(readyAtStart));
            }
            if (withdrawn) {
                feed(new ElectionInput.Yield(null));
            }
        }
        LOG.debug("Started candidate {}{}", config, withdrawn ? ", withdrawn" : "");
    }

    /**
     * Whether this candidate may act as leader right now: it is leader and its last successful renewal was sent
     * less than renewDeadline ago, by the local monotonic clock. Checked per step, this catches what the
     * step-down timer cannot, e.g. a process that was paused past its deadline and has not run the timer yet.
     */
    public synchronized boolean isLeader() {
        return core.isLeader(clock.nanoTime());
    }

    /**
     * Lets one step of leader-only work begin, if {@link #isLeader()} holds now; every step so begun must be ended
     * with {@link #endStep()}. A stop or yield tells LOST at once, after which no step may begin, but releases the
     * Lease only once every step begun has ended (renewing it meanwhile), so no other candidate can take over while
     * one of this candidate's steps is still running.
     */
    public synchronized boolean tryBeginStep() {
        return core.tryBeginStep(clock.nanoTime());
    }

    /**
     * {@link #tryBeginStep()} for work that belongs to one term, such as the steps of one exchange: the step begins
     * only if this candidate may act as leader now and still leads in the term whose token is {@code term} (in
     * whatever term it leads now, if null). Returns the token of the term the step began in, or null if it must not
     * begin. Work pinned to the term of its first step never runs a step in a later term, even after this pod has
     * been elected again: its writes carry the old term's token, which the resource may already have seen overtaken.
     */
    public synchronized FencingToken tryBeginStep(FencingToken term) {
        return core.tryBeginStep(clock.nanoTime(), term);
    }

    /** The fencing token of the term this candidate leads in now, or null while it does not lead. */
    public synchronized FencingToken term() {
        return core.term();
    }

    /** Ends a step that {@link #tryBeginStep()} let begin. */
    public void endStep() {
        feed(new ElectionInput.StepEnded());
    }

    public synchronized State state() {
        return core.state();
    }

    /** The last record observed (read, watched or written), or null if the Lease is absent or not yet read. */
    public synchronized LeaseRecord observedRecord() {
        return core.observedRecord();
    }

    /** The holder last observed, or empty if none (released, absent, or not yet read). */
    public synchronized String holderIdentity() {
        LeaseRecord record = core.observedRecord();
        return record == null ? "" : record.holderIdentity();
    }

    /**
     * The last API failure, cleared once a request reaches its goal again (a read alone does not count when the
     * write that follows it fails); null while the election's calls succeed.
     */
    public synchronized RuntimeException lastError() {
        return core.lastError();
    }

    /** Monotonic time of the last successful renewal's sending, or 0 if never leader. */
    public synchronized long lastRenewedNanos() {
        return core.lastRenewalSentAt();
    }

    /** Counters and times of this candidate since it started. */
    public synchronized ElectionStatistics statistics() {
        return core.statistics();
    }

    /**
     * How long this candidate has been unable to reach the API server: since the first failed request of the
     * current run of failures, or since the request in flight was sent; zero while its calls succeed. A follower
     * whose watch is healthy makes no calls, so this stays zero.
     */
    public synchronized Duration unreachableFor() {
        return Duration.ofNanos(core.unreachableNanos(clock.nanoTime()));
    }

    /** Whether this candidate is staying out of the election after {@link #yieldLeadership(Duration)}. */
    public synchronized boolean isYielding() {
        return core.isYielding();
    }

    /**
     * Steps aside for {@code duration}, for planned maintenance. A leader steps down at once (its listeners are told
     * {@code lost}) and, once they have handled that and its leader-only steps have ended, releases the Lease, so
     * another candidate takes over as soon as it sees the release. A follower just stays out. Either way this
     * candidate does not try to acquire the Lease until {@code duration} has passed, and then competes again like
     * any follower. Returns whether it was leader; does not wait for the release. Yielding again while yielding
     * keeps the end of the first yield, and a yield while {@link #withdraw() withdrawn} does not end the
     * withdrawal.
     */
    public boolean yieldLeadership(Duration duration) {
        if (duration == null || duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("Invalid k8s-leader option yieldDuration="
                                               + (duration == null ? null : LeaderElectionConfig.format(duration))
                                               + ": must be greater than 0");
        }
        return stepAside(duration);
    }

    /** Yields for {@code duration}, or until {@link #resume()} if null; returns whether it was leader. */
    private synchronized boolean stepAside(Duration duration) {
        if (!core.isRunning()) {
            throw new IllegalStateException("LeaseElector for " + config + " is not running");
        }
        boolean wasLeader = core.phase == ElectionCore.Phase.LEADER;
        feed(new ElectionInput.Yield(duration));
        return wasLeader;
    }

    /**
     * Stays out of the election until {@link #resume()}: a leader steps down and releases the Lease as on
     * {@link #yieldLeadership}, and meanwhile the candidate keeps observing the Lease, so that once it resumes it
     * takes a record that was released or expired meanwhile at once, as a follower that never left would. For a
     * Lease rebalanced to another member. Returns whether it was leader; does not wait for the release.
     */
    public boolean withdraw() {
        return stepAside(null);
    }

    /**
     * Waits until this candidate is out of the election after {@link #withdraw()} (or a yield, or a stop): its LOST
     * listeners have returned and the release is done, or it was no leader. Returns false if {@code timeout} passed
     * first.
     */
    public synchronized boolean awaitWithdrawn(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (core.phase != ElectionCore.Phase.YIELDING && core.phase != ElectionCore.Phase.STOPPED) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
    }

    /**
     * Tells a candidate with {@link LeaderElectionConfig#readinessGate()} whether the rest of its process is ready:
     * while not, a follower does not compete, and a leader not ready again within readinessGracePeriod steps down
     * and releases the Lease. Ignored without the gate; telling the same twice changes nothing.
     */
    public synchronized void readiness(boolean ready) {
        if (core.phase == ElectionCore.Phase.NEW) {
            readyAtStart = ready;
        } else if (core.isRunning()) {
            feed(new ElectionInput.Readiness(ready));
        }
    }

    /** Whether a readinessGate keeps this candidate out of the election now. */
    public synchronized boolean isUnready() {
        return core.isUnready();
    }

    /**
     * The spec.strategy of the Lease when a coordination controller owns it (coordinated leader election): this
     * candidate then observes it and never writes. Null otherwise.
     */
    public synchronized String coordinatedBy() {
        return core.coordinatedBy();
    }

    /** Competes again after {@link #withdraw()} (or ends a yield early); does nothing if not yielding. */
    public synchronized void resume() {
        if (core.isRunning()) {
            feed(new ElectionInput.Resume());
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
        } catch (TimeoutException | ExecutionException e) {
            return false;
        }
    }

    /**
     * Stops competing. A leader tells its listeners it lost leadership, keeps the Lease (renewing it) until every
     * leader-only step it let begin has ended and the listeners have handled LOST, at most leaseDuration, and then,
     * with releaseOnStop, clears the holder so a follower takes over at once instead of waiting for the lease to
     * expire. Waits for all that, except when called from one of this elector's own listeners: then it returns at
     * once and the stop completes behind that callback.
     */
    public void stop() {
        requestStop();
        if (Thread.currentThread() == notifyingThread) {
            // Called from one of our own listeners (say, a route that shuts its context down once elected): the LOST
            // just queued cannot be delivered before that callback returns, so waiting here would only stall it.
            return;
        }
        Duration bound = config.leaseDuration().plus(config.renewDeadline().multipliedBy(2));
        try {
            stopped.get(bound.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.warn("{}: stopping on Lease {} did not complete within {}", config.identity(), leaseRef(), bound);
        } catch (ExecutionException e) {
            LOG.debug("Stop of {} failed: {}", this, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Asks this candidate to stop, as {@link #stop()} does, and returns at once: the stop completes on the threads
     * that feed the core (the simulator's single thread drives it this way, since it cannot wait).
     */
    void requestStop() {
        feed(new ElectionInput.Stop());
    }

    @Override
    public void close() {
        stop();
    }

    // ---- feeding the core ----------------------------------------------------------------------------------

    private void feed(ElectionInput input) {
        enqueue(new Queued(input, null, 0));
    }

    /**
     * Hands inputs to the core one at a time, with the time read under the lock so the core sees time move forward.
     * An input that arrives while the actions of another are being carried out on this thread (an answer that was
     * ready at once) waits its turn instead of running in the middle of them.
     */
    private void enqueue(Queued queued) {
        boolean stopNow = false;
        synchronized (this) {
            queue.add(queued);
            if (feeding) {
                return;
            }
            feeding = true;
            try {
                for (Queued next = queue.poll(); next != null; next = queue.poll()) {
                    if (next.timer() != null) {
                        if (generations[next.timer().ordinal()] != next.generation()) {
                            continue;
                        }
                        timers.remove(next.timer());
                    }
                    carryOut(core.on(next.input(), clock.nanoTime(), clock.now()), next.input());
                }
            } finally {
                feeding = false;
                // awaitWithdrawn() waits for a phase
                notifyAll();
            }
            if (core.phase == ElectionCore.Phase.STOPPED && !stopReported) {
                stopReported = true;
                stopNow = true;
            }
        }
        if (stopNow) {
            // outside the lock: the factory stops the namespace watch when this was its last elector
            watch.removeObserver(config.leaseName(), watchObserver);
            firstDecision.complete(null);
            stopped.complete(null);
            onStop.run();
        }
    }

    private void carryOut(List<ElectionAction> actions, ElectionInput cause) {
        for (ElectionAction action : actions) {
            if (action instanceof ElectionAction.Send s) {
                send(s.request());
            } else if (action instanceof ElectionAction.Arm a) {
                arm(a.timer(), a.atNanos());
            } else if (action instanceof ElectionAction.Cancel c) {
                cancelTimer(c.timer());
            } else if (action instanceof ElectionAction.Elected e) {
                fire(l -> l.elected(e.record()), false);
            } else if (action instanceof ElectionAction.Lost l) {
                fire(listener -> listener.lost(l.lastKnown()), true);
            } else if (action instanceof ElectionAction.NewLeader n) {
                fire(l -> l.newLeader(n.record()), false);
            } else if (action instanceof ElectionAction.Decided) {
                firstDecision.complete(null);
            } else if (action instanceof Report r) {
                log(r);
            } else if (action instanceof ElectionAction.Stopped) {
                timers.values().forEach(ElectionScheduler.Scheduled::cancel);
                timers.clear();
            }
        }
        if (!watchRequested && isAnswer(cause) && core.inFlight == null) {
            // The namespace watch starts once the first attempt is over (a read, and the write it led to) and its
            // outcome has reached the listeners (ELECTED and the route started, or NEW_LEADER): opened with the
            // first read, its list and connection competed with the election and the route start. Nothing is
            // missed meanwhile: it lists first, and the core polls.
            watchRequested = true;
            dispatch(watch::start);
        }
    }

    private static boolean isAnswer(ElectionInput input) {
        return input instanceof ElectionInput.Read || input instanceof ElectionInput.Written
               || input instanceof ElectionInput.Conflict || input instanceof ElectionInput.Failed;
    }

    private void send(LeaseRequest request) {
        CompletionStage<LeaseSnapshot> answer;
        try {
            if (request instanceof LeaseRequest.Create c) {
                answer = store.create(c.record());
            } else if (request instanceof LeaseRequest.Update u) {
                answer = store.update(u.record(), u.base());
            } else {
                answer = store.get();
            }
        } catch (RuntimeException e) {
            // the factory is closing: its API threads refuse work
            answer = CompletableFuture.failedFuture(e);
        }
        answer.whenComplete((lease, error) -> feed(answerOf(request, lease, error)));
    }

    private ElectionInput answerOf(LeaseRequest request, LeaseSnapshot lease, Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause == null) {
            return request instanceof LeaseRequest.Get
                    ? new ElectionInput.Read(lease) : new ElectionInput.Written(lease);
        }
        if (cause instanceof LeaseConflictException) {
            return new ElectionInput.Conflict(watch.isWatching());
        }
        return new ElectionInput.Failed(cause instanceof RuntimeException e ? e : new IllegalStateException(cause));
    }

    private void arm(ElectionTimer timer, long atNanos) {
        cancelTimer(timer);
        long generation = ++generations[timer.ordinal()];
        ElectionScheduler.Scheduled scheduled;
        try {
            scheduled = scheduler.schedule(() -> timerFired(timer, generation), atNanos - clock.nanoTime());
        } catch (RejectedExecutionException e) {
            // the factory is closed: no timer runs any more
            return;
        }
        timers.put(timer, scheduled);
    }

    private void cancelTimer(ElectionTimer timer) {
        generations[timer.ordinal()]++;
        ElectionScheduler.Scheduled scheduled = timers.remove(timer);
        if (scheduled != null) {
            scheduled.cancel();
        }
    }

    /** On the timing thread: never an API call here, only the core's decision and the hand-off of its actions. */
    private void timerFired(ElectionTimer timer, long generation) {
        enqueue(new Queued(new ElectionInput.TimerFired(timer, watch.isWatching()), timer, generation));
    }

    // ---- listeners -------------------------------------------------------------------------------------------

    /** Queues a callback for the listeners registered now; called under the lock so events keep their order. */
    private void fire(Consumer<LeadershipListener> callback, boolean lost) {
        List<LeadershipListener> targets = List.copyOf(listeners);
        boolean dispatched = dispatch(() -> {
            targets.forEach(l -> notify(l, callback));
            if (lost) {
                feed(new ElectionInput.LostDelivered());
            }
        });
        if (!dispatched && lost) {
            // nobody is left to tell: a stop waiting for LOST to be handled need not wait (called while feeding)
            queue.add(new Queued(new ElectionInput.LostDelivered(), null, 0));
        }
    }

    private boolean dispatch(Runnable task) {
        try {
            events.execute(task);
            return true;
        } catch (RejectedExecutionException e) {
            LOG.debug("Leadership event for {} dropped: the event executor is shut down", leaseRef());
            return false;
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

    private void log(Report report) {
        Level level = switch (report.kind()) {
            case LEADERSHIP -> config.loggingLevel();
            case PROBLEM -> Level.WARN;
            case RECOVERY -> Level.INFO;
            case DETAIL -> Level.DEBUG;
        };
        if (report.kind() == Report.Kind.LEADERSHIP) {
            LOG.atLevel(level).log("{}: {}", config.identity(), report.message());
        } else {
            LOG.atLevel(level).log(report.message());
        }
    }

    private String leaseRef() {
        return config.namespace() + "/" + config.leaseName();
    }

    @Override
    public String toString() {
        return "LeaseElector[" + config.identity() + " on " + leaseRef() + "]";
    }

    private final class WatchObserver implements LeaseObserver {
        @Override
        public void leaseChanged(LeaseSnapshot lease) {
            feed(new ElectionInput.Watched(lease));
        }

        @Override
        public void leaseDeleted(boolean finalStateUnknown) {
            feed(new ElectionInput.WatchedDeletion(finalStateUnknown));
        }
    }
}
