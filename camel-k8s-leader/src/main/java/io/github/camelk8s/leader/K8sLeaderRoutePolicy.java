package io.github.camelk8s.leader;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.github.camelk8s.leader.election.LeaseElector;
import io.github.camelk8s.leader.election.LeaseRecord;
import io.github.camelk8s.leader.election.LeadershipListener;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.Processor;
import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.spi.CamelInternalProcessorAdvice;
import org.apache.camel.spi.InternalProcessor;
import org.apache.camel.support.RoutePolicySupport;
import org.apache.camel.support.SimpleEventNotifierSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs its routes only in the pod that leads a Lease: they do not start with the CamelContext, start when this
 * pod is ELECTED and stop when it is LOST. Every exchange is also checked as it begins: if this pod's leadership
 * is not locally valid at that moment (for example after a long pause, before the step-down has stopped the
 * route), the exchange fails with {@link LeadershipLostException} instead of running. The same check runs before
 * each further step of the route, so an exchange that was in flight when leadership lapsed stops at the next step
 * instead of running to its end.
 * <p>
 * Options not set here are taken from the {@code k8s-leader} component's configuration.
 */
public class K8sLeaderRoutePolicy extends RoutePolicySupport implements CamelContextAware {

    private static final Logger LOG = LoggerFactory.getLogger(K8sLeaderRoutePolicy.class);
    /** Names the route that refused an exchange, so that route's onExchangeDone undoes only its own stop. */
    private static final String REFUSED_BY_ROUTE = "CamelK8sLeaderRefusedByRoute";

    private CamelContext camelContext;
    private String leaseName;
    private String namespace;
    private String identity;
    private Duration leaseDuration;
    private Duration renewDeadline;
    private Duration retryPeriod;
    private Duration renewalInterval;
    private LoggingLevel loggingLevel;
    private Boolean awaitLeadership;
    private Duration awaitLeadershipTimeout;
    private Boolean releaseOnStop;
    private Boolean recordEvents;
    private KubernetesClient kubernetesClient;

    private final Set<Route> routes = new CopyOnWriteArraySet<>();
    private final LeadershipListener listener = new Listener();
    private final ContextStartedNotifier contextStarted = new ContextStartedNotifier();
    /** Serialises starting and stopping the routes; never held while joining or leaving the election. */
    private final Object routeLock = new Object();
    private volatile LeaseElector elector;
    private volatile boolean leading;

    public K8sLeaderRoutePolicy() {
    }

    public K8sLeaderRoutePolicy(String leaseName) {
        this.leaseName = leaseName;
    }

    /** A new policy with the same options (not the same state), for another route. */
    K8sLeaderRoutePolicy copyOptions() {
        K8sLeaderRoutePolicy copy = new K8sLeaderRoutePolicy(leaseName);
        copy.namespace = namespace;
        copy.identity = identity;
        copy.leaseDuration = leaseDuration;
        copy.renewDeadline = renewDeadline;
        copy.retryPeriod = retryPeriod;
        copy.renewalInterval = renewalInterval;
        copy.loggingLevel = loggingLevel;
        copy.awaitLeadership = awaitLeadership;
        copy.awaitLeadershipTimeout = awaitLeadershipTimeout;
        copy.releaseOnStop = releaseOnStop;
        copy.recordEvents = recordEvents;
        copy.kubernetesClient = kubernetesClient;
        return copy;
    }

    @Override
    public void onInit(Route route) {
        super.onInit(route);
        if (camelContext == null) {
            camelContext = route.getCamelContext();
        }
        route.setAutoStartup(false);
        guardSteps(route);
        routes.add(route);
        LOG.debug("Route {} runs only while this pod leads Lease {}", route.getId(), leaseName);
        join();
        if (leading) {
            // a route added to a running context while we lead starts like the others did
            startRoutes();
        }
    }

    /**
     * Checks leadership before every step of the route, not only as an exchange begins. Being paused (a long GC, a
     * starved CPU) mid-exchange for longer than the margin leaseDuration - renewDeadline lets another pod take over
     * meanwhile; when this pod runs on, the step that was executing finishes (nothing can stop code that is
     * already running), but its deadline has passed by this pod's own clock, so the exchange must not go on to
     * its next step. Without this check it ran all its remaining steps alongside the new leader's work until
     * the step-down stopped the route. The checks are advices on the route's top-level steps (their channels), so
     * they run on the exchange's own thread right before each step, outside the step's error handler: a
     * redelivering error handler cannot retry the refusal into a step.
     */
    private void guardSteps(Route route) {
        StepGuard guard = new StepGuard(route.getId());
        for (Processor step : route.getEventDrivenProcessors()) {
            if (step instanceof InternalProcessor channel) {
                channel.addAdvice(guard);
            }
        }
    }

    private final class StepGuard implements CamelInternalProcessorAdvice<Object> {
        private final String routeId;

        StepGuard(String routeId) {
            this.routeId = routeId;
        }

