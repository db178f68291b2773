package io.github.camelk8s.leader.policy;

import java.util.Arrays;

import io.github.camelk8s.leader.K8sLeaderConstants;
import io.github.camelk8s.leader.election.FencingToken;
import io.github.camelk8s.leader.election.LeaseElector;
import org.apache.camel.Exchange;
import org.apache.camel.Route;

/**
 * The Leases an exchange is leader-only for, carried as an exchange property so that {@link GuardedStep} checks
 * every step of the exchange against them, in whichever route the step runs: a split's or a multicast's branch, a
 * route called through {@code direct:}, a copy handed to {@code seda:}. A {@link K8sLeaderRoutePolicy} adds its
 * Lease when an exchange enters its route.
 * <p>
 * Immutable, so the copies Camel makes of an exchange (split, multicast, wire tap, seda) share it safely. Usually
 * it names one Lease; it names more when a leader-only route calls one on another Lease, and then a step begins
 * only while this pod leads all of them.
 * <p>
 * An exchange refused once stays refused: none of its further steps begins, not even after this pod has been
 * elected again, so that a redelivering error handler cannot retry a refused step into running.
 */
final class LeaderOnlyMark {

    static final String PROPERTY = "CamelK8sLeaderOnly";

    /** A Lease of the mark, the route that added it and the term its first step began in (null before). */
    private record Entry(K8sLeaderRoutePolicy policy, String routeId, FencingToken term) {
    }

    private final Entry[] entries;
    private final boolean refused;

    private LeaderOnlyMark(Entry[] entries, boolean refused) {
        this.entries = entries;
        this.refused = refused;
    }

    /** The mark of the exchange, or null if it is not leader-only. */
    static LeaderOnlyMark of(Exchange exchange) {
        return exchange.getProperty(PROPERTY) instanceof LeaderOnlyMark mark ? mark : null;
    }

    /** The exchange enters a route of the policy: from now on each of its steps needs the policy's Lease too. */
    static void enter(Exchange exchange, K8sLeaderRoutePolicy policy, Route route) {
        LeaderOnlyMark mark = of(exchange);
        Entry[] current = mark == null ? new Entry[0] : mark.entries;
        for (Entry entry : current) {
            if (entry.policy().leaseRef().equals(policy.leaseRef())) {
                return;
            }
        }
        Entry[] more = Arrays.copyOf(current, current.length + 1);
        more[current.length] = new Entry(policy, route.getRouteId(), null);
        exchange.setProperty(PROPERTY, new LeaderOnlyMark(more, mark != null && mark.refused));
    }

    /**
     * The exchange leaves a route of the policy. A route that was called (direct:) drops the Lease it added, so the
     * caller's next steps are checked against the caller's Leases only. The route the exchange came from keeps it:
     * the exchange ends there, and what runs after, such as its onCompletion, is still its leader-only work.
     */
    static void leave(Exchange exchange, K8sLeaderRoutePolicy policy, Route route) {
        LeaderOnlyMark mark = of(exchange);
        if (mark == null || route.getRouteId().equals(exchange.getFromRouteId())) {
            return;
        }
        Entry[] rest = Arrays.stream(mark.entries)
                .filter(e -> e.policy() != policy || !e.routeId().equals(route.getRouteId()))
                .toArray(Entry[]::new);
        if (rest.length == 0) {
            exchange.removeProperty(PROPERTY);
        } else if (rest.length < mark.entries.length) {
            exchange.setProperty(PROPERTY, new LeaderOnlyMark(rest, mark.refused));
        }
    }

    /** Marks this exchange (not its copies made before) as refused. */
    void refuse(Exchange exchange) {
        if (!refused) {
            exchange.setProperty(PROPERTY, new LeaderOnlyMark(entries, true));
        }
    }

    /**
     * Lets one step of the exchange begin on every Lease of the mark, or on none: fills {@code begun} with the
     * electors that counted it and returns -1, or, if this pod's leadership of one of them is not valid now, is of
     * another term than the exchange's first step on that Lease (or the exchange was refused before), ends the steps
     * already begun and returns that Lease's index.
     * <p>
     * The first step on a Lease pins the exchange to the term it began in, and the first step of all sets the
     * {@link K8sLeaderConstants#FENCING_TOKEN} header to the first Lease's token: every write the exchange makes
     * carries the token of the one term its steps ran in.
     */
    int beginStep(Exchange exchange, LeaseElector[] begun) {
        if (refused) {
            return 0;
        }
        Entry[] pinned = null;
        for (int i = 0; i < entries.length; i++) {
            Entry entry = entries[i];
            LeaseElector elector = entry.policy().elector();
            FencingToken term = elector == null ? null : elector.tryBeginStep(entry.term());
            if (term == null) {
                endStep(begun);
                return i;
            }
            begun[i] = elector;
            if (entry.term() == null) {
                pinned = pinned == null ? entries.clone() : pinned;
                pinned[i] = new Entry(entry.policy(), entry.routeId(), term);
            }
        }
        if (pinned != null) {
            exchange.setProperty(PROPERTY, new LeaderOnlyMark(pinned, false));
            if (entries[0].term() == null) {
                exchange.getMessage().setHeader(K8sLeaderConstants.FENCING_TOKEN, pinned[0].term().value());
            }
        }
        return -1;
    }

    /** Ends a step on the electors that counted it. */
    static void endStep(LeaseElector[] begun) {
        for (LeaseElector elector : begun) {
            if (elector != null) {
                elector.endStep();
            }
        }
    }

    int size() {
        return entries.length;
    }

    /** Names the i-th Lease as namespace/name. */
    String leaseRef(int i) {
        return entries[i].policy().leaseRef();
    }
}
