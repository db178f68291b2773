/**
 * The {@code k8s-leader} Camel component: the component (which owns the electors of its CamelContext, one per
 * Lease, shared by every user of that Lease), its endpoint, consumer and producer, the one options type
 * ({@link io.github.camelk8s.leader.K8sLeaderConfiguration}) and the message bodies ({@code LeadershipEvent},
 * {@code LeadershipStatus}).
 * <p>
 * <b>Threads.</b> Joining and leaving an election happen on the thread that starts or stops the consumer, route
 * policy or cluster view (the CamelContext's). A consumer's exchanges run on the electors' event threads, in the
 * order of the events, so a slow consumer route delays only the events of the Leases it listens to; the producer
 * runs on the caller's thread. The election itself runs on the threads of {@code election}, never here.
 * <p>
 * Roles elsewhere: {@code policy} (leader-only routes and their steps), {@code cluster} (Camel's cluster service
 * SPI), {@code management} (health, JMX, Micrometer, Kubernetes Events), {@code election} (the engine, no Camel).
 * {@code K8sLeaderRoutePolicy}, {@code K8sLeaderRoutePolicyFactory} and {@code K8sLeaderClusterService} in this
 * package are deprecated aliases of the classes in {@code policy} and {@code cluster}, for YAML and properties that
 * name them by their former names.
 */
package io.github.camelk8s.leader;
