package io.github.camelk8s.leader.pods;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.github.camelk8s.leader.K8sLeaderComponent;
import io.github.camelk8s.leader.K8sLeaderConfiguration;
import io.github.camelk8s.leader.K8sLeaderConstants;
import io.github.camelk8s.leader.LeadershipEventType;
import io.github.camelk8s.leader.policy.K8sLeaderRoutePolicy;
import io.github.camelk8s.leader.testsupport.MockApiServer;
import io.github.camelk8s.leader.testsupport.Pod;
import io.github.camelk8s.leader.testsupport.Timings;
import io.github.camelk8s.leader.testsupport.WorkLog;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.ServiceStatus;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;

/**
 * One "pod" of this component's tests: a {@link Pod} (a CamelContext with its own KubernetesClient, bound in the
 * registry, where the component finds it) with the identity {@link #name()} and short timings, running
 * <ul>
 * <li>route {@value #WORK_ROUTE}: a leader-only timer ({@link K8sLeaderRoutePolicy} on {@value #LEASE}) that
 * records when it processes an exchange, and</li>
 * <li>route {@value #EVENTS_ROUTE}: {@code from("k8s-leader:lease")}, recording every leadership event.</li>
 * </ul>
 * Change options with {@link #configure} and add routes with {@link #routes} before {@link #start()}.
 */
public final class CamelPod implements AutoCloseable {

    public static final String LEASE = "lease";
    public static final String WORK_ROUTE = "work";
    public static final String EVENTS_ROUTE = "events";

    /** leaseDuration 3 s, renewDeadline 2 s, retryPeriod and renewalInterval 300 ms. */
    public static final Timings TIMINGS = new Timings("pod", Duration.ofSeconds(3), Duration.ofSeconds(2),
            Duration.ofMillis(300), Duration.ofMillis(300));
    public static final Duration LEASE_DURATION = TIMINGS.leaseDuration();
    public static final Duration RENEW_DEADLINE = TIMINGS.renewDeadline();
    public static final Duration RETRY_PERIOD = TIMINGS.retryPeriod();
    public static final Duration RENEWAL_INTERVAL = TIMINGS.renewalInterval();
    /** How long one exchange of the leader-only route takes. */
    public static final long WORK_MILLIS = 10;

    /** One leadership event as the pod's event route handled it; {@code nanos}: when its handling ended. */
    public record Event(LeadershipEventType type, Object body, Map<String, Object> headers, long nanos) {
        public String holder() {
            return (String) headers.get(K8sLeaderConstants.HOLDER_IDENTITY);
        }
    }

    private final String name;
    private final Pod pod;
    private final K8sLeaderComponent component;
    private final String leaseName;
    private final K8sLeaderRoutePolicy policy;
    private final WorkLog work = new WorkLog();
    private final List<Event> events = new CopyOnWriteArrayList<>();
    private final List<RoutesBuilder> extraRoutes = new ArrayList<>();
    private boolean standardRoutes = true;
    private boolean eventRoute = true;
    private boolean workRoute = true;
    private volatile Duration lostHandling = Duration.ZERO;

    CamelPod(MockApiServer api, String name) {
        this(api.newClient(name), name, LEASE);
    }

    /**
     * A pod on any API server (the end-to-end tests' real one), competing for {@code leaseName}. The pod owns the
     * client and closes it in {@link #close()}.
     */
    public CamelPod(KubernetesClient client, String name, String leaseName) {
        this.name = name;
        this.pod = new Pod(name, client);
        this.leaseName = leaseName;
        this.policy = new K8sLeaderRoutePolicy(leaseName);
        component = pod.context().getComponent(K8sLeaderConstants.SCHEME, K8sLeaderComponent.class);
        K8sLeaderConfiguration options = component.getConfiguration();
        options.setIdentity(name);
        options.setLeaseDuration(TIMINGS.leaseDuration());
        options.setRenewDeadline(TIMINGS.renewDeadline());
        options.setRetryPeriod(TIMINGS.retryPeriod());
        options.setRenewalInterval(TIMINGS.renewalInterval());
    }

    /** Changes the component's options (the defaults of the pod's endpoints and policy); before start. */
    public CamelPod configure(Consumer<K8sLeaderConfiguration> options) {
        options.accept(component.getConfiguration());
        return this;
    }

    /** Changes the component itself (client, clock); before start. */
    public CamelPod component(Consumer<K8sLeaderComponent> change) {
        change.accept(component);
        return this;
    }

