package io.github.camelk8s.leader;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.IntUnaryOperator;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.github.camelk8s.leader.election.ElectionClock;
import io.github.camelk8s.leader.election.GroupMembership;
import io.github.camelk8s.leader.election.LeaderElectionConfig;
import io.github.camelk8s.leader.election.LeaseElector;
import io.github.camelk8s.leader.election.LeaseRebalancer;
import io.github.camelk8s.leader.management.K8sLeaderHealthCheckRepository;
import io.github.camelk8s.leader.management.K8sLeaderMicrometer;
import io.github.camelk8s.leader.management.LeaderEventRecorder;
import io.github.camelk8s.leader.management.ManagedLeaseElector;
import io.github.camelk8s.leader.management.ReadinessGate;
import org.apache.camel.Endpoint;
import org.apache.camel.builder.ThreadPoolProfileBuilder;
import org.apache.camel.util.concurrent.ThreadPoolRejectedPolicy;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.annotations.Component;
import org.apache.camel.support.DefaultComponent;
import org.apache.camel.util.ObjectHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leader election on a Kubernetes Lease. Its options are the defaults of every {@code k8s-leader:} endpoint,
 * {@link io.github.camelk8s.leader.policy.K8sLeaderRoutePolicy} and
 * {@link io.github.camelk8s.leader.cluster.K8sLeaderClusterService} in the CamelContext, and it owns the electors they
 * share. For each elector it runs it also records Kubernetes Events (option recordEvents), offers a health check (
 * {@link K8sLeaderHealthCheckRepository}), an MBean when JMX is on ({@link ManagedLeaseElector}) and Micrometer meters
 * when the application has a MeterRegistry.
 */
@Component(K8sLeaderConstants.SCHEME)
public class K8sLeaderComponent extends DefaultComponent {

    private static final Logger LOG = LoggerFactory.getLogger(K8sLeaderComponent.class);
    /**
     * Threads that start and stop the policies' routes: one, on which a thousand Leases won (or lost) at once queue
     * their route changes instead of starting a thread each. More would not change routes sooner: Camel starts and
     * stops the routes of a CamelContext one at a time, under the context's lock, a stop waiting for the exchanges in
     * flight included (a later step of such an exchange is refused by the policy once leadership has lapsed, so the
     * wait is bounded by one step).
     */
    static final int ROUTE_CONTROL_THREADS = 1;
    /** The suffixes of default identities drawn in this JVM (a handful: one per CamelContext). */
    private static final Set<String> SUFFIXES_DRAWN = ConcurrentHashMap.newKeySet();
    /** How long an idle thread of the component's pools and of its own client lives, as the electors' own. */
    static final long IDLE_SECONDS = 30;

    static final Path SERVICE_ACCOUNT_NAMESPACE = Path.of("/var/run/secrets/kubernetes.io/serviceaccount/namespace");
    /** The longest request timeout of the client the component builds for itself. */
    static final long OWN_CLIENT_MAX_REQUEST_TIMEOUT_MILLIS = 5_000;

    @Metadata
    private K8sLeaderConfiguration configuration = new K8sLeaderConfiguration();
    @Metadata(label = "advanced",
              description = "The clock the electors time leadership with. Default: the JVM's (System.nanoTime and "
                            + "Instant.now). For tests and simulations only, e.g. a clock that jumps ahead to "
                            + "simulate a paused process.")
    private ElectionClock electionClock;

