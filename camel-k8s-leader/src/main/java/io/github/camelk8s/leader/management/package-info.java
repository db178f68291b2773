/**
 * What operators see of each election: a health check per elector
 * ({@link io.github.camelk8s.leader.management.K8sLeaderHealthCheckRepository}), an MBean when JMX is on
 * ({@link io.github.camelk8s.leader.management.ManagedLeaseElector}, named like Camel's own {@code Managed*} MBeans),
 * Micrometer meters when the application has a MeterRegistry, and Kubernetes Events on the Lease
 * ({@link io.github.camelk8s.leader.management.LeaderEventRecorder}). The component attaches them to each elector it
 * starts and removes them when the elector stops.
 * <p>
 * <b>Threads.</b> Health checks, MBean reads and meter scrapes run on the caller's thread and only read the
 * elector's state. Kubernetes Events are created on a single thread of the component, off the electors' threads: a
 * slow or refused Event never delays the election.
 */
package io.github.camelk8s.leader.management;
