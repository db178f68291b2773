package io.github.camelk8s.leader.management;

import java.time.Duration;
import java.time.Instant;
import javax.management.JMException;
import javax.management.ObjectName;

import io.github.camelk8s.leader.election.LeaseElector;
import io.github.camelk8s.leader.election.LeaseRecord;
import org.apache.camel.CamelContext;
import org.apache.camel.api.management.ManagedAttribute;
import org.apache.camel.api.management.ManagedOperation;
import org.apache.camel.api.management.ManagedResource;
import org.apache.camel.spi.ManagementAgent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JMX view of one elector, registered with the CamelContext's management agent as
 * {@code org.apache.camel:context=<context>,type=k8s-leader,name="<namespace>/<lease>"} while the elector runs
 * (only when JMX is enabled, i.e. camel-management is on the classpath).
 */
@ManagedResource(description = "Kubernetes Lease leader election of this pod")
public class ManagedLeaseElector {

    static final String TYPE = "k8s-leader";
    private static final Logger LOG = LoggerFactory.getLogger(ManagedLeaseElector.class);

    private final LeaseElector elector;

    public ManagedLeaseElector(LeaseElector elector) {
        this.elector = elector;
    }

    /**
     * Registers the MBean if JMX is on (at once, or when the CamelContext has started if its management agent is
     * not running yet: electors join while routes are initialised); returns what unregisters it.
     */
    public static Runnable register(CamelContext context, LeaseElector elector) {
        ManagementAgent agent = context.getManagementStrategy().getManagementAgent();
        if (agent == null) {
            return () -> {
            };
        }
        Registration registration = new Registration(context, agent, elector);
        if (agent.getMBeanServer() != null) {
            registration.register();
        } else {
            try {
                context.addStartupListener((ctx, alreadyStarted) -> registration.register());
            } catch (Exception e) {
                LOG.warn("Cannot register the MBean of {}: {}", elector, e.toString());
            }
        }
        return registration::unregister;
    }

    /** One MBean's registration; an unregister before the deferred register wins. */
    private static final class Registration {
        private final CamelContext context;
        private final ManagementAgent agent;
        private final LeaseElector elector;
        private ObjectName name;
        private boolean cancelled;

        Registration(CamelContext context, ManagementAgent agent, LeaseElector elector) {
            this.context = context;
            this.agent = agent;
            this.elector = elector;
        }

        synchronized void register() {
            if (cancelled || name != null) {
                return;
            }
            try {
                ObjectName objectName = objectName(context, agent, elector);
                agent.register(new ManagedLeaseElector(elector), objectName);
                name = objectName;
            } catch (Exception e) {
                LOG.warn("Cannot register the MBean of {}: {}", elector, e.toString());
            }
        }

        synchronized void unregister() {
            cancelled = true;
            if (name != null) {
                try {
                    agent.unregister(name);
                } catch (JMException e) {
                    LOG.debug("Cannot unregister MBean {}: {}", name, e.toString());
                }
                name = null;
            }
        }
    }

    static ObjectName objectName(CamelContext context, ManagementAgent agent, LeaseElector elector)
            throws Exception {
        // the same context key as the CamelContext's own MBeans, so JMX tools group them together
        String contextKey = context.getManagementStrategy().getManagementObjectNameStrategy()
                .getObjectNameForCamelContext(context).getKeyProperty("context");
        return new ObjectName(agent.getMBeanObjectDomainName() + ":context=" + contextKey + ",type=" + TYPE
                              + ",name=" + ObjectName.quote(elector.config().namespace() + "/"
                                                            + elector.config().leaseName()));
    }

    @ManagedAttribute(description = "The name of the Lease")
    public String getLeaseName() {
        return elector.config().leaseName();
    }

    @ManagedAttribute(description = "The namespace of the Lease")
    public String getNamespace() {
        return elector.config().namespace();
    }

    @ManagedAttribute(description = "This pod's identity in the election")
    public String getIdentity() {
        return elector.config().identity();
    }

    @ManagedAttribute(description = "Whether this pod leads and its leadership is locally valid now")
    public boolean isLeader() {
        return elector.isLeader();
    }

    @ManagedAttribute(description = "NEW, FOLLOWER, LEADER or STOPPED")
    public String getState() {
        return elector.state().name();
    }

    @ManagedAttribute(description = "The holder of the Lease as last observed (empty if none)")
    public String getHolderIdentity() {
        return elector.holderIdentity();
    }

    @ManagedAttribute(description = "The Lease's leaseTransitions as last observed")
    public int getLeaseTransitions() {
        LeaseRecord record = elector.observedRecord();
        return record == null ? 0 : record.leaseTransitions();
    }

    @ManagedAttribute(description = "When this pod last acquired or renewed the Lease (ISO-8601; empty if never)")
    public String getLastRenewal() {
        return format(elector.statistics().lastRenewal());
    }

    @ManagedAttribute(description = "When this pod last learnt what the Lease holds (ISO-8601; empty if never)")
    public String getLastObservation() {
        return format(elector.statistics().lastObservation());
    }

    @ManagedAttribute(description = "How many times this pod became leader")
    public long getAcquisitions() {
        return elector.statistics().acquisitions();
    }

    @ManagedAttribute(description = "How many times this pod stopped being leader")
    public long getLosses() {
        return elector.statistics().losses();
    }

    @ManagedAttribute(description = "How many writes the API server rejected because the Lease had changed (409)")
    public long getConflicts() {
        return elector.statistics().conflicts();
    }

    @ManagedAttribute(description = "How many attempts failed (unreachable API server, 403, 5xx, timeout)")
    public long getErrors() {
        return elector.statistics().errors();
    }

    @ManagedAttribute(description = "How long this pod has been unable to reach the API server, in milliseconds")
    public long getUnreachableMillis() {
        return elector.unreachableFor().toMillis();
    }

    @ManagedAttribute(description = "Whether this pod stays out of the election after a yield")
    public boolean isYielding() {
        return elector.isYielding();
    }

    @ManagedOperation(description = "Step down (if leading), release the Lease and stay out of the election for the "
                                    + "given milliseconds; returns whether this pod was leader")
    public boolean yieldLeadership(long millis) {
        return elector.yieldLeadership(Duration.ofMillis(millis));
    }

    private static String format(Instant instant) {
        return instant == null ? "" : instant.toString();
    }
}
