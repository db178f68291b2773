package io.github.camelk8s.leader;

import java.lang.reflect.Field;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.github.camelk8s.leader.election.Durations;
import io.github.camelk8s.leader.election.LeaderElectionConfig;
import org.apache.camel.LoggingLevel;
import org.apache.camel.RuntimeCamelException;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriParams;
import org.slf4j.event.Level;

/**
 * The election options: the one type that the component, its endpoints, the route policy (and its factory) and the
 * cluster service each hold, as an overlay. An option not set (null) is taken from the overlay below: an endpoint's,
 * policy's or cluster service's options lie over the component's, and the component's over the defaults.
 * <p>
 * Durations are kept as their user wrote them ({@code -5s}, {@code 1m30s}, {@code PT15S}), not converted on the
 * way in: Camel converts {@code -5s} and {@code abc} to 0, and a message about {@code 0ms} would name a value
 * nobody wrote. They are read, and every rule checked, by the engine's {@link LeaderElectionConfig.Builder} when an
 * election is joined, so each bad value gets the same message whichever way it was set (URI, component property,
 * camel-main, a setter, a YAML bean property).
 * <p>
 * The defaults of the timings are the engine's ({@link LeaderElectionConfig}); the {@code defaultValue}s below
 * document them, and ConfigurationDocsTest holds the two together.
 */
@UriParams
public class K8sLeaderConfiguration implements Cloneable {

    static final boolean DEFAULT_AWAIT_LEADERSHIP = false;
    static final boolean DEFAULT_RELEASE_ON_STOP = true;
    static final boolean DEFAULT_RECORD_EVENTS = true;
    static final LoggingLevel DEFAULT_LOGGING_LEVEL = LoggingLevel.INFO;
    static final boolean DEFAULT_OBSERVE_ONLY = false;
    static final boolean DEFAULT_READINESS_GATE = false;

    @UriParam
    @Metadata(description = "The namespace of the Lease. Default: the pod's service-account namespace, then env "
                            + "POD_NAMESPACE, then the Kubernetes client's namespace, then 'default'.")
    private String namespace;
    @UriParam
    @Metadata(description = "This pod's identity in the election (the Lease's holderIdentity). Default: env POD_NAME, "
                            + "else HOSTNAME, else the host name, plus a short random suffix per CamelContext, "
                            + "different for each CamelContext of the JVM.")
    private String identity;
    @UriParam(defaultValue = "15s")
    @Metadata(description = "How long followers wait, from when they observe an unchanged Lease, before taking it "
                            + "over. Written to the Lease in whole seconds. A duration: 15s, 1m30s, 500ms, PT15S or "
                            + "a number of milliseconds.")
    private String leaseDuration;
    @UriParam(defaultValue = "10s")
    @Metadata(description = "How long a leader keeps leading without a successful renewal before it steps down. "
                            + "Must be less than leaseDuration.")
    private String renewDeadline;
    @UriParam(defaultValue = "2s")
    @Metadata(description = "How often a failed API call is retried, and the Lease polled while the watch is down. "
                            + "Must be less than renewDeadline.")
    private String retryPeriod;
    @UriParam(defaultValue = "2s")
    @Metadata(description = "How often the leader renews the Lease. Must be less than renewDeadline.")
    private String renewalInterval;
    @UriParam(defaultValue = "INFO")
    @Metadata(description = "The level at which leadership changes are logged.")
    private LoggingLevel loggingLevel;
    @UriParam(defaultValue = "false")
    @Metadata(description = "Whether starting a consumer, route policy or cluster view waits until this pod is leader "
                            + "or has seen another pod lead (bounded by awaitLeadershipTimeout).")
    private Boolean awaitLeadership;
    @UriParam
    @Metadata(description = "How long awaitLeadership waits before start-up goes on regardless. "
                            + "Default: leaseDuration plus renewDeadline.")
    private String awaitLeadershipTimeout;
    @UriParam(defaultValue = "true")
    @Metadata(description = "Whether a leader releases the Lease when it stops, so another pod takes over at once "
                            + "instead of after leaseDuration.")
    private Boolean releaseOnStop;
    @UriParam(defaultValue = "true")
    @Metadata(description = "Whether this pod records its leadership changes as Kubernetes Events on the Lease, as "
                            + "client-go does: reason LeaderElection, messages such as 'pod-a became leader' and "
                            + "'pod-a stopped leading'. Needs the 'create' permission on events; failing to record an "
                            + "event never affects the election.")
    private Boolean recordEvents;
    @UriParam(defaultValue = "false")
    @Metadata(description = "Whether this pod only watches the Lease: it emits NEW_LEADER, exposes status, health and "
                            + "metrics, and never writes the Lease, so it never leads. For dashboards, and to check "
                            + "a migration before switching.")
    private Boolean observeOnly;
    @UriParam(defaultValue = "false")
    @Metadata(description = "Whether this pod competes only while the CamelContext's other readiness checks are UP "
                            + "(its own k8s-leader checks excluded): while one is DOWN, a follower does not compete, "
                            + "and a leader whose checks stay DOWN for readinessGracePeriod steps down and releases "
                            + "the Lease.")
    private Boolean readinessGate;
    @UriParam
    @Metadata(description = "With readinessGate: how long a leader whose other readiness checks are DOWN keeps "
                            + "leading before it steps down. Default: renewDeadline.")
    private String readinessGracePeriod;
    @UriParam(label = "advanced")
    @Metadata(description = "The Kubernetes client to use. Default: the component's, else the only one in the "
                            + "registry, else one built from the default configuration (in-cluster service account "
                            + "or KUBECONFIG) with a request timeout of a third of renewDeadline (at most 5s) and no "
                            + "retries. A client whose request timeout is not below renewDeadline is logged at WARN.")
    private KubernetesClient kubernetesClient;

