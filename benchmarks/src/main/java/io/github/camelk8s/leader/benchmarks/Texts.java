package io.github.camelk8s.leader.benchmarks;

/** The prose around the generated tables of docs/benchmarks.md. */
final class Texts {

    private Texts() {
    }

    static String preamble(Benchmarks.Plan plan) {
        return """
                Three implementations of Kubernetes Lease leader election, run side by side in one JVM against one \
                mock API server, with the same timings: this component (`K8sLeaderRoutePolicy`), fabric8's \
                `LeaderElector` wired to a Camel route by hand, and Camel's own `KubernetesClusterService` with \
                `ClusteredRoutePolicy`. Every candidate is a CamelContext with its own Kubernetes client, running a \
                leader-only timer route (`delay=0`, every 100 ms); leadership "arrives" when that route processes \
                its first exchange. Latencies are given as **median** / p95 (nearest rank) with the number of \
                repetitions; a ratio is the peer's median divided by this component's (above 1: the peer is slower \
                or costlier).

                To reproduce: `mvn -B -q -Pbenchmarks -DskipTests verify` from the repository root (about ten \
                minutes; `-Dbenchmarks.quick=true` for a smoke run of every scenario in about three).
                """;
    }

    static String methodology(Benchmarks.Plan plan) {
        return """
                ## How each figure is measured

                - **Fairness.** One mock API server (fabric8 `kubernetes-server-mock` 7.5.2 in CRUD mode) for \
                every implementation; each candidate has its own fabric8 client with default settings (they share \
                one Vert.x event loop), and names itself in a request header, so requests are counted per \
                candidate at the server. Each group of candidates has a namespace of its own. The leader renews \
                every retryPeriod in all three (camel-k8s-leader's `renewalInterval` is set to retryPeriod).
                - **Graceful handover.** The leader's CamelContext is stopped (`context.stop()`); the clock starts \
                when that call is made. camel-k8s-leader stops the route, then releases the Lease. fabric8: the \
                context stops (route first), then the election future is cancelled, which releases (releaseOnCancel: \
                a merge patch leaving the old holder with `leaseDurationSeconds: 1`, so followers still wait that \
                second). Camel: the context stops, then the candidate's Pod object is deleted (the mock has no \
                kubelet); Camel never releases the Lease and its new leader waits a full leaseDuration \
                (BECOMING_LEADER) before starting routes. The group then gets a fresh candidate and settles \
                (camel-k8s-leader: every candidate's watch is open; pollers: one full jittered poll period) before \
                the next repetition. The first graceful repetitions of a group are warm-ups and are not counted.
                - **Crash take-over.** The leader's requests start failing with 503 at the mock without reaching \
                the store (it can neither renew nor release), and its context is stopped in the background; for \
                Camel its Pod object is deleted at the same moment (the most favourable case for Camel: the \
                kubelet noticing at once). "From the last renewal" starts at the moment the API server answered \
                the leader's last successful Lease write, as the issue asks; "from the crash" at the cut-off. \
                Camel's leader writes the Lease only every renewDeadline (it polls in between), so its figure \
                "from the last renewal" includes up to a renewDeadline of quiet time before the crash; its figure \
                "from the crash" is the outage a user sees.
                - **API load.** Five candidates per implementation, steady state (a leader working, every \
                follower past its start-up requests), then every request from each candidate is counted over the \
                window. A watch connection counts as one request when opened.
                - **Scale.** See the table's description. A `direct:` route creates no threads, so the threads \
                counted are the election's and the client's.
                - **Concurrency.** Start-up, this component's graceful handovers and the 50-candidate handovers run \
                one at a time. The peers' handovers, every crash take-over and the API load window run at the same \
                time, each in its own namespace, because they are dominated by seconds of waiting (a poll period, a \
                leaseDuration): this keeps the whole run under fifteen minutes. Scale runs last, one \
                implementation at a time.
                - **Machine.** A shared 2-core VM; other processes' load is in the conditions above. Figures in \
                milliseconds move by a few ms between runs; the ratios do not change character.
                """;
    }
}