        @Override
        public Object before(Exchange exchange) throws LeadershipLostException {
            LeaseElector current = elector;
            if (current == null || !current.isLeader()) {
                throw new LeadershipLostException(
                        "Route " + routeId + " is leader-only and this pod's leadership of Lease " + leaseName
                                                  + " is not valid now; the exchange stops before its next step",
                        exchange);
            }
            return null;
        }

        @Override
        public void after(Exchange exchange, Object data) {
        }

        @Override
        public boolean hasState() {
            return false;
        }
    }

    @Override
    public void onRemove(Route route) {
        routes.remove(route);
        super.onRemove(route);
        if (routes.isEmpty()) {
            // removing a route does not shut its policy down: without this, a policy whose routes were all
            // removed kept competing, and a leader kept the Lease with nothing left to run
            leave();
        }
    }

    @Override
    public void onExchangeBegin(Route route, Exchange exchange) {
        LeaseElector current = elector;
        if (current == null || !current.isLeader()) {
            exchange.setException(new LeadershipLostException(
                    "Route " + route.getId() + " is leader-only and this pod does not hold a valid leadership of Lease "
                                                              + leaseName + " now; exchange refused",
                    exchange));
            // The exception alone does not keep the route's steps from running: Camel's pipeline enters its first
            // step whatever the exchange carries, and a redelivering error handler there takes the exception for
            // a failed attempt, clears it and runs the step again. Stopping the route makes the pipeline (or the
            // single step's channel) end before any step; onExchangeDone lifts the stop again, so a route that
            // called this one (direct:) is not stopped by it and handles the exception like any other.
            exchange.setRouteStop(true);
            exchange.setProperty(REFUSED_BY_ROUTE, route.getId());
        }
    }

    @Override
    public void onExchangeDone(Route route, Exchange exchange) {
        if (route.getId().equals(exchange.getProperty(REFUSED_BY_ROUTE))) {
            exchange.removeProperty(REFUSED_BY_ROUTE);
            exchange.setRouteStop(false);
        }
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        join();
    }

    @Override
    protected void doShutdown() throws Exception {
        // shutdown, not stop: a route stopped because leadership was lost stops this policy with it, and must stay
        // in the election to be started again when this pod is next elected
        leave();
        super.doShutdown();
    }