    /** The option fields, each null while not set: the overlay merges them all, so none can be left out. */
    private static final List<Field> OPTIONS = Arrays.stream(K8sLeaderConfiguration.class.getDeclaredFields())
            .filter(field -> field.isAnnotationPresent(UriParam.class)).toList();

    /**
     * These options over {@code below}: each option set here, else the one set there. Neither is changed; the result
     * is a new overlay.
     */
    public K8sLeaderConfiguration over(K8sLeaderConfiguration below) {
        K8sLeaderConfiguration merged = below.copy();
        try {
            for (Field option : OPTIONS) {
                Object value = option.get(this);
                if (value != null) {
                    option.set(merged, value);
                }
            }
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("Cannot read the options of " + K8sLeaderConfiguration.class, e);
        }
        return merged;
    }

    /**
     * The engine's configuration for these options, the defaults where they are not set. The namespace and identity
     * are resolved by the caller (they depend on the pod and the client). Fails, naming the option and its value as
     * written, when a value breaks a rule; awaitLeadershipTimeout is checked here too, so that it fails at start
     * whether or not awaitLeadership is on.
     */
    public LeaderElectionConfig toElectionConfig(String leaseName, String resolvedNamespace,
                                                 String resolvedIdentity) {
        LeaderElectionConfig.Builder builder = LeaderElectionConfig.builder()
                .leaseName(leaseName)
                .namespace(resolvedNamespace)
                .identity(resolvedIdentity)
                .releaseOnStop(releaseOnStop != null ? releaseOnStop : DEFAULT_RELEASE_ON_STOP)
                .loggingLevel(toSlf4j(loggingLevel != null ? loggingLevel : DEFAULT_LOGGING_LEVEL))
                .observeOnly(observeOnly != null ? observeOnly : DEFAULT_OBSERVE_ONLY)
                .readinessGate(readinessGate != null ? readinessGate : DEFAULT_READINESS_GATE)
                .readinessGracePeriod(readinessGracePeriod);
        LeaderElectionConfig config = builder.leaseDuration(leaseDuration).renewDeadline(renewDeadline)
                .retryPeriod(retryPeriod).renewalInterval(renewalInterval).build();
        awaitLeadershipTimeout(config);
        return config;
    }

