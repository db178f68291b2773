package io.github.camelk8s.leader.management;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.github.camelk8s.leader.election.LeaseElector;
import org.apache.camel.CamelContext;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the electors with readinessGate whether the rest of this CamelContext is ready: every retryPeriod (the
 * shortest among them) it calls the context's readiness checks, all but the {@value K8sLeaderHealthCheck#GROUP}
 * group's own, and hands each elector the outcome; the elector decides what it means (a follower stops
 * competing at once, a leader steps down after readinessGracePeriod). Only DOWN counts as not ready: a check
 * that has not run yet (UNKNOWN) must not keep a starting pod out of the election.
 * <p>
 * Its one thread exists only while some elector is gated. A check that throws counts as DOWN.
 */
public final class ReadinessGate implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ReadinessGate.class);

    private final CamelContext context;
    private final Set<LeaseElector> gated = new CopyOnWriteArraySet<>();
    private ScheduledExecutorService thread;
    private ScheduledFuture<?> task;
    private Duration period;
    /** The readiness checks DOWN at the last reading; null until the first. */
    private volatile List<String> down;

    public ReadinessGate(CamelContext context) {
        this.context = context;
    }

    /**
     * Gates {@code elector} from now on; it is told the readiness at once, before its first write can go out: the
     * last reading's, so that a thousand Leases joining at start-up call the checks once, not once each.
     */
    public synchronized void add(LeaseElector elector) {
        if (HealthCheckRegistry.get(context) == null) {
            throw new IllegalStateException("Invalid k8s-leader option readinessGate=true on Lease "
                                            + elector.config().namespace() + "/" + elector.config().leaseName()
                                            + ": the CamelContext has no health check registry to read readiness"
                                            + " from (add camel-health, or turn readinessGate off)");
        }
        gated.add(elector);
        List<String> known = down;
        elector.readiness((known != null ? known : read()).isEmpty());
        Duration retry = elector.config().retryPeriod();
        if (period == null || retry.compareTo(period) < 0) {
            period = retry;
            reschedule();
        }
    }

    public synchronized void remove(LeaseElector elector) {
        gated.remove(elector);
        if (gated.isEmpty()) {
            close();
        }
    }

    /** The ids of the readiness checks, other than this component's, that are DOWN now. */
    List<String> downChecks() {
        HealthCheckRegistry registry = HealthCheckRegistry.get(context);
        return registry.stream()
                .filter(HealthCheck::isReadiness)
                .filter(check -> !K8sLeaderHealthCheck.GROUP.equals(check.getGroup()))
                .filter(check -> !registry.isExcluded(check))
                .filter(ReadinessGate::isDown)
                .map(HealthCheck::getId)
                .toList();
    }

    private static boolean isDown(HealthCheck check) {
        try {
            return check.call().getState() == HealthCheck.State.DOWN;
        } catch (RuntimeException e) {
            return true;
        }
    }

    private void reschedule() {
        if (thread == null) {
            thread = context.getExecutorServiceManager().newSingleThreadScheduledExecutor(this, "K8sLeaderReadiness");
        }
        if (task != null) {
            task.cancel(false);
        }
        long millis = period.toMillis();
        task = thread.scheduleWithFixedDelay(this::tell, millis, millis, TimeUnit.MILLISECONDS);
    }

    /** Reads which checks are DOWN now, and logs a change from the last reading (none before the first: all UP). */
    private List<String> read() {
        List<String> now = downChecks();
        if (!now.equals(down == null ? List.of() : down)) {
            if (now.isEmpty()) {
                LOG.info("The CamelContext's readiness checks are UP again: gated k8s-leader candidates compete");
            } else {
                LOG.info("Readiness checks DOWN: {}; gated k8s-leader candidates do not compete", now);
            }
        }
        down = now;
        return now;
    }

    private void tell() {
        try {
            boolean ready = read().isEmpty();
            gated.forEach(elector -> elector.readiness(ready));
        } catch (RuntimeException e) {
            LOG.warn("Could not read the CamelContext's readiness for the k8s-leader readinessGate: {}", e.toString(), e);
        }
    }

    @Override
    public synchronized void close() {
        if (thread != null) {
            context.getExecutorServiceManager().shutdownNow(thread);
            thread = null;
            task = null;
            period = null;
            down = null;
        }
    }
}
