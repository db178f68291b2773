package io.github.camelk8s.leader.management;

import java.util.List;
import java.util.Set;

import javax.management.MBeanServer;
import javax.management.ObjectName;

import io.github.camelk8s.leader.LeadershipEventType;
import io.github.camelk8s.leader.pods.CamelPod;
import io.github.camelk8s.leader.pods.Pods;
import org.apache.camel.api.management.JmxSystemPropertyKeys;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** With JMX on (camel-management on the classpath), each elector is an MBean of its CamelContext. */
class ManagementTest {

    private static String jmxDisabled;

    @RegisterExtension
    final Pods pods = new Pods();

    @BeforeAll
    static void enableJmx() {
        // the build keeps JMX off for the other tests; Camel reads this when a CamelContext sets up management
        jmxDisabled = System.getProperty(JmxSystemPropertyKeys.DISABLED);
        System.setProperty(JmxSystemPropertyKeys.DISABLED, "false");
    }

    @AfterAll
    static void restoreJmx() {
        if (jmxDisabled == null) {
            System.clearProperty(JmxSystemPropertyKeys.DISABLED);
        } else {
            System.setProperty(JmxSystemPropertyKeys.DISABLED, jmxDisabled);
        }
    }

    private static MBeanServer server(CamelPod pod) {
        return pod.context().getManagementStrategy().getManagementAgent().getMBeanServer();
    }

    private static ObjectName mbeanOf(CamelPod pod) throws Exception {
        Set<ObjectName> names = server(pod).queryNames(new ObjectName("org.apache.camel:type=k8s-leader,*"), null);
        return names.stream().filter(n -> n.getKeyProperty("context").contains(pod.name())).findFirst()
                .orElse(null);
    }

    private static Object attribute(CamelPod pod, String name) throws Exception {
        return server(pod).getAttribute(mbeanOf(pod), name);
    }

    @Test
    void eachElectorIsAnMBeanWithItsStateAndCounters() throws Exception {
        CamelPod pod = pods.start("pod-a");
        await().atMost(Pods.PATIENCE).until(pod::isLeader);

        ObjectName name = mbeanOf(pod);
        assertThat(name).isNotNull();
        assertThat(name.getKeyProperty("name")).isEqualTo("\"test/lease\"");
        assertThat(attribute(pod, "LeaseName")).isEqualTo(CamelPod.LEASE);
        assertThat(attribute(pod, "Namespace")).isEqualTo("test");
        assertThat(attribute(pod, "Identity")).isEqualTo("pod-a");
        assertThat(attribute(pod, "Leader")).isEqualTo(true);
        assertThat(attribute(pod, "State")).isEqualTo("LEADER");
        assertThat(attribute(pod, "HolderIdentity")).isEqualTo("pod-a");
        assertThat(attribute(pod, "LeaseTransitions")).isEqualTo(0);
        assertThat(attribute(pod, "Acquisitions")).isEqualTo(1L);
        assertThat(attribute(pod, "Losses")).isEqualTo(0L);
        assertThat(attribute(pod, "Conflicts")).isEqualTo(0L);
        assertThat(attribute(pod, "Errors")).isEqualTo(0L);
        assertThat((String) attribute(pod, "LastRenewal")).isNotEmpty();
        assertThat((String) attribute(pod, "LastObservation")).isNotEmpty();
    }

    @Test
    void theYieldOperationHandsLeadershipOver() throws Exception {
        List<CamelPod> all = pods.start("pod-a", "pod-b");
        CamelPod leader = Pods.awaitSingleLeader(all);
        CamelPod follower = all.get(0) == leader ? all.get(1) : all.get(0);

        Object wasLeader = server(leader).invoke(mbeanOf(leader), "yieldLeadership", new Object[] { 30_000L },
                new String[] { "long" });

        assertThat(wasLeader).isEqualTo(true);
        await().atMost(Pods.PATIENCE).until(follower::isLeader);
        assertThat(attribute(leader, "Leader")).isEqualTo(false);
        assertThat(attribute(leader, "Yielding")).isEqualTo(true);
        assertThat(attribute(leader, "Losses")).isEqualTo(1L);
        assertThat(attribute(follower, "HolderIdentity")).isEqualTo(follower.name());
    }

    @Test
    void theMBeanIsUnregisteredWhenTheElectorStops() throws Exception {
        // the event route is the only user of the election: stopping it stops the elector, not the CamelContext
        CamelPod pod = pods.create("pod-a").withoutWorkRoute().start();
        await().atMost(Pods.PATIENCE).until(() -> pod.eventTypes().contains(LeadershipEventType.ELECTED));
        MBeanServer server = server(pod);
        ObjectName name = mbeanOf(pod);
        assertThat(server.isRegistered(name)).isTrue();

        pod.context().getRouteController().stopRoute(CamelPod.EVENTS_ROUTE);

        assertThat(server.isRegistered(name)).isFalse();
        assertThat(pod.context().isStarted()).isTrue();
    }
}
