package io.github.camelk8s.leader.cluster;

import io.github.camelk8s.leader.K8sLeaderComponent;
import io.github.camelk8s.leader.K8sLeaderConfiguration;
import io.github.camelk8s.leader.K8sLeaderConstants;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.github.camelk8s.leader.election.FencingToken;
import io.github.camelk8s.leader.election.GroupMembership;
import io.github.camelk8s.leader.election.LeaseElector;
import io.github.camelk8s.leader.election.LeaseRebalancer;
import io.github.camelk8s.leader.election.MembershipListener;
import org.apache.camel.CamelContext;
import org.apache.camel.cluster.CamelPreemptiveClusterService;
import org.apache.camel.spi.Metadata;
import org.apache.camel.support.LifecycleStrategySupport;
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
 * <p>
 * <b>Group.</b> This pod becomes a member of its {@link #setGroup group} once the CamelContext has started (its
 * routes, and so their views, are up by then: a Lease handed to it is taken at once), and leaves it as the
 * CamelContext begins to stop, before its routes stop, so that the others take its Leases over while it still
 * leads them. A service started on a running CamelContext joins at once.
 * <p>
 * <b>Rebalancing.</b> With {@link #setRebalancing rebalancing}, the Leases of this service's views are spread evenly
 * over the group's live members ({@link io.github.camelk8s.leader.election.LeaseSpread}): each view competes only
 * for a Lease the spread gives this pod, a pod over its share hands the excess over by releasing it, and the spread
 * follows members joining and leaving from the watch. It assumes that the members of a group take part in the same
 * Leases (the same routes); a Lease that stays without a leader for leaseDuration all the same is competed for by
 * every member. Without it, the views can be disabled and enabled ({@link K8sLeaderClusterView#setDisabled}), so
 * Camel's own {@code RebalancingCamelClusterService} can wrap this service.
 */
@Metadata(label = "bean", description = "Camel cluster service on Kubernetes Leases: a cluster namespace is a Lease",
          annotations = { "interfaceName=org.apache.camel.cluster.CamelClusterService" })
public class K8sLeaderClusterService extends AbstractCamelClusterService<K8sLeaderClusterView>
        implements CamelPreemptiveClusterService {

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
    @Metadata(defaultValue = "false",
              description = "Whether to spread the Leases of this service's views evenly over the group's live "
                            + "members (default false): each member leads at most ceil(L / M) and at least "
                            + "floor(L / M) of the L Leases among the M members, and the spread follows members "
                            + "joining, leaving and crashing, from the Lease watch. The members of the group must "
                            + "take part in the same Leases.")
    private boolean rebalancing;
    /** The membership of the group while this pod is a member, else null. */
    private volatile GroupMembership membership;
    /** The rebalancing while started with it, else null. */
    private volatile LeaseRebalancer rebalancer;
    /** The started views, by Lease. */
    private final Map<String, K8sLeaderClusterView> started = new ConcurrentHashMap<>();
    /** Tells the started views of every change of the group's members, for their member events. */
    private final MembershipListener memberEvents = members -> started.values()
            .forEach(view -> view.membersChanged(members));
    /** Whether the CamelContext has been told to join and leave the group at its start and stop. */
    private boolean lifecycleHooked;
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

    /** The membership of the group while this pod is a member, else null. */
    public GroupMembership getMembership() {
        return membership;
    }

    public boolean isRebalancing() {
        return rebalancing;
    }

    /** Whether to spread the Leases of this service's views evenly over the group's members; set before start. */
    public void setRebalancing(boolean rebalancing) {
        this.rebalancing = rebalancing;
    }

    /** The rebalancing while started with it, else null. */
    public LeaseRebalancer getRebalancer() {
        return rebalancer;
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
        GroupMembership.requireValidGroup(group);
        if (rebalancing) {
            rebalancer = component().createRebalancer(configuration, this::compete);
        }
        super.doStart();
        CamelContext context = getCamelContext();
        if (context.isStarted()) {
            join();
        } else if (!lifecycleHooked) {
            lifecycleHooked = true;
            context.addLifecycleStrategy(new LifecycleStrategySupport() {
                @Override
                public void onContextStarted(CamelContext camelContext) {
                    if (isRunAllowed()) {
                        join();
                    }
                }

                @Override
                public void onContextStopping(CamelContext camelContext) {
                    leave();
                }
            });
        }
    }

    /** Leaves the group (handing the Leases over, with rebalancing) before the views stop and release theirs. */
    @Override
    protected void doStop() throws Exception {
        leave();
        super.doStop();
    }

    private synchronized void join() {
        if (membership != null) {
            return;
        }
        GroupMembership joined = component().joinGroup(group, configuration);
        membership = joined;
        joined.addListener(memberEvents);
        LeaseRebalancer current = rebalancer;
        if (current != null) {
            current.follow(joined);
        }
    }

    /**
     * Leaves the group, then stops the rebalancing, which withdraws from every Lease: the others see this pod
     * leave first, give its Leases to themselves and compete for them, so each is taken as soon as it is released.
     * So the rebalancing stops following the membership first (it would otherwise withdraw at once, on seeing this
     * pod leave), and the Leases are released only once the group has been left: the slot's release written.
     * Returns once every withdrawn view is out of the election: the CamelContext stops the routes next, and
     * Camel's ClusteredRoutePolicy deadlocks when its LOST (which stops its routes) meets that shutdown.
     */
    private synchronized void leave() {
        GroupMembership joined = membership;
        membership = null;
        LeaseRebalancer current = rebalancer;
        rebalancer = null;
        if (joined != null) {
            joined.removeListener(memberEvents);
            if (current != null) {
                current.unfollow(joined);
            }
            component().leaveGroup(joined);
        }
        if (current != null) {
            current.stop();
            for (K8sLeaderClusterView view : started.values()) {
                try {
                    view.awaitWithdrawn();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** A view started: whether it competes for its Lease now. */
    boolean viewStarted(K8sLeaderClusterView view) {
        started.put(view.getNamespace(), view);
        LeaseRebalancer current = rebalancer;
        return current == null || current.add(view.getNamespace());
    }

    /**
     * The fencing token of the term in which this pod leads the Lease of a started view, or null when it does not
     * lead it (see {@link io.github.camelk8s.leader.election.FencingToken}).
     */
    public FencingToken fencingToken(String leaseName) {
        K8sLeaderClusterView view = startedView(leaseName);
        LeaseElector elector = view == null ? null : view.getElector();
        return elector == null ? null : elector.term();
    }

    /** The started view of the Lease, or null: unlike {@link #getView}, creates none. */
    K8sLeaderClusterView startedView(String leaseName) {
        return started.get(leaseName);
    }

    void viewStopped(K8sLeaderClusterView view) {
        started.remove(view.getNamespace(), view);
        LeaseRebalancer current = rebalancer;
        if (current != null) {
            current.remove(view.getNamespace());
        }
    }

    /** The rebalancing's decision for a Lease, on its own thread. */
    private void compete(String leaseName, boolean compete) {
        K8sLeaderClusterView view = started.get(leaseName);
        if (view != null) {
            view.compete(compete);
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
