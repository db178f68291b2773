package io.github.camelk8s.leader.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.github.camelk8s.leader.K8sLeaderComponent;
import io.github.camelk8s.leader.K8sLeaderConfiguration;
import io.github.camelk8s.leader.election.GroupMembership;
import io.github.camelk8s.leader.election.LeadershipListener;
import io.github.camelk8s.leader.election.LeaseElector;
import io.github.camelk8s.leader.election.LeaseRecord;
import org.apache.camel.cluster.CamelClusterMember;
import org.apache.camel.support.cluster.AbstractCamelClusterView;

/**
 * A Camel cluster view whose namespace is a Lease name: while started, this CamelContext competes for the Lease
 * through the elector it shares with every {@code k8s-leader} consumer and policy on that Lease.
 * <p>
 * The local member leads from the ELECTED event until the LOST event, and only while its leadership is locally
 * valid (the elector's renewDeadline has not passed). Members are the local member, the live members of the
 * service's group ({@link GroupMembership}) and the last other pod seen holding the Lease, which may belong to no
 * group (a plain {@code k8s-leader} consumer); that pod is the leader while the Lease still names it.
 * <p>
 * Listeners are told on the elector's event thread, in order, and the elector releases the Lease on a stop or yield
 * only after they have returned (at most leaseDuration): by then a {@code ClusteredRoutePolicy} has stopped its routes,
 * which waits for their exchanges in flight, and a {@code master:} consumer has stopped its delegate consumer, which
 * does not; those exchanges run on. Both stop inside the event, so a slow stop holds an event thread that every Lease
 * of the client shares. Their exchanges are not leader-only: no step of theirs is refused once this pod's leadership
 * has lapsed, as a {@link io.github.camelk8s.leader.policy.K8sLeaderRoutePolicy}'s are.
 */
public class K8sLeaderClusterView extends AbstractCamelClusterView implements LeadershipListener {

    private final K8sLeaderClusterService service;
    private final LocalMember local = new LocalMember();
    private volatile LeaseElector elector;
    /** Whether the last ELECTED has not been followed by a LOST yet. */
    private volatile boolean announced;
    /** Another pod observed holding the Lease, or null. */
    private volatile RemoteMember remoteLeader;

    public K8sLeaderClusterView(K8sLeaderClusterService service, String leaseName) {
        super(service, leaseName);
        this.service = service;
    }

    @Override
    protected void doStart() throws Exception {
        K8sLeaderComponent component = service.component();
        K8sLeaderConfiguration options = service.getConfiguration();
        LeaseElector joined = component.joinElection(getNamespace(), options);
        elector = joined;
        joined.addListener(this);
        component.awaitLeadership(joined, options);
    }

    @Override
    protected void doStop() throws Exception {
        LeaseElector current = elector;
        if (current != null) {
            // leave while still listening, like the consumer: as the last user, our listeners handle LOST before
            // the Lease is released
            service.component().leaveElection(current);
            current.removeListener(this);
            elector = null;
        }
        announced = false;
        remoteLeader = null;
    }

    @Override
    public Optional<CamelClusterMember> getLeader() {
        if (local.isLeader()) {
            return Optional.of(local);
        }
        RemoteMember remote = remoteLeader;
        return remote != null && remote.isLeader() ? Optional.of(remote) : Optional.empty();
    }

    @Override
    public CamelClusterMember getLocalMember() {
        return local;
    }

    /** The local member first, then the group's other live members, then the Lease's holder if it is none of them. */
    @Override
    public List<CamelClusterMember> getMembers() {
        List<CamelClusterMember> members = new ArrayList<>();
        members.add(local);
        String localId = local.getId();
        GroupMembership membership = service.getMembership();
        if (membership != null) {
            for (String id : membership.members()) {
                if (!id.equals(localId)) {
                    members.add(new RemoteMember(id));
                }
            }
        }
        RemoteMember remote = remoteLeader;
        if (remote != null && !members.contains(remote)) {
            members.add(remote);
        }
        return members;
    }

    /** The elector this view shares on its Lease, or null when stopped. */
    public LeaseElector getElector() {
        return elector;
    }

    @Override
    public void elected(LeaseRecord record) {
        announced = true;
        changeRemoteLeader(null);
        fireLeadershipChangedEvent(local);
    }

    @Override
    public void lost(LeaseRecord lastKnown) {
        announced = false;
        String holder = lastKnown == null ? "" : lastKnown.holderIdentity();
        if (!holder.isEmpty() && !holder.equals(local.getId())) {
            changeRemoteLeader(new RemoteMember(holder));
        }
        fireLeadershipChangedEvent(remoteLeader);
    }

    @Override
    public void newLeader(LeaseRecord record) {
        changeRemoteLeader(new RemoteMember(record.holderIdentity()));
        fireLeadershipChangedEvent(remoteLeader);
    }

    private void changeRemoteLeader(RemoteMember next) {
        RemoteMember previous = remoteLeader;
        if (previous != null && next != null && previous.getId().equals(next.getId())) {
            return;
        }
        remoteLeader = next;
        if (previous != null) {
            fireMemberRemovedEvent(previous);
        }
        if (next != null) {
            fireMemberAddedEvent(next);
        }
    }

    private final class LocalMember implements CamelClusterMember {
        @Override
        public boolean isLeader() {
            LeaseElector current = elector;
            return announced && current != null && current.isLeader();
        }

        @Override
        public boolean isLocal() {
            return true;
        }

        @Override
        public String getId() {
            LeaseElector current = elector;
            return current != null ? current.config().identity() : service.localIdentity();
        }

        @Override
        public String toString() {
            return "K8sLeaderClusterMember[" + getId() + ", local]";
        }
    }

    /** Another pod: a live member of the group, or observed holding the Lease; it leads while it holds the Lease. */
    private final class RemoteMember implements CamelClusterMember {
        private final String id;

        RemoteMember(String id) {
            this.id = id;
        }

        @Override
        public boolean isLeader() {
            LeaseElector current = elector;
            return current != null && current.holderIdentity().equals(id);
        }

        @Override
        public boolean isLocal() {
            return false;
        }

        @Override
        public String getId() {
            return id;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof RemoteMember other && other.id.equals(id);
        }

        @Override
        public int hashCode() {
            return id.hashCode();
        }

        @Override
        public String toString() {
            return "K8sLeaderClusterMember[" + id + "]";
        }
    }
}