    /** Adds routes next to the standard two; before start. */
    public CamelPod routes(RoutesBuilder routes) {
        extraRoutes.add(routes);
        return this;
    }

    /** Leaves out the event route: the leader-only route is the only user of the election. */
    public CamelPod withoutEventRoute() {
        eventRoute = false;
        return this;
    }

    /**
     * Leaves out the leader-only route: the event route is the only user of the election, and {@link #isLeader()}
     * no longer tells (use the events).
     */
    public CamelPod withoutWorkRoute() {
        workRoute = false;
        return this;
    }

    /** Makes the event route take this long to handle LOST, like a route that closes a connection on LOST. */
    public CamelPod lostHandling(Duration duration) {
        lostHandling = duration;
        return this;
    }

    /** Leaves out the standard routes: only the ones given with {@link #routes} run. */
    public CamelPod withoutStandardRoutes() {
        standardRoutes = false;
        return this;
    }

    /** Starts the CamelContext (which may block, with awaitLeadership). */
    public CamelPod start() {
        if (standardRoutes) {
            pod.routes(new RouteBuilder() {
                @Override
                public void configure() {
                    if (eventRoute) {
                        from("k8s-leader:" + leaseName).routeId(EVENTS_ROUTE)
                                .process(CamelPod.this::recordEvent);
                    }
                    if (workRoute) {
                        // the work takes a little while, so that two pods working at once would overlap visibly
                        from("timer:work?period=50&delay=0").routeId(WORK_ROUTE).routePolicy(policy)
                                .process(work.worker(name, WORK_MILLIS));
                    }
                }
            });
        }
        extraRoutes.forEach(pod::routes);
        pod.start();
        return this;
    }

    /** A processor recording the leadership events it receives into {@link #events()}, for custom event routes. */
    public Processor eventRecorder() {
        return this::recordEvent;
    }

    private void recordEvent(Exchange exchange) throws InterruptedException {
        Map<String, Object> headers = new HashMap<>(exchange.getMessage().getHeaders());
        LeadershipEventType type
                = LeadershipEventType.valueOf((String) headers.get(K8sLeaderConstants.EVENT));
        if (type == LeadershipEventType.LOST) {
            Thread.sleep(lostHandling.toMillis());
        }
        events.add(new Event(type, exchange.getMessage().getBody(), headers, System.nanoTime()));
    }

    /** Stops the CamelContext gracefully, as a pod does on SIGTERM. */
    public void stop() {
        pod.stop();
    }

    /** Kills the pod: its API connection goes first, so it neither renews nor releases anything. */
    public void kill() {
        pod.kill();
    }

    @Override
    public void close() {
        pod.close();
    }

    public String name() {
        return name;
    }

    /** The Lease this pod competes for. */
    public String leaseName() {
        return leaseName;
    }

    public DefaultCamelContext context() {
        return pod.context();
    }

    public K8sLeaderComponent component() {
        return component;
    }

    public KubernetesClient client() {
        return pod.client();
    }

    /** The policy of the leader-only route {@value #WORK_ROUTE}; also usable on routes added with {@link #routes}. */
    public K8sLeaderRoutePolicy policy() {
        return policy;
    }

    /** Whether this pod leads and its leadership is locally valid now (its policy's view). */
    public boolean isLeader() {
        return policy.isLeader();
    }

    public ServiceStatus routeStatus(String routeId) {
        return pod.routeStatus(routeId);
    }

    public ServiceStatus workStatus() {
        return routeStatus(WORK_ROUTE);
    }

    /** The exchanges the leader-only route processed, in order. */
    public List<WorkLog.Work> work() {
        return work.of(name);
    }

    public List<Event> events() {
        return List.copyOf(events);
    }

    public List<LeadershipEventType> eventTypes() {
        return events.stream().map(Event::type).toList();
    }

    public List<Event> events(LeadershipEventType type) {
        return events.stream().filter(e -> e.type() == type).toList();
    }

    public Optional<Event> firstEvent(LeadershipEventType type) {
        return events.stream().filter(e -> e.type() == type).findFirst();
    }

    public List<Pod.RouteChange> routeChanges() {
        return pod.routeChanges();
    }

    /** When the route last stopped, by the local monotonic clock. */
    public Optional<Long> lastStopOf(String routeId) {
        return pod.lastStopOf(routeId);
    }

    @Override
    public String toString() {
        return name;
    }
}
