package io.github.camelk8s.leader.benchmarks;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

import io.github.camelk8s.leader.testsupport.MockApiServer;
import io.github.camelk8s.leader.testsupport.Pod;
import io.github.camelk8s.leader.testsupport.Timings;

/**
 * The members of one implementation sharing the same Leases, in a namespace of their own, and who led which Lease
 * when: the routes' start and stop times that every member's pod recorded (a crashed member's routes count as gone
 * at the crash, though its context stops them later in the background).
 */
final class RebalancingGroup implements AutoCloseable {

    /** The group name of this component's members (its member slot Leases are bench-member-0, -1, ...). */
    static final String GROUP = "bench";

    /** Who leads which Lease at one moment. */
    record State(Map<String, Set<String>> leadersByLease, Map<String, Integer> leasesByMember) {
        /**
         * Every Lease has exactly one leader, a live member, and each live member leads floor(L / M) or ceil(L / M)
         * of the L Leases.
         */
        boolean even(Set<String> live, int leases) {
            int low = leases / live.size();
            int high = (leases + live.size() - 1) / live.size();
            for (Set<String> leaders : leadersByLease.values()) {
                if (leaders.size() != 1 || !live.contains(leaders.iterator().next())) {
                    return false;
                }
            }
            if (leadersByLease.size() != leases) {
                return false;
            }
            for (String member : live) {
                int n = leasesByMember.getOrDefault(member, 0);
                if (n < low || n > high) {
                    return false;
                }
            }
            return true;
        }

        String describe() {
            return leasesByMember.toString();
        }
    }

    /** One route starting or stopping in one member. */
    record Change(String member, String lease, boolean started, long nanos) {
    }

    final Impl impl;
    final MockApiServer api;
    final String namespace;
    final Timings timings;
    /** The Leases, one route each in every member: lease-0, lease-1, ... */
    final List<String> leases;
    /** The Lease writes the API server answered during the run, for the log of a slow move. */
    final Rebalancing.WriteLog writes = new Rebalancing.WriteLog();
    private final List<RebalancingMember> members = new ArrayList<>();
    private int next;

    RebalancingGroup(Impl impl, MockApiServer api, String namespace, Timings timings, int leases) {
        this.impl = impl;
        this.api = api;
        this.namespace = namespace;
        this.timings = timings;
        this.leases = IntStream.range(0, leases).mapToObj(i -> "lease-" + i).toList();
    }

    /** A new member (a new pod, a new identity), not started. */
    RebalancingMember create() throws Exception {
        String identity = namespace + "-" + next++;
        RebalancingMember member = switch (impl) {
            case K8S_LEADER -> new RebalancingMember.Ours(this, identity);
            case CAMEL -> new RebalancingMember.Camel(this, identity);
            case FABRIC8 -> throw new IllegalArgumentException("fabric8 has no cluster service to rebalance");
        };
        members.add(member);
        return member;
    }

    /** Every route change of every member so far, in time order. */
    List<Change> changes() {
        List<Change> all = new ArrayList<>();
        for (RebalancingMember member : members) {
            long crashed = member.crashedNanos;
            Set<String> running = new HashSet<>();
            for (Pod.RouteChange c : member.pod.routeChanges()) {
                if (crashed != 0 && c.nanos() - crashed >= 0) {
                    break;
                }
                if (c.started() ? running.add(c.routeId()) : running.remove(c.routeId())) {
                    all.add(new Change(member.identity(), c.routeId(), c.started(), c.nanos()));
                }
            }
            if (crashed != 0) {
                for (String lease : running) {
                    all.add(new Change(member.identity(), lease, false, crashed));
                }
            }
        }
        all.sort((a, b) -> Long.compare(a.nanos(), b.nanos()));
        return all;
    }

    /** Who led what just after {@code nanos}, from {@code changes} in time order. */
    State stateAt(List<Change> changes, long nanos) {
        Map<String, Set<String>> byLease = new HashMap<>();
        for (Change c : changes) {
            if (c.nanos() - nanos > 0) {
                break;
            }
            Set<String> leaders = byLease.computeIfAbsent(c.lease(), l -> new HashSet<>());
            if (c.started()) {
                leaders.add(c.member());
            } else {
                leaders.remove(c.member());
            }
        }
        byLease.values().removeIf(Set::isEmpty);
        Map<String, Integer> byMember = new HashMap<>();
        byLease.values().forEach(leaders -> leaders.forEach(m -> byMember.merge(m, 1, Integer::sum)));
        return new State(byLease, byMember);
    }

    @Override
    public void close() {
        members.parallelStream().forEach(RebalancingMember::closeQuietly);
    }
}
