package io.github.camelk8s.leader;

import java.time.Duration;

import io.fabric8.kubernetes.client.KubernetesClient;
import org.apache.camel.LoggingLevel;
import org.apache.camel.spi.Metadata;
import org.apache.camel.support.cluster.AbstractCamelClusterService;

/**
 * Camel's cluster service SPI on Kubernetes Leases: a Camel cluster namespace is the name of a Lease. With it
 * added to the CamelContext ({@code context.addService(new K8sLeaderClusterService())}, or bound as a bean with
 * Camel Main), Camel's own {@code master:my-lease:timer:x} endpoints and
 * {@code ClusteredRoutePolicy.forNamespace(context, "my-lease")} run in exactly one pod, elected on the Lease
 * {@code my-lease}.
 * <p>
 * Its views share the CamelContext's electors with every {@code k8s-leader} consumer and
 * {@link K8sLeaderRoutePolicy} on the same Lease. Options not set here are taken from the {@code k8s-leader}
 * component's configuration, so {@code camel.component.k8s-leader.*} properties apply to it too.
 * <p>
 * {@code master:} and {@code ClusteredRoutePolicy} only start and stop a consumer or routes when told of a
 * leadership change (see {@link K8sLeaderClusterView}); unlike a {@link K8sLeaderRoutePolicy}'s, their exchanges
 * are not leader-only. No step of theirs is refused once this pod's leadership lapses: an exchange in flight runs
 * to its end. A stop or yield releases the Lease once they have handled LOST, without waiting for their exchanges
 * in flight.
 */
@Metadata(label = "bean", description = "Camel cluster service on Kubernetes Leases: a cluster namespace is a Lease",
          annotations = { "interfaceName=org.apache.camel.cluster.CamelClusterService" })
public class K8sLeaderClusterService extends AbstractCamelClusterService<K8sLeaderClusterView> {

    public static final String DEFAULT_ID = "k8s-leader";

    @Metadata(description = "The Kubernetes namespace of the Leases. Default: the component's namespace option.")
    private String namespace;
    @Metadata(description = "This pod's identity in the elections. Default: the component's identity option.")
    private String identity;
    @Metadata(description = "The leaseDuration of the elections. Default: the component's (15s).")
    private Duration leaseDuration;
    @Metadata(description = "The renewDeadline of the elections. Default: the component's (10s).")
    private Duration renewDeadline;
    @Metadata(description = "The retryPeriod of the elections. Default: the component's (2s).")
    private Duration retryPeriod;
    @Metadata(description = "The renewalInterval of the elections. Default: the component's (2s).")
    private Duration renewalInterval;
    @Metadata(description = "The level at which leadership changes are logged. Default: the component's (INFO).")
    private LoggingLevel loggingLevel;
    @Metadata(description = "Whether starting a view waits for the election's first outcome. Default: the "
                            + "component's (false).")
    private Boolean awaitLeadership;
    @Metadata(description = "How long awaitLeadership waits. Default: the component's.")
    private Duration awaitLeadershipTimeout;
    @Metadata(description = "Whether a leader releases the Lease when its view stops. Default: the component's "
                            + "(true).")
    private Boolean releaseOnStop;
    @Metadata(description = "Whether leadership changes are recorded as Kubernetes Events. Default: the component's "
                            + "(true).")
    private Boolean recordEvents;
    @Metadata(description = "The Kubernetes client to use. Default: the component's.")
    private KubernetesClient kubernetesClient;

    public K8sLeaderClusterService() {
        super(DEFAULT_ID);
    }

    @Override
    protected K8sLeaderClusterView createView(String leaseName) {
        return new K8sLeaderClusterView(this, leaseName);
    }

    @Override
    public K8sLeaderClusterView getView(String leaseName) throws Exception {
        return (K8sLeaderClusterView) super.getView(leaseName);
    }

    K8sLeaderComponent component() {
        if (getCamelContext() == null) {
            throw new IllegalStateException("K8sLeaderClusterService has no CamelContext: add it with "
                                            + "context.addService(...)");
        }
        return getCamelContext().getComponent(K8sLeaderConstants.SCHEME, K8sLeaderComponent.class);
    }

    /** This pod's identity in the elections of this service, as far as it is known before they start. */
    String localIdentity() {
        if (identity != null) {
            return identity;
        }
        K8sLeaderComponent component = component();
        String configured = component.getConfiguration().getIdentity();
        return configured != null ? configured : component.defaultIdentity();
    }

    /** The component's options with this service's settings on top. */
    K8sLeaderConfiguration effectiveOptions(K8sLeaderConfiguration defaults) {
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

    public String getNamespace() {
        return namespace;
    }

    /** The Kubernetes namespace of the Leases (not to be confused with a Camel cluster namespace). */
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
        return "K8sLeaderClusterService[" + getId() + "]";
    }
}
