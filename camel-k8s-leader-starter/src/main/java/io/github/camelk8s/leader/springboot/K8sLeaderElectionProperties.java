package io.github.camelk8s.leader.springboot;

import io.github.camelk8s.leader.K8sLeaderConfiguration;
import org.apache.camel.LoggingLevel;

/**
 * The election options, as Spring Boot binds them under a prefix: the component's
 * ({@code camel.component.k8s-leader}) and the cluster service's ({@code camel.cluster.k8s-leader}). Durations are
 * text in Camel's syntax ({@code 15s}, {@code 1m30s}, {@code 500ms}, {@code PT15S} or milliseconds), which also
 * reads Spring's duration forms ({@code 7s}, {@code PT7S}, {@code 7000}); they are kept as written, so a bad value
 * is reported as the user wrote it.
 * <p>
 * An option not set stays null and is not applied: the target keeps what it has, so the cluster service's options
 * fall back to the component's, and a component configured in code is not reset to defaults. The defaults IDEs show
 * come from {@code META-INF/additional-spring-configuration-metadata.json}.
 */
public class K8sLeaderElectionProperties {

    /**
     * How long followers wait, from when they observe an unchanged Lease, before taking it over. Written to the
     * Lease in whole seconds. A duration: 15s, 1m30s, 500ms, PT15S or a number of milliseconds.
     */
    private String leaseDuration;
    /**
     * How long a leader keeps leading without a successful renewal before it steps down. Must be less than
     * leaseDuration.
     */
    private String renewDeadline;
    /**
     * How often a failed API call is retried, and the Lease polled while the watch is down. Must be less than
     * renewDeadline.
     */
    private String retryPeriod;
    /** How often the leader renews the Lease. Must be less than renewDeadline. */
    private String renewalInterval;
    /**
     * The namespace of the Lease. Default: the pod's service-account namespace, then env POD_NAMESPACE, then the
     * Kubernetes client's namespace, then 'default'.
     */
    private String namespace;
    /**
     * This pod's identity in the election (the Lease's holderIdentity). Default: env POD_NAME, else HOSTNAME, else
     * the host name, plus a short random suffix per CamelContext, different for each CamelContext of the JVM.
     */
    private String identity;
    /** The level at which leadership changes are logged. */
    private LoggingLevel loggingLevel;
    /**
     * Whether starting a consumer, route policy or cluster view waits until this pod is leader or has seen another
     * pod lead (bounded by awaitLeadershipTimeout).
     */
    private Boolean awaitLeadership;
    /**
     * How long awaitLeadership waits before start-up goes on regardless. Default: leaseDuration plus
     * renewDeadline.
     */
    private String awaitLeadershipTimeout;
    /**
     * Whether a leader releases the Lease when it stops, so another pod takes over at once instead of after
     * leaseDuration.
     */
    private Boolean releaseOnStop;
    /**
     * Whether this pod records its leadership changes as Kubernetes Events on the Lease, as client-go does: reason
     * LeaderElection, messages such as 'pod-a became leader' and 'pod-a stopped leading'. Needs the 'create'
     * permission on events; failing to record an event never affects the election.
     */
    private Boolean recordEvents;
    /**
     * Whether this pod only watches the Lease: it emits NEW_LEADER, exposes status, health and metrics, and never
     * writes the Lease, so it never leads.
     */
    private Boolean observeOnly;
    /**
     * Whether this pod competes only while the CamelContext's other readiness checks are UP: while one is DOWN, a
     * follower does not compete, and a leader whose checks stay DOWN for readinessGracePeriod steps down.
     */
    private Boolean readinessGate;
    /**
     * With readinessGate: how long a leader whose other readiness checks are DOWN keeps leading. Default:
     * renewDeadline.
     */
    private String readinessGracePeriod;

    /** Sets the options that are set here on {@code target}; the others stay as they are there. */
    public void applyTo(K8sLeaderConfiguration target) {
        if (leaseDuration != null) {
            target.setLeaseDuration(leaseDuration);
        }
        if (renewDeadline != null) {
            target.setRenewDeadline(renewDeadline);
        }
        if (retryPeriod != null) {
            target.setRetryPeriod(retryPeriod);
        }
        if (renewalInterval != null) {
            target.setRenewalInterval(renewalInterval);
        }
        if (namespace != null) {
            target.setNamespace(namespace);
        }
        if (identity != null) {
            target.setIdentity(identity);
        }
        if (loggingLevel != null) {
            target.setLoggingLevel(loggingLevel);
        }
        if (awaitLeadership != null) {
            target.setAwaitLeadership(awaitLeadership);
        }
        if (awaitLeadershipTimeout != null) {
            target.setAwaitLeadershipTimeout(awaitLeadershipTimeout);
        }
        if (releaseOnStop != null) {
            target.setReleaseOnStop(releaseOnStop);
        }
        if (recordEvents != null) {
            target.setRecordEvents(recordEvents);
        }
        if (observeOnly != null) {
            target.setObserveOnly(observeOnly);
        }
        if (readinessGate != null) {
            target.setReadinessGate(readinessGate);
        }
        if (readinessGracePeriod != null) {
            target.setReadinessGracePeriod(readinessGracePeriod);
        }
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

    public void setReadinessGracePeriod(String readinessGracePeriod) {
        this.readinessGracePeriod = readinessGracePeriod;
    }

    public String getLeaseDuration() {
        return leaseDuration;
    }

    public void setLeaseDuration(String leaseDuration) {
        this.leaseDuration = leaseDuration;
    }

    public String getRenewDeadline() {
        return renewDeadline;
    }

    public void setRenewDeadline(String renewDeadline) {
        this.renewDeadline = renewDeadline;
    }

    public String getRetryPeriod() {
        return retryPeriod;
    }

    public void setRetryPeriod(String retryPeriod) {
        this.retryPeriod = retryPeriod;
    }

    public String getRenewalInterval() {
        return renewalInterval;
    }

    public void setRenewalInterval(String renewalInterval) {
        this.renewalInterval = renewalInterval;
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

    public void setAwaitLeadershipTimeout(String awaitLeadershipTimeout) {
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
}