    private synchronized void join() {
        if (elector != null) {
            return;
        }
        if (camelContext == null) {
            throw new IllegalStateException("K8sLeaderRoutePolicy for Lease " + leaseName + " has no CamelContext");
        }
        K8sLeaderComponent component = camelContext.getComponent(K8sLeaderConstants.SCHEME, K8sLeaderComponent.class);
        K8sLeaderConfiguration options = effectiveOptions(component.getConfiguration());
        camelContext.getManagementStrategy().addEventNotifier(contextStarted);
        elector = component.joinElection(leaseName, options, kubernetesClient);
        elector.addListener(listener);
        try {
            component.awaitLeadership(elector, options);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void leave() {
        LeaseElector current;
        synchronized (this) {
            current = elector;
            elector = null;
        }
        if (current == null) {
            return;
        }
        // outside the lock: the last user's leave stops the elector, which waits for LOST to reach its listeners
        current.removeListener(listener);
        camelContext.getManagementStrategy().removeEventNotifier(contextStarted);
        camelContext.getComponent(K8sLeaderConstants.SCHEME, K8sLeaderComponent.class).leaveElection(current);
        leading = false;
    }

    K8sLeaderConfiguration effectiveOptions(K8sLeaderConfiguration defaults) {
        if (leaseName == null || leaseName.isEmpty()) {
            throw new IllegalArgumentException("Invalid k8s-leader option leaseName=" + leaseName
                                               + ": K8sLeaderRoutePolicy needs the name of the Lease");
        }
        K8sLeaderConfiguration options = defaults.copy();
        if (namespace != null) {
            options.setNamespace(namespace);
        }
        if (identity != null) {
            options.setIdentity(identity);
        }
        if (leaseDuration != null) {
            options.setLeaseDuration(leaseDuration.toMillis());
        }
        if (renewDeadline != null) {
            options.setRenewDeadline(renewDeadline.toMillis());
        }
        if (retryPeriod != null) {
            options.setRetryPeriod(retryPeriod.toMillis());
        }
        if (renewalInterval != null) {
            options.setRenewalInterval(renewalInterval.toMillis());
        }
        if (loggingLevel != null) {
            options.setLoggingLevel(loggingLevel);
        }
        if (awaitLeadership != null) {
            options.setAwaitLeadership(awaitLeadership);
        }
        if (awaitLeadershipTimeout != null) {
            options.setAwaitLeadershipTimeout(awaitLeadershipTimeout.toMillis());
        }
        if (releaseOnStop != null) {
            options.setReleaseOnStop(releaseOnStop);
        }
        if (recordEvents != null) {
            options.setRecordEvents(recordEvents);
        }
        return options;
    }

    /** Whether this pod leads the Lease and its leadership is locally valid now. */
    public boolean isLeader() {
        LeaseElector current = elector;
        return current != null && current.isLeader();
    }

    /** The elector this policy shares on its Lease, or null when it is not in the election (for tests). */
    LeaseElector elector() {
        return elector;
    }

    private void startRoutes() {
        synchronized (routeLock) {
            if (!leading || elector == null || !camelContext.isStarted()) {
                // not yet: the CamelContextStartedEvent will start them if we still lead then
                return;
            }
            for (Route route : routes) {
                ServiceStatus status = camelContext.getRouteController().getRouteStatus(route.getId());
                if (status == null || status.isStartable()) {
                    try {
                        LOG.debug("Starting route {}: this pod leads Lease {}", route.getId(), leaseName);
                        camelContext.getRouteController().startRoute(route.getId());
                    } catch (Exception e) {
                        handleException(e);
                    }
                }
            }
        }
    }

    private void stopRoutes() {
        synchronized (routeLock) {
            if (camelContext.isStopping() || camelContext.isStopped()) {
                // the context is shutting the routes down itself, before this policy leaves the election
                return;
            }
            for (Route route : routes) {
                ServiceStatus status = camelContext.getRouteController().getRouteStatus(route.getId());
                if (status != null && status.isStoppable()) {
                    try {
                        LOG.debug("Stopping route {}: this pod no longer leads Lease {}", route.getId(), leaseName);
                        stopRoute(route);
                    } catch (Exception e) {
                        handleException(e);
                    }
                }
            }
        }
    }

    private final class Listener implements LeadershipListener {
        @Override
        public void elected(LeaseRecord record) {
            leading = true;
            startRoutes();
        }

        @Override
        public void lost(LeaseRecord lastKnown) {
            leading = false;
            stopRoutes();
        }
    }

    private final class ContextStartedNotifier extends SimpleEventNotifierSupport {
        ContextStartedNotifier() {
            setIgnoreExchangeEvents(true);
        }

        @Override
        public boolean isEnabled(CamelEvent event) {
            return event instanceof CamelEvent.CamelContextStartedEvent;
        }

        @Override
        public void notify(CamelEvent event) {
            startRoutes();
        }
    }

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.camelContext = camelContext;
    }

    public String getLeaseName() {
        return leaseName;
    }

    /** The name of the Lease (required). */
    public void setLeaseName(String leaseName) {
        this.leaseName = leaseName;
    }

    public String getNamespace() {
        return namespace;
    }

    public void setNamespace(String namespace) {
        this.namespace = namespace;
    }

    public String getIdentity() {
        return identity;
    }

    public void setIdentity(String identity) {
        this.identity = identity;
    }

    public Duration getLeaseDuration() {
        return leaseDuration;
    }

    public void setLeaseDuration(Duration leaseDuration) {
        this.leaseDuration = leaseDuration;
    }

    public Duration getRenewDeadline() {
        return renewDeadline;
    }

    public void setRenewDeadline(Duration renewDeadline) {
        this.renewDeadline = renewDeadline;
    }

    public Duration getRetryPeriod() {
        return retryPeriod;
    }

    public void setRetryPeriod(Duration retryPeriod) {
        this.retryPeriod = retryPeriod;
    }

    public Duration getRenewalInterval() {
        return renewalInterval;
    }

    public void setRenewalInterval(Duration renewalInterval) {
        this.renewalInterval = renewalInterval;
    }

    public LoggingLevel getLoggingLevel() {
        return loggingLevel;
    }

    public void setLoggingLevel(LoggingLevel loggingLevel) {
        this.loggingLevel = loggingLevel;
    }

    public Boolean getAwaitLeadership() {
        return awaitLeadership;
    }

    public void setAwaitLeadership(Boolean awaitLeadership) {
        this.awaitLeadership = awaitLeadership;
    }

    public Duration getAwaitLeadershipTimeout() {
        return awaitLeadershipTimeout;
    }

    public void setAwaitLeadershipTimeout(Duration awaitLeadershipTimeout) {
        this.awaitLeadershipTimeout = awaitLeadershipTimeout;
    }

    public Boolean getReleaseOnStop() {
        return releaseOnStop;
    }

    public void setReleaseOnStop(Boolean releaseOnStop) {
        this.releaseOnStop = releaseOnStop;
    }

    public Boolean getRecordEvents() {
        return recordEvents;
    }

    public void setRecordEvents(Boolean recordEvents) {
        this.recordEvents = recordEvents;
    }

    public KubernetesClient getKubernetesClient() {
        return kubernetesClient;
    }

    public void setKubernetesClient(KubernetesClient kubernetesClient) {
        this.kubernetesClient = kubernetesClient;
    }

    @Override
    public String toString() {
        return "K8sLeaderRoutePolicy[" + leaseName + "]";
    }
}
