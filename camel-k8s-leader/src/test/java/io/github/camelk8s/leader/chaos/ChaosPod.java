package io.github.camelk8s.leader.chaos;

import java.time.Duration;
import java.time.Instant;

import io.github.camelk8s.leader.ElectorTap;
import io.github.camelk8s.leader.K8sLeaderComponent;
import io.github.camelk8s.leader.K8sLeaderConfiguration;
import io.github.camelk8s.leader.K8sLeaderConstants;
import io.github.camelk8s.leader.LeadershipEventType;
import io.github.camelk8s.leader.chaos.History.Source;
import io.github.camelk8s.leader.election.ElectionClock;
import io.github.camelk8s.leader.election.LeadershipListener;
import io.github.camelk8s.leader.election.LeaseRecord;
import io.github.camelk8s.leader.pods.FaultyClock;
import io.github.camelk8s.leader.policy.K8sLeaderRoutePolicy;
import io.github.camelk8s.leader.testsupport.MockApiServer;
import io.github.camelk8s.leader.testsupport.NetworkLink;
import io.github.camelk8s.leader.testsupport.Pod;
import io.github.camelk8s.leader.testsupport.Timings;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;

/**
 * One "pod" of a chaos run: a {@link Pod} (a CamelContext with its own client) with a leader-only route under
 * {@link K8sLeaderRoutePolicy} and a {@code k8s-leader:} event route, its own network ({@link NetworkLink}) to the API server and its own election
 * clock (skewed wall clock; frozen while paused). Both routes report to the shared {@link History}, and so does
 * the elector itself: a listener that hears its ELECTED and LOST before the policy acts on them.
 * <p>
 * The leader-only route does its work in {@value #STEPS} steps of about {@value #STEP_MILLIS} ms each, so that
 * two pods working at once overlap visibly and an exchange interrupted by a pause has steps left to (not) run.
 * <p>
 * <b>The pause</b> imitates a stop-the-world GC pause: the election clock freezes (every thread that reads it
 * stops there: the elector's timers and API attempts, the policy's checks) and the leader-only route stops at its
 * next safepoint, which it polls every millisecond inside a step. On resume everything runs on at once and finds
 * the clock moved on by the length of the pause. Limits: threads that do not read the clock (the HTTP client's
 * event loop, a request already past its last clock reading) keep running, so a request prepared just before the
 * pause may still be sent during it; the elector counts that request's validity from before it was sent, so this
 * only makes the simulation gentler in a way that does not matter for safety. A real pause also stops every
 * other thread of the JVM; here the other pods and the API server keep running, as other machines would.
 */
final class ChaosPod implements AutoCloseable {

    static final String LEASE = "chaos";
    static final int STEPS = 3;
    static final int STEP_MILLIS = 5;

    private final String name;
    private final History history;
    private final NetworkLink link;
    private final Pod pod;
    private final FaultyClock clock = new FaultyClock();
    private final CheckClock electionClock = new CheckClock(clock);
    private final K8sLeaderRoutePolicy policy = new K8sLeaderRoutePolicy(LEASE);
    private final Object safepoint = new Object();
    private volatile boolean paused;
    private long pausedAt;
    private volatile boolean leading;
    private final LeadershipListener electorEvents = new LeadershipListener() {
        @Override
        public void elected(LeaseRecord record) {
            leading = true;
            history.leadership(name, Source.ELECTOR, LeadershipEventType.ELECTED);
        }

        @Override
        public void lost(LeaseRecord lastKnown) {
            leading = false;
            history.leadership(name, Source.ELECTOR, LeadershipEventType.LOST);
        }
    };

    ChaosPod(String name, MockApiServer api, Timings timings, Duration wallSkew, History history) {
        this.name = name;
        this.history = history;
        this.link = new NetworkLink(name, api.port());
        this.pod = new Pod(name, api.newClient(name, link.url()));
        clock.skewWallClock(wallSkew);
        K8sLeaderComponent component = pod.context().getComponent(K8sLeaderConstants.SCHEME, K8sLeaderComponent.class);
        component.setElectionClock(electionClock);
        K8sLeaderConfiguration options = component.getConfiguration();
        options.setNamespace(MockApiServer.NAMESPACE);
        options.setIdentity(name);
        options.setLeaseDuration(timings.leaseDuration());
        options.setRenewDeadline(timings.renewDeadline());
        options.setRetryPeriod(timings.retryPeriod());
        options.setRenewalInterval(timings.renewalInterval());
    }