    private final SharedLeaseElectors electors = new SharedLeaseElectors(this::instrument);
    private final K8sLeaderHealthCheckRepository healthChecks = new K8sLeaderHealthCheckRepository();
    /** Tells the electors with readinessGate whether the context is ready; created on first use. */
    private ReadinessGate readinessGate;
    /** Creates the Kubernetes Events, off the electors' threads; created on first use. */
    private ExecutorService eventRecording;
    /** Starts and stops the routes of the policies, off the electors' threads; created on first use. */
    private ExecutorService routeControl;
    /** Distinguishes this CamelContext's candidates from another context's in the same pod. */
    private final String identitySuffix = uniqueSuffix(bound -> ThreadLocalRandom.current().nextInt(bound));
    private KubernetesClient ownedClient;
    /** The clients already warned about for a request timeout not below renewDeadline. Guarded by this. */
    private final Set<KubernetesClient> slowClients = Collections.newSetFromMap(new IdentityHashMap<>());

    public K8sLeaderComponent() {
    }

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        if (ObjectHelper.isEmpty(remaining)) {
            throw new IllegalArgumentException("Invalid k8s-leader option leaseName='': the URI must name the Lease, "
                                               + "as in k8s-leader:my-lease");
        }
        K8sLeaderEndpoint endpoint = new K8sLeaderEndpoint(uri, this, remaining, new K8sLeaderConfiguration());
        setProperties(endpoint, parameters);
        return endpoint;
    }

    public K8sLeaderConfiguration getConfiguration() {
        return configuration;
    }

    /** The options below every endpoint's, policy's and cluster service's own: theirs lie over these. */
    public void setConfiguration(K8sLeaderConfiguration configuration) {
        this.configuration = configuration;
    }

    public ElectionClock getElectionClock() {
        return electionClock;
    }

    /** For tests and simulations: the clock the electors of this component use; set it before they start. */
    public void setElectionClock(ElectionClock electionClock) {
        this.electionClock = electionClock;
    }

    /**
     * Joins the election on a Lease with the given options over this component's: the elector is shared with every
     * other user of the same Lease in this CamelContext. Fails with a message naming the option and its value as
     * written when an option is invalid.
     */
    public LeaseElector joinElection(String leaseName, K8sLeaderConfiguration overlay) {
        return joinElection(leaseName, overlay, true);
    }

    /**
     * As {@link #joinElection(String, K8sLeaderConfiguration)}; a first user that does not {@code compete} starts
     * the elector withdrawn ({@link LeaseElector#startWithdrawn()}).
     */
    public LeaseElector joinElection(String leaseName, K8sLeaderConfiguration overlay, boolean compete) {
        K8sLeaderConfiguration options = overlay.over(configuration);
        KubernetesClient effectiveClient = clientOf(options);
        LeaderElectionConfig config = toElectionConfig(leaseName, options, effectiveClient);
        warnIfRequestsOutlast(config, effectiveClient);
        return electors.join(config, options.recordsEvents(), effectiveClient, clock(), compete);
    }

    /**
     * Joins {@code group} with the given options over this component's: the membership holds a member slot with the
     * election's timings and identity, and is shared with every other cluster service of this CamelContext in the
     * same group and namespace. Fails with a message naming the option and its value as written when the group or
     * an option is invalid.
     */
    public GroupMembership joinGroup(String group, K8sLeaderConfiguration overlay) {
        GroupMembership.requireValidGroup(group);
        K8sLeaderConfiguration options = overlay.over(configuration);
        KubernetesClient effectiveClient = clientOf(options);
        LeaderElectionConfig timings = toElectionConfig(GroupMembership.slotName(group, 0), options, effectiveClient);
        warnIfRequestsOutlast(timings, effectiveClient);
        return electors.joinGroup(group, timings, effectiveClient, clock());
    }

    /**
     * A rebalancer of the Leases this pod takes part in with the given options over this component's (identity,
     * namespace, client, leaseDuration), observing the namespace's Leases. Stopped with the component's electors at
     * the latest.
     */
    public LeaseRebalancer createRebalancer(K8sLeaderConfiguration overlay, LeaseRebalancer.Candidacy candidacy) {
        K8sLeaderConfiguration options = overlay.over(configuration);
        KubernetesClient effectiveClient = clientOf(options);
        LeaderElectionConfig timings = toElectionConfig("rebalancing", options, effectiveClient);
        return electors.createRebalancer(timings, candidacy, effectiveClient, clock());
    }

    private ElectionClock clock() {
        return electionClock != null ? electionClock : ElectionClock.system();
    }

    /** Gives up one use of the membership joined with {@link #joinGroup}; the last use leaves the group. */
    public void leaveGroup(GroupMembership membership) {
        electors.leaveGroup(membership);
    }

    /**
     * A request that can take as long as renewDeadline cannot fail in time for another attempt before the leader
     * steps down, and holds one of the electors' shared API threads all along; every retry of the client adds as
     * much again. Said once per client.
     */
    private void warnIfRequestsOutlast(LeaderElectionConfig config, KubernetesClient client) {
        Integer timeout = client.getConfiguration().getRequestTimeout();
        long renewDeadline = config.renewDeadline().toMillis();
        if (timeout != null && timeout > 0 && timeout < renewDeadline) {
            return;
        }
        synchronized (this) {
            if (!slowClients.add(client)) {
                return;
            }
        }
        Integer retries = client.getConfiguration().getRequestRetryBackoffLimit();
        LOG.warn("The Kubernetes client of Lease {}/{} has requestTimeout={}, not less than renewDeadline={}ms{}: a "
                 + "renewal that hangs cannot fail and be tried again before this pod steps down, and holds one of "
                 + "the electors' shared API threads meanwhile. Give the client a request timeout well below "
                 + "renewDeadline, and at most one retry", config.namespace(), config.leaseName(),
                timeout == null || timeout <= 0 ? "none" : timeout + "ms", renewDeadline,
                retries == null || retries <= 0 ? "" : ", and each of its up to " + retries + " retries adds as much");
    }

    /** The elector this CamelContext runs on the Lease, or null if nothing here competes for it. */
    public LeaseElector findElection(String namespace, String leaseName) {
        return electors.find(namespace, leaseName);
    }

    /** The namespace the options (over this component's) name, or the default one for the client. */
    String resolveNamespace(K8sLeaderConfiguration overlay) {
        K8sLeaderConfiguration options = overlay.over(configuration);
        return options.getNamespace() != null ? options.getNamespace() : defaultNamespace(clientOf(options));
    }

    /** The client the options name, or the component's own. */
    private KubernetesClient clientOf(K8sLeaderConfiguration options) {
        return options.getKubernetesClient() != null ? options.getKubernetesClient() : defaultClient();
    }

    /** The health checks of this component's elections, one per running elector. */
    public K8sLeaderHealthCheckRepository getHealthCheckRepository() {
        return healthChecks;
    }

    /** Adds the event recorder, health check, MBean and meters to a new elector; returns what removes them. */
    private Runnable instrument(LeaseElector elector, KubernetesClient client, boolean recordEvents) {
        List<Runnable> undo = new ArrayList<>();
        if (recordEvents) {
            elector.addListener(new LeaderEventRecorder(client, elector.config(), eventRecording()));
        }
        healthChecks.add(elector);
        undo.add(() -> healthChecks.remove(elector));
        if (elector.config().readinessGate()) {
            ReadinessGate gate = readinessGate();
            gate.add(elector);
            undo.add(() -> gate.remove(elector));
        }
        undo.add(ManagedLeaseElector.register(getCamelContext(), elector));
        if (micrometerPresent()) {
            undo.add(K8sLeaderMicrometer.bind(getCamelContext(), elector));
        }
        return () -> undo.forEach(Runnable::run);
    }

    /**
     * Whether Micrometer is on the classpath (an optional dependency). Checked here, by name: merely calling a method
     * of {@link K8sLeaderMicrometer} makes the JVM resolve the Micrometer types it uses, which fails without it.
     */
    private boolean micrometerPresent() {
        return getCamelContext().getClassResolver().resolveClass("io.micrometer.core.instrument.MeterRegistry") != null;
    }

    /**
     * The threads on which the policies start and stop their routes, each policy's in order (see
     * {@link io.github.camelk8s.leader.policy.SerialHandOff}): up to {@link #ROUTE_CONTROL_THREADS}, and none while no
     * policy has routes to change.
     */
    public synchronized ExecutorService routeControl() {
        if (routeControl == null) {
            routeControl = idlingPool("K8sLeaderRouteControl", ROUTE_CONTROL_THREADS);
        }
        return routeControl;
    }

    private synchronized ReadinessGate readinessGate() {
        if (readinessGate == null) {
            readinessGate = new ReadinessGate(getCamelContext());
        }
        return readinessGate;
    }

    private synchronized ExecutorService eventRecording() {
        if (eventRecording == null) {
            eventRecording = idlingPool("K8sLeaderEventRecorder", 1);
        }
        return eventRecording;
    }

    /**
     * A Camel thread pool of up to {@code threads} threads that end after {@link #IDLE_SECONDS} without a task. Its
     * queue has no practical bound (Camel reads a size of 0 or less as no queue at all), so that a burst waits; a task
     * is refused only once the pool is shut down, and then not run on the caller's thread (Camel's default): that
     * would be an elector's event thread.
     */
    private ExecutorService idlingPool(String name, int threads) {
        return getCamelContext().getExecutorServiceManager().newThreadPool(this, name,
                new ThreadPoolProfileBuilder(name).poolSize(threads).maxPoolSize(threads)
                        .keepAliveTime(IDLE_SECONDS, TimeUnit.SECONDS).allowCoreThreadTimeOut(true)
                        .maxQueueSize(Integer.MAX_VALUE).rejectedPolicy(ThreadPoolRejectedPolicy.Abort).build());
    }

    /** The awaitLeadership option of a consumer, policy or view that joined the election on the elector's Lease. */
    public void awaitLeadership(LeaseElector elector, K8sLeaderConfiguration overlay) throws InterruptedException {
        AwaitLeadership.await(elector, overlay.over(configuration), electors.startedNanos(elector));
    }

    /** Gives up one use of the elector joined with {@link #joinElection}; the last use stops it. */
    public void leaveElection(LeaseElector elector) {
        electors.leave(elector);
    }

    /** The engine's configuration for these (merged) options, with the namespace and identity resolved. */
    LeaderElectionConfig toElectionConfig(String leaseName, K8sLeaderConfiguration options, KubernetesClient client) {
        return options.toElectionConfig(leaseName,
                options.getNamespace() != null ? options.getNamespace() : defaultNamespace(client),
                options.getIdentity() != null ? options.getIdentity() : defaultIdentity());
    }

    /**
     * The client of the component's options, else the only one in the registry, else one the component builds and
     * owns. Looked up here rather than autowired: an autowired option of the options type would be autowired on
     * every endpoint too, and override a client set on the component.
     */
    synchronized KubernetesClient defaultClient() {
        if (configuration.getKubernetesClient() != null) {
            return configuration.getKubernetesClient();
        }
        Set<KubernetesClient> registered = getCamelContext() == null
                ? Set.of() : getCamelContext().getRegistry().findByType(KubernetesClient.class);
        if (registered.size() == 1) {
            return registered.iterator().next();
        }
        if (ownedClient == null) {
            // on a few threads of its own whatever the number of Leases; closing it ends them
            ownedClient = OwnKubernetesClient.build(ownClientConfig(configuration));
        }
        return ownedClient;
    }

    /**
     * The default configuration (in-cluster service account or KUBECONFIG) with the request timeout and retries the
     * election needs. fabric8's defaults, a 10s request timeout (the default renewDeadline) and up to 10 retries
     * with back-off, let one renewal hanging on a dead connection hold an API thread for tens of seconds and fail
     * only after the leader had to step down. With a third of renewDeadline, a renewal that hangs fails while there
     * is time left to try again (with the defaults: sent 2s after the last good one, it fails 4.7s before the
     * deadline). 5s at most, because a hung call holds one of the few API threads that all electors share. No
     * retries: the elector retries by itself, after retryPeriod and with a fresh read.
     */
    static Config ownClientConfig(K8sLeaderConfiguration options) {
        long renewDeadline = options.renewDeadlineOrDefault().toMillis();
        long timeout = Math.max(1, Math.min(renewDeadline / 3, OWN_CLIENT_MAX_REQUEST_TIMEOUT_MILLIS));
        return new ConfigBuilder(Config.autoConfigure(null))
                .withRequestTimeout((int) timeout)
                .withRequestRetryBackoffLimit(0)
                .build();
    }

    /** The pod's own namespace where it can be known, so the Lease lives beside the workload by default. */
    static String defaultNamespace(KubernetesClient client) {
        if (Files.isReadable(SERVICE_ACCOUNT_NAMESPACE)) {
            try {
                String ns = Files.readString(SERVICE_ACCOUNT_NAMESPACE, StandardCharsets.UTF_8).trim();
                if (!ns.isEmpty()) {
                    return ns;
                }
            } catch (IOException e) {
                // fall through to the next source
            }
        }
        String env = System.getenv("POD_NAMESPACE");
        if (env != null && !env.isBlank()) {
            return env.trim();
        }
        String configured = client.getConfiguration().getNamespace();
        return configured != null && !configured.isBlank() ? configured : "default";
    }

    /** This CamelContext's identity in an election whose options name none: the pod's name and a suffix. */
    public String defaultIdentity() {
        String base = System.getenv("POD_NAME");
        if (base == null || base.isBlank()) {
            base = System.getenv("HOSTNAME");
        }
        if (base == null || base.isBlank()) {
            try {
                base = InetAddress.getLocalHost().getHostName();
            } catch (IOException e) {
                base = "camel";
            }
        }
        return base.trim() + "-" + identitySuffix;
    }

    /**
     * A suffix no other CamelContext of this JVM has drawn: random, so that a restarted pod (same name) is not
     * taken for its predecessor, and drawn again until it is new, so that two contexts in one pod never share an
     * identity. {@code random} gives a number below its argument.
     */
    static String uniqueSuffix(IntUnaryOperator random) {
        String alphabet = "bcdfghjklmnpqrstvwxz2456789";
        while (true) {
            StringBuilder suffix = new StringBuilder(5);
            for (int i = 0; i < 5; i++) {
                suffix.append(alphabet.charAt(random.applyAsInt(alphabet.length())));
            }
            if (SUFFIXES_DRAWN.add(suffix.toString())) {
                return suffix.toString();
            }
        }
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        HealthCheckRegistry registry = HealthCheckRegistry.get(getCamelContext());
        if (registry != null) {
            registry.register(healthChecks);
        }
    }

    @Override
    protected void doStop() throws Exception {
        electors.close();
        HealthCheckRegistry registry = HealthCheckRegistry.get(getCamelContext());
        if (registry != null) {
            registry.unregister(healthChecks);
        }
        ExecutorService recording;
        synchronized (this) {
            recording = eventRecording;
            eventRecording = null;
        }
        if (recording != null) {
            // let the LOST events of the electors just stopped be recorded, but do not hold the shutdown for long
            getCamelContext().getExecutorServiceManager().shutdownGraceful(recording, 2_000);
            LOG.debug("Stopped recording Kubernetes Events");
        }
        ExecutorService control;
        synchronized (this) {
            control = routeControl;
            routeControl = null;
        }
        if (control != null) {
            // the CamelContext stops the routes itself: the policies' starts and stops that are left do nothing
            getCamelContext().getExecutorServiceManager().shutdown(control);
        }
        if (ownedClient != null) {
            ownedClient.close();
            ownedClient = null;
        }
        super.doStop();
    }
}
