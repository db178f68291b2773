package io.github.camelk8s.leader;

import org.apache.camel.spi.Metadata;

/**
 * Headers set on every leadership event exchange (consumer) and on the answer of the producer (the producer sets
 * all but {@link #EVENT}), and {@link #FENCING_TOKEN} on the exchanges of leader-only routes.
 */
public final class K8sLeaderConstants {

    public static final String SCHEME = "k8s-leader";

    @Metadata(label = "consumer",
              description = "The kind of event: ELECTED (this pod became leader), LOST (this pod stopped being leader) "
                            + "or NEW_LEADER (another pod was observed leading)",
              javaType = "String", enums = "ELECTED,LOST,NEW_LEADER")
    public static final String EVENT = "CamelK8sLeaderEvent";
    @Metadata(description = "The name of the Lease", javaType = "String")
    public static final String LEASE_NAME = "CamelK8sLeaderLeaseName";
    @Metadata(description = "The namespace of the Lease", javaType = "String")
    public static final String NAMESPACE = "CamelK8sLeaderNamespace";
    @Metadata(description = "This pod's identity in the election", javaType = "String")
    public static final String IDENTITY = "CamelK8sLeaderIdentity";
    @Metadata(description = "The holder of the Lease as observed with this event or status (empty when released)",
              javaType = "String")
    public static final String HOLDER_IDENTITY = "CamelK8sLeaderHolderIdentity";
    @Metadata(description = "Whether this pod is leader after this event, or now (producer)", javaType = "Boolean")
    public static final String IS_LEADER = "CamelK8sLeaderIsLeader";
    @Metadata(description = "The Lease's leaseTransitions: how many times its holder changed", javaType = "Integer")
    public static final String TRANSITIONS = "CamelK8sLeaderTransitions";
    @Metadata(label = "policy",
              description = "On each exchange a K8sLeaderRoutePolicy lets run (and of master: routes over"
                            + " K8sLeaderClusterService): the fencing token of the term its first"
                            + " step began in (the Lease's creation second times a billion, plus its leaseTransitions), the same for"
                            + " every exchange of one term and greater for every later term, also of a re-created"
                            + " Lease. Write it with the exchange's changes and refuse writes carrying a lower one",
              javaType = "Long")
    public static final String FENCING_TOKEN = "CamelK8sLeaderFencingToken";

    private K8sLeaderConstants() {
    }
}