    void start() {
        pod.routes(new RouteBuilder() {
            @Override
            public void configure() {
                from("k8s-leader:" + LEASE).routeId("events").process(ChaosPod.this::recordEvent);
                var work = from("timer:work?period=20&delay=0").routeId("work").routePolicy(policy);
                for (int i = 0; i < STEPS; i++) {
                    work.process(exchange -> step());
                }
            }
        });
        ElectorTap tap = ElectorTap.listenFirst(pod.context(), LEASE, electorEvents);
        try {
            pod.start();
        } finally {
            tap.release();
        }
    }

    private void recordEvent(Exchange exchange) {
        LeadershipEventType type = LeadershipEventType.valueOf(
                exchange.getMessage().getHeader(K8sLeaderConstants.EVENT, String.class));
        if (type != LeadershipEventType.NEW_LEADER) {
            history.leadership(name, Source.ROUTE, type);
        }
    }

    /**
     * One step of leader-only work: a little time, during which a pause may strike at any millisecond. It counts
     * as begun before its first safepoint: the policy's check let it start, so a pause that stops it anywhere
     * from here on stops a step in flight (and the checker cuts it at that pause). It was admitted when that check
     * read the election clock, the last reading on this thread.
     */
    private void step() throws InterruptedException {
        long admitted = electionClock.lastReadOnThisThread();
        long begin = System.nanoTime();
        for (int i = 0; i < STEP_MILLIS; i++) {
            safepoint();
            Thread.sleep(1);
        }
        safepoint();
        history.step(name, admitted, begin, System.nanoTime());
    }

    private void safepoint() {
        if (!paused) {
            return;
        }
        synchronized (safepoint) {
            while (paused) {
                try {
                    safepoint.wait();
                } catch (InterruptedException e) {
                    // a paused thread does not notice interrupts; keep the flag for when it runs again
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** Freezes the pod, as a stop-the-world pause does. */
    void pause() {
        synchronized (safepoint) {
            pausedAt = System.nanoTime();
            clock.freeze();
            paused = true;
        }
    }

    /** Lets the pod run on; its clock has moved on by the length of the pause. */
    void resume() {
        synchronized (safepoint) {
            if (!paused) {
                return;
            }
            clock.thaw();
            paused = false;
            safepoint.notifyAll();
            history.pause(name, pausedAt, System.nanoTime());
        }
    }

    boolean isPaused() {
        return paused;
    }

    /** Whether this pod's elector last told ELECTED: it believes it leads (never blocks, even paused). */
    boolean believesLeading() {
        return leading;
    }

    NetworkLink link() {
        return link;
    }

    String name() {
        return name;
    }

    /** A graceful stop, as on SIGTERM: the routes stop, LOST is delivered, the Lease is released. */
    void stop() {
        resume();
        link.heal();
        pod.stop();
    }

    @Override
    public void close() {
        resume();
        link.heal();
        try {
            pod.close();
        } finally {
            link.close();
        }
    }

    @Override
    public String toString() {
        return name;
    }

    /**
     * The pod's election clock, remembering on each thread the last monotonic time it read. The policy checks
     * leadership on the exchange's thread right before each step, under the elector's lock and with a reading of
     * this clock, so that reading is the moment the step was admitted, ordered exactly against the elector's
     * decisions, which it takes under the same lock. The suite never shifts the monotonic clock, so its readings
     * lie on the run's timeline.
     */
    private static final class CheckClock implements ElectionClock {
        private final FaultyClock clock;
        private final ThreadLocal<long[]> lastRead = ThreadLocal.withInitial(() -> new long[1]);

        CheckClock(FaultyClock clock) {
            this.clock = clock;
        }

        @Override
        public long nanoTime() {
            long nanos = clock.nanoTime();
            lastRead.get()[0] = nanos;
            return nanos;
        }

        @Override
        public Instant now() {
            return clock.now();
        }

        /** The last monotonic time this thread read, or 0 if it never read one. */
        long lastReadOnThisThread() {
            return lastRead.get()[0];
        }
    }
}
