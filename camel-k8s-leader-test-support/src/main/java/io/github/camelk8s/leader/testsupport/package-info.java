/**
 * What the component's tests, the chaos suite, the benchmarks, the examples and the demo share, and nothing of the
 * component itself, so that the component's own tests can depend on it.
 * <ul>
 * <li>{@link io.github.camelk8s.leader.testsupport.MockApiServer}: fabric8's mock API server in CRUD mode behind
 * a {@link io.github.camelk8s.leader.testsupport.CountingDispatcher} and a
 * {@link io.github.camelk8s.leader.testsupport.FaultDispatcher}, with one client per candidate;
 * {@link io.github.camelk8s.leader.testsupport.NetworkLink}: one candidate's network, below HTTP.</li>
 * <li>{@link io.github.camelk8s.leader.testsupport.Pod}: one "pod", a CamelContext with its own client, that
 * starts, stops gracefully and is killed; {@link io.github.camelk8s.leader.testsupport.WorkLog}: the leader-only
 * work of pods on one timeline; {@link io.github.camelk8s.leader.testsupport.Timings}: the election timings.</li>
 * <li>{@link io.github.camelk8s.leader.testsupport.Replicas}: Camel Main applications as replicas on the mock.</li>
 * <li>{@link io.github.camelk8s.leader.testsupport.Fabric8Electors} and
 * {@link io.github.camelk8s.leader.testsupport.OverlapSampler}: fabric8's LeaderElector as a peer, and a sampler
 * of two electors' beliefs that they lead.</li>
 * <li>{@link io.github.camelk8s.leader.testsupport.Svg}: the pictures of the demo and the benchmarks, written as
 * SVG text; {@link io.github.camelk8s.leader.testsupport.SvgPicture}: one read back, for their tests.</li>
 * </ul>
 * Threads: the dispatchers run on the mock server's threads; the pod's routes on Camel's; the work log and the
 * counts are safe to read from any thread.
 */
package io.github.camelk8s.leader.testsupport;
