package io.github.camelk8s.leader.management;

import java.time.Duration;
import java.util.Map;

import io.github.camelk8s.leader.election.ElectionStatistics;
import io.github.camelk8s.leader.election.LeaseElector;
import io.github.camelk8s.leader.election.LeaseRecord;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * The health of this pod's part in the election on one Lease: DOWN when the elector has been unable to reach the
 * API server for longer than renewDeadline, or has stopped while still in use; UP otherwise. Leadership plays no
 * part in it: a follower is as healthy as the leader. A readiness check (not a liveness check: restarting a pod
 * does not bring an API server back).
 * <p>
 * Id {@code k8s-leader-<lease>.<namespace>}, group {@value #GROUP}; details name the Lease, this pod, the holder,
 * and the election's counters and times.
 */
public class K8sLeaderHealthCheck extends AbstractHealthCheck {

    public static final String GROUP = "k8s-leader";

    private final LeaseElector elector;

    public K8sLeaderHealthCheck(LeaseElector elector) {
        super(GROUP, idOf(elector));
        this.elector = elector;
    }

    /** {@code k8s-leader-<lease>.<namespace>}: unique, since a namespace never contains a dot. */
    static String idOf(LeaseElector elector) {
        return GROUP + "-" + elector.config().leaseName() + "." + elector.config().namespace();
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        LeaseElector.State state = elector.state();
        LeaseRecord record = elector.observedRecord();
        ElectionStatistics stats = elector.statistics();
        Duration unreachable = elector.unreachableFor();
        Duration renewDeadline = elector.config().renewDeadline();

        builder.detail("lease.name", elector.config().leaseName());
        builder.detail("lease.namespace", elector.config().namespace());
        builder.detail("identity", elector.config().identity());
        builder.detail("state", state.name());
        builder.detail("leader", elector.isLeader());
        builder.detail("holder", record == null ? "" : record.holderIdentity());
        builder.detail("lease.transitions", record == null ? 0 : record.leaseTransitions());
        builder.detail("acquisitions", stats.acquisitions());
        builder.detail("losses", stats.losses());
        builder.detail("conflicts", stats.conflicts());
        builder.detail("errors", stats.errors());
        builder.detail("yielding", elector.isYielding());
        builder.detail("observe.only", elector.config().observeOnly());
        builder.detail("readiness.gate", elector.config().readinessGate());
        builder.detail("unready", elector.isUnready());
        String strategy = elector.coordinatedBy();
        if (strategy != null) {
            builder.detail("lease.strategy", strategy);
        }
        builder.detail("unreachable.millis", unreachable.toMillis());
        if (stats.lastRenewal() != null) {
            builder.detail("last.renewal", stats.lastRenewal().toString());
        }
        if (stats.lastObservation() != null) {
            builder.detail("last.observation", stats.lastObservation().toString());
        }

        if (state == LeaseElector.State.STOPPED) {
            builder.message("The elector on Lease " + leaseRef() + " stopped while still in use");
            builder.down();
        } else if (unreachable.compareTo(renewDeadline) > 0) {
            RuntimeException error = elector.lastError();
            builder.message("Cannot reach the API server for Lease " + leaseRef() + " for " + unreachable.toMillis()
                            + "ms, longer than renewDeadline (" + renewDeadline.toMillis() + "ms)"
                            + (error != null ? ": " + error.getMessage() : ""));
            if (error != null) {
                builder.error(error);
            }
            builder.down();
        } else {
            if (strategy != null) {
                // not unhealthy: the pod serves, it just has no part in choosing this Lease's holder
                builder.message("Lease " + leaseRef() + " has spec.strategy " + strategy + ": a coordination"
                                + " controller chooses its holder, so this pod does not compete for it");
            }
            builder.up();
        }
    }

    private String leaseRef() {
        return elector.config().namespace() + "/" + elector.config().leaseName();
    }
}
