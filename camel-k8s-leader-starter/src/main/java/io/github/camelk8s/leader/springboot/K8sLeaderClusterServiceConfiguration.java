package io.github.camelk8s.leader.springboot;

import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code K8sLeaderClusterService} for Camel's {@code master:} and {@code ClusteredRoutePolicy}, as
 * {@code camel.cluster.k8s-leader.*} properties. Off unless {@code enabled=true}. Its election options lie over the
 * component's ({@code camel.component.k8s-leader.*}): one not set here is the component's.
 */
@ConfigurationProperties(prefix = K8sLeaderClusterServiceConfiguration.PREFIX)
public class K8sLeaderClusterServiceConfiguration extends K8sLeaderElectionProperties {

    public static final String PREFIX = "camel.cluster.k8s-leader";

    /** Whether to register a K8sLeaderClusterService, so that master: and ClusteredRoutePolicy elect on Leases. */
    private boolean enabled;
    /** The cluster service's id. Default: k8s-leader. */
    private String id;
    /** The service's order, when the CamelContext has several cluster services (the lowest is used first). */
    private Integer order;
    /**
     * The group the service is a member of: its views list the group's live members, from the member slot Leases
     * {@code <group>-member-0}, {@code -1}, ... Default: camel-k8s-leader.
     */
    private String group;
    /**
     * Whether to spread the Leases of the service's views evenly over the group's live members: each leads at most
     * ceil(L / M) and at least floor(L / M) of the L Leases among the M members, following members joining and
     * leaving from the Lease watch. Default: false.
     */
    private Boolean rebalancing;
    /** Custom attributes of the cluster service. */
    private Map<String, Object> attributes;

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public String getId() {
        return id;
    }

    public void setId(String id) {
        this.id = id;
    }

    public Integer getOrder() {
        return order;
    }

    public void setOrder(Integer order) {
        this.order = order;
    }

    public Boolean getRebalancing() {
        return rebalancing;
    }

    public void setRebalancing(Boolean rebalancing) {
        this.rebalancing = rebalancing;
    }

    public String getGroup() {
        return group;
    }

    public void setGroup(String group) {
        this.group = group;
    }

    public Map<String, Object> getAttributes() {
        return attributes;
    }

    public void setAttributes(Map<String, Object> attributes) {
        this.attributes = attributes;
    }
}