    /**
     * Fails, naming the option and its value as written, when a value breaks a rule, as an election on these
     * options would when it starts: for a user of the options that should fail before it joins an election (the
     * cluster service, when it starts).
     */
    public void validate() {
        toElectionConfig("validation", "default", "validation");
    }

    /** Whether starting a user of the election waits for its first outcome. */
    boolean awaitsLeadership() {
        return awaitLeadership != null ? awaitLeadership : DEFAULT_AWAIT_LEADERSHIP;
    }

    /** awaitLeadershipTimeout, or its default, the election's leaseDuration plus renewDeadline. */
    Duration awaitLeadershipTimeout(LeaderElectionConfig election) {
        return awaitLeadershipTimeout != null
                ? Durations.parsePositive("awaitLeadershipTimeout", awaitLeadershipTimeout)
                : election.leaseDuration().plus(election.renewDeadline());
    }

    /** Whether leadership changes are recorded as Kubernetes Events. */
    boolean recordsEvents() {
        return recordEvents != null ? recordEvents : DEFAULT_RECORD_EVENTS;
    }

    /** renewDeadline, or its default: the component sizes its own client's request timeout by it. */
    Duration renewDeadlineOrDefault() {
        return renewDeadline != null
                ? Durations.parse("renewDeadline", renewDeadline) : LeaderElectionConfig.DEFAULT_RENEW_DEADLINE;
    }

    private static Level toSlf4j(LoggingLevel level) {
        return switch (level) {
            case ERROR -> Level.ERROR;
            case WARN -> Level.WARN;
            case INFO -> Level.INFO;
            case DEBUG -> Level.DEBUG;
            case TRACE, OFF -> Level.TRACE;
        };
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

    public String getLeaseDuration() {
        return leaseDuration;
    }

    public void setLeaseDuration(String text) {
        leaseDuration = text;
    }

    public void setLeaseDuration(Duration duration) {
        leaseDuration = Durations.text(duration);
    }

    public String getRenewDeadline() {
        return renewDeadline;
    }

    public void setRenewDeadline(String text) {
        renewDeadline = text;
    }

    public void setRenewDeadline(Duration duration) {
        renewDeadline = Durations.text(duration);
    }

    public String getRetryPeriod() {
        return retryPeriod;
    }

    public void setRetryPeriod(String text) {
        retryPeriod = text;
    }

    public void setRetryPeriod(Duration duration) {
        retryPeriod = Durations.text(duration);
    }

    public String getRenewalInterval() {
        return renewalInterval;
    }

    public void setRenewalInterval(String text) {
        renewalInterval = text;
    }

    public void setRenewalInterval(Duration duration) {
        renewalInterval = Durations.text(duration);
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

    public String getAwaitLeadershipTimeout() {
        return awaitLeadershipTimeout;
    }

    public void setAwaitLeadershipTimeout(String text) {
        awaitLeadershipTimeout = text;
    }

    public void setAwaitLeadershipTimeout(Duration duration) {
        awaitLeadershipTimeout = Durations.text(duration);
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

    public Boolean getObserveOnly() {
        return observeOnly;
    }

    public void setObserveOnly(Boolean observeOnly) {
        this.observeOnly = observeOnly;
    }

    public Boolean getReadinessGate() {
        return readinessGate;
    }

    public void setReadinessGate(Boolean readinessGate) {
        this.readinessGate = readinessGate;
    }

    public String getReadinessGracePeriod() {
        return readinessGracePeriod;
    }

    public void setReadinessGracePeriod(String text) {
        readinessGracePeriod = text;
    }

    public void setReadinessGracePeriod(Duration duration) {
        readinessGracePeriod = Durations.text(duration);
    }

    public KubernetesClient getKubernetesClient() {
        return kubernetesClient;
    }

    public void setKubernetesClient(KubernetesClient kubernetesClient) {
        this.kubernetesClient = kubernetesClient;
    }

    public K8sLeaderConfiguration copy() {
        try {
            return (K8sLeaderConfiguration) clone();
        } catch (CloneNotSupportedException e) {
            throw new RuntimeCamelException(e);
        }
    }
}
