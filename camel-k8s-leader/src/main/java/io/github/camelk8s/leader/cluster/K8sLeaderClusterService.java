package io.github.camelk8s.leader.cluster;

import io.github.camelk8s.leader.K8sLeaderComponent;
import io.github.camelk8s.leader.K8sLeaderConfiguration;
import io.github.camelk8s.leader.K8sLeaderConstants;
import io.github.camelk8s.leader.election.GroupMembership;
import org.apache.camel.spi.Metadata;
import org.apache.camel.support.cluster.AbstractCamelClusterService;

/**
 * Camel's cluster service SPI on Kubernetes Leases: a Camel cluster namespace is the name of a Lease. With it
 * added to the CamelContext ({@code context.addService(new K8sLeaderClusterService())}, by the property
 * {@code camel.cluster.k8s-leader.enabled=true} ({@link K8sLeaderClusterServicePlugin}), or as a bean), Camel's own
 * {@code master:my-lease:timer:x} endpoints and {@code ClusteredRoutePolicy.forNamespace(context, "my-lease")} run
 * in exactly one pod, elected on the Lease {@code my-lease}.
 * <p>
 * Its views share the CamelContext's electors with every {@code k8s-leader} consumer and
 * {@link io.github.camelk8s.leader.policy.K8sLeaderRoutePolicy} on the same Lease. Its options
 * ({@link #getConfiguration()}) lie over the {@code k8s-leader} component's, so {@code camel.component.k8s-leader.*}
 * properties apply to it too.
 * <p>
 * {@code master:} and {@code ClusteredRoutePolicy} only start and stop a consumer or routes when told of a leadership
 * change (see {@link K8sLeaderClusterView}); unlike a {@link io.github.camelk8s.leader.policy.K8sLeaderRoutePolicy}'s,
 * their exchanges are not leader-only. No step of theirs is refused once this pod's leadership lapses: an exchange in
 * flight runs to its end. A stop or yield releases the Lease once they have handled LOST, without waiting for their
 * exchanges in flight.
 */
@Metadata(label = "bean", description = "Camel cluster service on Kubernetes Leases: a cluster namespace is a Lease",
          annotations = { "interfaceName=org.apache.camel.cluster.CamelClusterService" })
public class K8sLeaderClusterService extends AbstractCamelClusterService<K8sLeaderClusterView> {

    public static final String DEFAULT_ID = "k8s-leader";
    public static final String DEFAULT_GROUP = "camel-k8s-leader";

    @Metadata(description = "The election options of every view (Lease) of this service, over the component's: "
                            + "an option not set here is the component's, so camel.component.k8s-leader.* "
                            + "properties apply to the service too. In YAML or properties: configuration.leaseDuration "
                            + "and so on.")
    private K8sLeaderConfiguration configuration = new K8sLeaderConfiguration();
    @Metadata(defaultValue = DEFAULT_GROUP,
              description = "The group this service is a member of (default camel-k8s-leader): every started "
                            + "cluster service of a group in a namespace knows the group's live members (a view's "
                            + "members) from the member slot Leases that each holds, named after the group: "
                            + "camel-k8s-leader-member-0, camel-k8s-leader-member-1 and so on. A DNS-1123 label.")
    private String group = DEFAULT_GROUP;
    /** The membership of the group while started, else null. */
    private volatile GroupMembership membership;
    /** The camel.cluster.k8s-leader.* properties to bind at start, when the plugin made this service; else null. */
    private ClusterServiceProperties properties;

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
        K8sLeaderComponent component = component();
        String configured = configuration.over(component.getConfiguration()).getIdentity();
        return configured != null ? configured : component.defaultIdentity();
    }

    public String getGroup() {
        return group;
    }

    /** The group whose members this service's views list; set before the service starts. */
    public void setGroup(String group) {
        this.group = group;
    }

    /** The membership of the group while this service is started, else null. */
    public GroupMembership getMembership() {
        return membership;
    }

    public K8sLeaderConfiguration getConfiguration() {
        return configuration;
    }

    /**
     * The election options of this service's views, over the component's (for instance
     * {@code service.getConfiguration().setLeaseDuration(Duration.ofSeconds(20))}).
     */
    public void setConfiguration(K8sLeaderConfiguration configuration) {
        this.configuration = configuration;
    }

    /**
     * Checks the options, over the component's, before any view joins an election, so that a bad value fails the
     * CamelContext's start even when no route has asked for a view yet.
     */
    @Override
    protected void doStart() throws Exception {
        if (properties != null) {
            properties.bind(getCamelContext(), this);
        }
        configuration.over(component().getConfiguration()).validate();
        membership = component().joinGroup(group, configuration);
        super.doStart();
    }

    /** Leaves the group once the views have stopped (and released their Leases): the slot is released last. */
    @Override
    protected void doStop() throws Exception {
        super.doStop();
        GroupMembership joined = membership;
        membership = null;
        if (joined != null) {
            component().leaveGroup(joined);
        }
    }

    /** Binds {@code properties} when this service starts, where a bad one can fail the start. */
    void bindOnStart(ClusterServiceProperties properties) {
        this.properties = properties;
    }

    @Override
    public String toString() {
        return "K8sLeaderClusterService[" + getId() + "]";
    }
}
