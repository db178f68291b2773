package io.github.camelk8s.leader.cluster;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import io.github.camelk8s.leader.K8sLeaderComponent;
import io.github.camelk8s.leader.K8sLeaderConfiguration;
import io.github.camelk8s.leader.election.GroupMembership;
import io.github.camelk8s.leader.election.LeadershipListener;
import io.github.camelk8s.leader.election.LeaseElector;
import io.github.camelk8s.leader.election.LeaseRecord;
import org.apache.camel.cluster.CamelClusterMember;
import org.apache.camel.cluster.CamelPreemptiveClusterView;
import org.apache.camel.support.cluster.AbstractCamelClusterView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 * <p>
 * <b>Candidacy.</b> A started view competes for its Lease unless it is disabled ({@link #setDisabled}, as Camel's
 * {@code RebalancingCamelClusterService} does) or its service's rebalancing gives the Lease to another member. Out
 * of the election, the shared elector is withdrawn ({@link LeaseElector#withdraw()}): it releases the Lease if it
 * led, and goes on observing it. The elector is this CamelContext's one candidate on the Lease, so a
 * {@code k8s-leader} consumer or policy on the same Lease is withdrawn with the view.
 */
public class K8sLeaderClusterView extends AbstractCamelClusterView
        implements CamelPreemptiveClusterView, LeadershipListener {

    private static final Logger LOG = LoggerFactory.getLogger(K8sLeaderClusterView.class);

    private final K8sLeaderClusterService service;
    private final LocalMember local = new LocalMember();
    /** The shared elector while this view is in the election, else null; changed under this view's lock. */
    private volatile LeaseElector elector;
    // guarded by this
    private boolean running;
    private boolean disabled;
    /** Whether the service's rebalancing gives the Lease to another member. */
    private boolean withheld;
    /** Whether this view has withdrawn the elector from the election (and so is the one to resume it). */
    private boolean withdrawn;
    /** Whether the last ELECTED has not been followed by a LOST yet. */
    private volatile boolean announced;
    /** The group's other members as last told to this view's listeners. */
    private final Set<String> groupMembers = new LinkedHashSet<>();
    /** Another pod observed holding the Lease, or null. */
    private volatile RemoteMember remoteLeader;

    public K8sLeaderClusterView(K8sLeaderClusterService service, String leaseName) {
        super(service, leaseName);
        this.service = service;
    }

    @Override
    protected void doStart() throws Exception {
        LeaseElector joined;
        synchronized (this) {
            running = true;
            withheld = !service.viewStarted(this);
            joined = updateCandidacy();
        }
        if (joined != null) {
            service.component().awaitLeadership(joined, service.getConfiguration());
        }
    }

    @Override
    protected void doStop() throws Exception {
        synchronized (this) {
            running = false;
            updateCandidacy();
        }
        service.viewStopped(this);
        remoteLeader = null;
    }

    /** Whether this view is kept out of the election ({@link CamelPreemptiveClusterView}). */
    @Override
    public synchronized boolean isDisabled() {
        return disabled;
    }

    /**
     * Keeps this view out of the election (a leader steps down and releases the Lease; the view goes on observing
     * it), or lets it compete again. Does not wait for the release.
     */
    @Override
    public synchronized void setDisabled(boolean disabled) {
        this.disabled = disabled;
        updateCandidacy();
    }

    /** The rebalancing's decision: whether to compete for the Lease. Does not wait for a release. */
    synchronized void compete(boolean compete) {
        this.withheld = !compete;
        updateCandidacy();
    }

    /**
     * Waits, at most leaseDuration, until a withdrawn elector is out of the election: LOST handled (the routes of a
     * {@code ClusteredRoutePolicy} stopped) and the Lease released.
     */
    void awaitWithdrawn() throws InterruptedException {
        LeaseElector current;
        synchronized (this) {
            current = withdrawn ? elector : null;
        }
        if (current != null && !current.awaitWithdrawn(current.config().leaseDuration())) {
            LOG.warn("{}: still not out of the election on Lease {} after {}", current.config().identity(),
                    getNamespace(), current.config().leaseDuration());
        }
    }

    /** Whether this view competes for its Lease now (started, and neither disabled nor withheld). */
    public synchronized boolean isCandidate() {
        return elector != null && !withdrawn;
    }

    /**
     * Joins, withdraws from, resumes or leaves the election as the view's state says; returns the elector if it
     * joined competing. Under this view's lock, so that the last decision is the one in force; the elector's events
     * take no lock of the view's, so leaving (which waits for LOST to be handled) cannot deadlock with them.
     * <p>
     * A started view always observes its Lease through the shared elector, withdrawn while it may not compete: a
     * follower that has watched the record for a while takes it at once when it expires or is released, where a
     * new one would first wait a whole leaseDuration from its first sight of the record.
     */
    private LeaseElector updateCandidacy() {
        boolean compete = running && !disabled && !withheld;
        LeaseElector current = elector;
        if (running && current == null) {
            LeaseElector joined = service.component().joinElection(getNamespace(), service.getConfiguration(),
                    compete);
            elector = joined;
            joined.addListener(this);
            if (!compete && !joined.isYielding()) {
                // shared with a consumer or policy that started it competing
                joined.withdraw();
            }
            withdrawn = !compete;
            return compete ? joined : null;
        }
        if (running && compete && withdrawn) {
            withdrawn = false;
            current.resume();
        } else if (running && !compete && !withdrawn) {
            withdrawn = true;
            current.withdraw();
        } else if (!running && current != null) {
            // leave while still listening, like the consumer: as the last user, our listeners handle LOST before
            // the Lease is released
            service.component().leaveElection(current);
            current.removeListener(this);
            elector = null;
            withdrawn = false;
            if (announced) {
                // another user of the Lease here keeps the elector, so no LOST came: this view leads no more
                announced = false;
                fireLeadershipChangedEvent(remoteLeader);
            }
        }
        return null;
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

    /**
     * The group's members changed: fires memberAdded for each other member that joined and memberRemoved for each
     * that left, as seen since the last change (the Lease's holder, when no member, is told apart as before).
     */
    void membersChanged(List<String> members) {
        Set<String> now = new LinkedHashSet<>(members);
        now.remove(local.getId());
        Set<String> before;
        synchronized (groupMembers) {
            before = new LinkedHashSet<>(groupMembers);
            groupMembers.clear();
            groupMembers.addAll(now);
        }
        before.stream().filter(id -> !now.contains(id)).forEach(id -> fireMemberRemovedEvent(new RemoteMember(id)));
        now.stream().filter(id -> !before.contains(id)).forEach(id -> fireMemberAddedEvent(new RemoteMember(id)));
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
