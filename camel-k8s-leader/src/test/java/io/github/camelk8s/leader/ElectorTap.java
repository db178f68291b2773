package io.github.camelk8s.leader;

import java.util.concurrent.atomic.AtomicBoolean;

import io.github.camelk8s.leader.election.LeaseElector;
import io.github.camelk8s.leader.election.LeadershipListener;
import org.apache.camel.CamelContext;

/**
 * For tests that judge the elector itself rather than what a route was told: listens to the elector a CamelContext
 * shares on one Lease, ahead of every route policy and consumer of that Lease.
 * <p>
 * Being first matters. The elector tells its listeners one after the other, and a route policy's listener starts or
 * stops its routes before it returns (stopping waits for the exchanges in flight, up to a second). A listener added
 * after it would hear ELECTED only once the routes had started working and LOST only once they had stopped; added
 * first, it hears each event as soon as the elector delivers it, before any route acts on it.
 */
public final class ElectorTap {

    private final K8sLeaderComponent component;
    private final LeaseElector elector;
    private final AtomicBoolean released = new AtomicBoolean();

    private ElectorTap(K8sLeaderComponent component, LeaseElector elector) {
        this.component = component;
        this.elector = elector;
    }

    /**
     * Joins the context's election on {@code leaseName} with the component's options, as a route policy without
     * options of its own does, and adds {@code listener}. Call it before the context starts, so that the listener
     * comes before those of the routes, and {@link #release()} once it has started, so that from then on the
     * routes alone decide when the elector stops, as in production. The elector starts at this call rather than
     * during the context's start.
     */
    public static ElectorTap listenFirst(CamelContext context, String leaseName, LeadershipListener listener) {
        K8sLeaderComponent component = context.getComponent(K8sLeaderConstants.SCHEME, K8sLeaderComponent.class);
        LeaseElector elector = component.joinElection(leaseName, new K8sLeaderConfiguration());
        elector.addListener(listener);
        return new ElectorTap(component, elector);
    }

    public LeaseElector elector() {
        return elector;
    }

    /**
     * Gives up this tap's use of the elector, once; the listener stays. The elector stops when its last user
     * leaves.
     */
    public void release() {
        if (released.compareAndSet(false, true)) {
            component.leaveElection(elector);
        }
    }
}
