package io.github.camelk8s.leader.benchmarks;

/** The three implementations compared. */
enum Impl {
    K8S_LEADER("camel-k8s-leader", "k8s-leader"),
    FABRIC8("fabric8 LeaderElector", "fabric8"),
    CAMEL("Camel KubernetesClusterService", "camel-master");

    final String label;
    final String key;

    Impl(String label, String key) {
        this.label = label;
        this.key = key;
    }

    BenchmarkCandidate create(Setup setup, String identity) throws Exception {
        return create(setup, identity, false);
    }

    /** With {@code announce}, camel-k8s-leader's candidate also consumes its leadership events (start-up figure). */
    BenchmarkCandidate create(Setup setup, String identity, boolean announce) throws Exception {
        return switch (this) {
            case K8S_LEADER -> new K8sLeaderCandidate(setup, identity, announce);
            case FABRIC8 -> new Fabric8Candidate(setup, identity);
            case CAMEL -> new CamelClusterCandidate(setup, identity);
        };
    }
}
