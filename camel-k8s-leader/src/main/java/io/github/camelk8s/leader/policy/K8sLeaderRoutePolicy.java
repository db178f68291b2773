package io.github.camelk8s.leader.policy;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.function.Predicate;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.github.camelk8s.leader.K8sLeaderComponent;
import io.github.camelk8s.leader.K8sLeaderConfiguration;
import io.github.camelk8s.leader.K8sLeaderConstants;
import io.github.camelk8s.leader.election.LeaderElectionConfig;
import io.github.camelk8s.leader.election.LeadershipListener;
import io.github.camelk8s.leader.election.LeaseElector;
import io.github.camelk8s.leader.election.LeaseRecord;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.RoutePolicySupport;
import org.apache.camel.support.SimpleEventNotifierSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs its routes only in the pod that leads a Lease: they do not start with the CamelContext, start when this pod is
 * ELECTED and stop when it is LOST. Their exchanges are leader-only: each step of such an exchange, at any depth and in
 * any route it reaches (a split's branch, a route called through {@code direct:} or {@code seda:}), begins only while
 * this pod's leadership is locally valid; once it is not (after a long pause, or once the renewDeadline has passed,
 * before the step-down has stopped the route), the exchange fails with
 * {@link io.github.camelk8s.leader.LeadershipLostException} instead of going on. {@link K8sLeaderStepGuard} does the
 * checking; the steps that handle the refusal (onException, doCatch, doFinally, onCompletion, dead letter channel) are
 * not checked.
 * <p>
 * The elector counts the steps in flight: a stop or yield releases the Lease only after they have ended. So the
 * route start and stop need not happen on the elector's event thread, which is shared by every Lease of the JVM:
 * they run in the order of the events on the component's route-control threads, where a slow stop holds up this
 * policy's later starts and stops only.
 * <p>
 * Options not set here are taken from the {@code k8s-leader} component's configuration.
 */
public class K8sLeaderRoutePolicy extends RoutePolicySupport implements CamelContextAware {

    private static final Logger LOG = LoggerFactory.getLogger(K8sLeaderRoutePolicy.class);

    private CamelContext camelContext;
    private String leaseName;
    /** This policy's options, over the component's; see {@link K8sLeaderConfiguration}. */
    private final K8sLeaderConfiguration options;

    private final Set<Route> routes = new CopyOnWriteArraySet<>();
    private final LeadershipListener listener = new Listener();
    private final RouteEvents routeEvents = new RouteEvents();
    private volatile LeaseElector elector;
    /** The Lease as namespace/name, once known (for messages and to tell Leases apart). */
    private volatile String leaseRef;
    private volatile boolean leading;
    /** Starts and stops the routes, one task at a time, in the order of the leadership events. */
    private volatile SerialHandOff routeControl;

    public K8sLeaderRoutePolicy() {
        this(null);
    }

    public K8sLeaderRoutePolicy(String leaseName) {
        this(leaseName, new K8sLeaderConfiguration());
    }

    private K8sLeaderRoutePolicy(String leaseName, K8sLeaderConfiguration options) {
        this.leaseName = leaseName;
        this.options = options;
    }

    /** A new policy with the same options (not the same state), for another route. */
    K8sLeaderRoutePolicy copyOptions() {
        return new K8sLeaderRoutePolicy(leaseName, options.copy());
    }

    @Override
    public void onInit(Route route) {
        super.onInit(route);
        if (camelContext == null) {
            camelContext = route.getCamelContext();
        }
        if (!K8sLeaderStepGuard.isInstalled(camelContext)) {
            throw new IllegalStateException("Route " + route.getId() + " cannot be leader-only on Lease " + leaseName
                                            + ": its CamelContext has no K8sLeaderStepGuard, so its steps would not be"
                                            + " checked. K8sLeaderStepGuardPlugin adds it as the context is built;"
                                            + " where ContextServicePlugins are not loaded, call"
                                            + " K8sLeaderStepGuard.install(context) before adding routes");
        }
        route.setAutoStartup(false);
        routes.add(route);
        LOG.debug("Route {} runs only while this pod leads Lease {}", route.getId(), leaseName);
        join();
    }

