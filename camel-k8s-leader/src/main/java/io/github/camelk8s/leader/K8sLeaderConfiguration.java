package io.github.camelk8s.leader;

import java.time.Duration;

import org.apache.camel.LoggingLevel;
import org.apache.camel.RuntimeCamelException;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriParams;

/**
 * The election options shared by the component (as defaults), its endpoints, the route policy and the cluster
 * service.
 */
@UriParams
public class K8sLeaderConfiguration implements Cloneable {

    @UriParam
    @Metadata(description = "The namespace of the Lease. Default: the pod's service-account namespace, then env "
                            + "POD_NAMESPACE, then the Kubernetes client's namespace, then 'default'.")
    private String namespace;
    @UriParam
    @Metadata(description = "This pod's identity in the election (the Lease's holderIdentity). Default: env POD_NAME, "
                            + "else HOSTNAME, else the host name, plus a short random suffix per CamelContext so two "
                            + "contexts never share an identity.")
    private String identity;
    @UriParam(defaultValue = "15000", javaType = "java.time.Duration")
    @Metadata(description = "How long followers wait, from when they observe an unchanged Lease, before taking it "
                            + "over. Written to the Lease in whole seconds.")
    private long leaseDuration = 15_000;
    @UriParam(defaultValue = "10000", javaType = "java.time.Duration")
    @Metadata(description = "How long a leader keeps leading without a successful renewal before it steps down. "
                            + "Must be less than leaseDuration.")
    private long renewDeadline = 10_000;
    @UriParam(defaultValue = "2000", javaType = "java.time.Duration")
    @Metadata(description = "How often a failed API call is retried, and the Lease polled while the watch is down. "
                            + "Must be less than renewDeadline.")
    private long retryPeriod = 2_000;
    @UriParam(defaultValue = "2000", javaType = "java.time.Duration")
    @Metadata(description = "How often the leader renews the Lease. Must be less than renewDeadline.")
    private long renewalInterval = 2_000;
    @UriParam(defaultValue = "INFO")
    @Metadata(description = "The level at which leadership changes are logged.")
    private LoggingLevel loggingLevel = LoggingLevel.INFO;
    @UriParam(defaultValue = "false")
    @Metadata(description = "Whether starting a consumer, route policy or cluster view waits until this pod is leader "
                            + "or has seen another pod lead (bounded by awaitLeadershipTimeout).")
    private boolean awaitLeadership;
    @UriParam(javaType = "java.time.Duration")
    @Metadata(description = "How long awaitLeadership waits before start-up goes on regardless. "
                            + "Default: leaseDuration plus renewDeadline.")
    private long awaitLeadershipTimeout;
    @UriParam(defaultValue = "true")
    @Metadata(description = "Whether a leader releases the Lease when it stops, so another pod takes over at once "
                            + "instead of after leaseDuration.")
    private boolean releaseOnStop = true;
    @UriParam(defaultValue = "true")
    @Metadata(description = "Whether this pod records its leadership changes as Kubernetes Events on the Lease, as "
                            + "client-go does: reason LeaderElection, messages such as 'pod-a became leader' and "
                            + "'pod-a stopped leading'. Needs the 'create' permission on events; failing to record an "
                            + "event never affects the election.")
    private boolean recordEvents = true;

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

    public long getLeaseDuration() {
        return leaseDuration;
    }

    public void setLeaseDuration(long leaseDuration) {
        this.leaseDuration = leaseDuration;
    }

    public long getRenewDeadline() {
        return renewDeadline;
    }

    public void setRenewDeadline(long renewDeadline) {
        this.renewDeadline = renewDeadline;
    }

    public long getRetryPeriod() {
        return retryPeriod;
    }

    public void setRetryPeriod(long retryPeriod) {
        this.retryPeriod = retryPeriod;
    }

    public long getRenewalInterval() {
        return renewalInterval;
    }

    public void setRenewalInterval(long renewalInterval) {
        this.renewalInterval = renewalInterval;
    }

    public LoggingLevel getLoggingLevel() {
        return loggingLevel;
    }

    public void setLoggingLevel(LoggingLevel loggingLevel) {
        this.loggingLevel = loggingLevel;
    }

    public boolean isAwaitLeadership() {
        return awaitLeadership;
    }

    public void setAwaitLeadership(boolean awaitLeadership) {
        this.awaitLeadership = awaitLeadership;
    }

    public long getAwaitLeadershipTimeout() {
        return awaitLeadershipTimeout;
    }

    public void setAwaitLeadershipTimeout(long awaitLeadershipTimeout) {
        this.awaitLeadershipTimeout = awaitLeadershipTimeout;
    }

    /** awaitLeadershipTimeout, or its default leaseDuration + renewDeadline when not set. */
    public Duration effectiveAwaitLeadershipTimeout() {
        return Duration.ofMillis(awaitLeadershipTimeout > 0 ? awaitLeadershipTimeout : leaseDuration + renewDeadline);
    }

    public boolean isReleaseOnStop() {
        return releaseOnStop;
    }

    public void setReleaseOnStop(boolean releaseOnStop) {
        this.releaseOnStop = releaseOnStop;
    }

    public boolean isRecordEvents() {
        return recordEvents;
    }

    public void setRecordEvents(boolean recordEvents) {
        this.recordEvents = recordEvents;
    }

    public K8sLeaderConfiguration copy() {
        try {
            return (K8sLeaderConfiguration) clone();
        } catch (CloneNotSupportedException e) {
            throw new RuntimeCamelException(e);
        }
    }
}