    @Override
    public void onRemove(Route route) {
        routes.remove(route);
        super.onRemove(route);
        if (routes.isEmpty()) {
            // removing a route does not shut its policy down; a policy with no route left must leave the election,
            // or a leader would keep the Lease with nothing to run
            leave();
        }
    }

    /** The exchange's steps, in this route and wherever it goes from here, need this policy's Lease. */
    @Override
    public void onExchangeBegin(Route route, Exchange exchange) {
        LeaderOnlyMark.enter(exchange, this, route);
    }

    @Override
    public void onExchangeDone(Route route, Exchange exchange) {
        LeaderOnlyMark.leave(exchange, this, route);
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
        routeControl = null;
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
        if (leaseName == null || leaseName.isEmpty()) {
            throw LeaderElectionConfig.invalidOption("leaseName", leaseName,
                    "K8sLeaderRoutePolicy needs the name of the Lease");
        }
        if (routeControl == null) {
            routeControl = new SerialHandOff(component.routeControl());
        }
        camelContext.getManagementStrategy().addEventNotifier(routeEvents);
        LeaseElector joined = component.joinElection(leaseName, options);
        leaseRef = joined.config().namespace() + "/" + joined.config().leaseName();
        elector = joined;
        joined.addListener(listener);
        try {
            component.awaitLeadership(joined, options);
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
        camelContext.getManagementStrategy().removeEventNotifier(routeEvents);
        camelContext.getComponent(K8sLeaderConstants.SCHEME, K8sLeaderComponent.class).leaveElection(current);
        leading = false;
    }

    /** Whether this pod leads the Lease and its leadership is locally valid now. */
    public boolean isLeader() {
        LeaseElector current = elector;
        return current != null && current.isLeader();
    }

    /** The Lease as namespace/name (its name alone until the policy has joined the election). */
    String leaseRef() {
        String ref = leaseRef;
        return ref != null ? ref : leaseName;
    }

    /** The elector this policy shares on its Lease, or null while the policy is not in the election. */
    public LeaseElector elector() {
        return elector;
    }

    /**
     * Queues a start or stop of the routes behind the ones queued before. Never on the elector's event thread: a
     * route stop waits for the exchanges in flight, and that thread serves every Lease of the JVM.
     */
    private void control(Runnable task) {
        SerialHandOff control = routeControl;
        if (control != null && !control.handOver(task)) {
            LOG.debug("Not starting or stopping the routes of Lease {}: the CamelContext is stopping", leaseName);
        }
    }

    private void startRoutes() {
        if (!leading || elector == null || !camelContext.isStarted()) {
            // not yet: the CamelContextStartedEvent (or RouteAddedEvent) starts them if we still lead then
            return;
        }
        changeRoutes(ServiceStatus::isStartable, "Starting route {}: this pod leads Lease {}",
                route -> camelContext.getRouteController().startRoute(route.getId()));
    }

    private void stopRoutes() {
        if (leading || camelContext.isStopping() || camelContext.isStopped()) {
            // elected again meanwhile, or the context is shutting the routes down itself
            return;
        }
        changeRoutes(ServiceStatus::isStoppable, "Stopping route {}: this pod no longer leads Lease {}",
                this::stopRoute);
    }

    private void changeRoutes(Predicate<ServiceStatus> applies, String message, RouteChange change) {
        for (Route route : routes) {
            ServiceStatus status = camelContext.getRouteController().getRouteStatus(route.getId());
            if (status != null && applies.test(status)) {
                try {
                    LOG.debug(message, route.getId(), leaseName);
                    change.apply(route);
                } catch (Exception e) {
                    handleException(e);
                }
            }
        }
    }

    @FunctionalInterface
    private interface RouteChange {
        void apply(Route route) throws Exception;
    }

    private final class Listener implements LeadershipListener {
        @Override
        public void elected(LeaseRecord record) {
            leading = true;
            control(K8sLeaderRoutePolicy.this::startRoutes);
        }

        @Override
        public void lost(LeaseRecord lastKnown) {
            leading = false;
            control(K8sLeaderRoutePolicy.this::stopRoutes);
        }
    }

    /** Starts the routes once the CamelContext has started, or once a route is added to a running one. */
    private final class RouteEvents extends SimpleEventNotifierSupport {
        RouteEvents() {
            setIgnoreExchangeEvents(true);
        }

        @Override
        public boolean isEnabled(CamelEvent event) {
            return event instanceof CamelEvent.CamelContextStartedEvent
                   || event instanceof CamelEvent.RouteAddedEvent added && routes.contains(added.getRoute());
        }

        @Override
        public void notify(CamelEvent event) {
            control(K8sLeaderRoutePolicy.this::startRoutes);
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

    /** This policy's own options (an option not set there is the component's). */
    public K8sLeaderConfiguration getConfiguration() {
        return options;
    }

    public void setNamespace(String value) {
        options.setNamespace(value);
    }

    public void setIdentity(String value) {
        options.setIdentity(value);
    }

    public void setLeaseDuration(Duration duration) {
        options.setLeaseDuration(duration);
    }

    /** As text ({@code 15s}, {@code 1m30s}, {@code PT15S}): what YAML and properties bind, kept as written. */
    public void setLeaseDuration(String text) {
        options.setLeaseDuration(text);
    }

    public void setRenewDeadline(Duration duration) {
        options.setRenewDeadline(duration);
    }

    /** As text ({@code 15s}, {@code 1m30s}, {@code PT15S}): what YAML and properties bind, kept as written. */
    public void setRenewDeadline(String text) {
        options.setRenewDeadline(text);
    }

    public void setRetryPeriod(Duration duration) {
        options.setRetryPeriod(duration);
    }

    /** As text ({@code 15s}, {@code 1m30s}, {@code PT15S}): what YAML and properties bind, kept as written. */
    public void setRetryPeriod(String text) {
        options.setRetryPeriod(text);
    }

    public void setRenewalInterval(Duration duration) {
        options.setRenewalInterval(duration);
    }

    /** As text ({@code 15s}, {@code 1m30s}, {@code PT15S}): what YAML and properties bind, kept as written. */
    public void setRenewalInterval(String text) {
        options.setRenewalInterval(text);
    }

    public void setLoggingLevel(LoggingLevel value) {
        options.setLoggingLevel(value);
    }

    public void setAwaitLeadership(Boolean value) {
        options.setAwaitLeadership(value);
    }

    public void setAwaitLeadershipTimeout(Duration duration) {
        options.setAwaitLeadershipTimeout(duration);
    }

    /** As text ({@code 15s}, {@code 1m30s}, {@code PT15S}): what YAML and properties bind, kept as written. */
    public void setAwaitLeadershipTimeout(String text) {
        options.setAwaitLeadershipTimeout(text);
    }

    public void setReleaseOnStop(Boolean value) {
        options.setReleaseOnStop(value);
    }

    public void setRecordEvents(Boolean value) {
        options.setRecordEvents(value);
    }

    public void setObserveOnly(Boolean value) {
        options.setObserveOnly(value);
    }

    public void setReadinessGate(Boolean value) {
        options.setReadinessGate(value);
    }

    public void setReadinessGracePeriod(Duration duration) {
        options.setReadinessGracePeriod(duration);
    }

    /** As text ({@code 15s}, {@code 1m30s}, {@code PT15S}): what YAML and properties bind, kept as written. */
    public void setReadinessGracePeriod(String text) {
        options.setReadinessGracePeriod(text);
    }

    public void setKubernetesClient(KubernetesClient value) {
        options.setKubernetesClient(value);
    }

    @Override
    public String toString() {
        return "K8sLeaderRoutePolicy[" + leaseName + "]";
    }
}
