package io.github.camelk8s.leader.benchmarks;

import io.github.camelk8s.leader.policy.K8sLeaderRoutePolicy;

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
                leader-only timer route (first tick 1 ms after it starts, then every 100 ms); leadership "arrives" when that route processes \
                its first exchange. Latencies are given as **median** / p95 (nearest rank) with the number of \
                repetitions; a ratio is the peer's median divided by this component's (above 1: the peer is slower \
                or costlier). Scenario 6 spreads many Leases over a group of members: this component's \
                `K8sLeaderClusterService` with rebalancing beside Camel's `RebalancingCamelClusterService` over \
                `KubernetesClusterService`, the same routes under `ClusteredRoutePolicy` in both.

                To reproduce: `mvn -B -q -Pbenchmarks -DskipTests verify` from the repository root (about twelve \
                minutes; `-Dbenchmarks.quick=true` for a smoke run of every scenario in about five). \
                `-Dbenchmarks.only=scale` runs some scenarios only (comma-separated: startup, handover, many, \
                concurrent, scale, rebalancing) and writes its page and JSON under `benchmarks/target/` instead \
                (`-Dbenchmarks.rebalancing=large` or `12`: one case of scenario 6 only). With \
                `-Dbenchmarks.enforce=true` the run is a gate: once its page is written, it fails (exit status 2, \
                after listing them) if any target of the scenarios that ran is not met. The charts are drawn from \
                the figures of the tables, into `images/` beside this page, and a whole run writes its summary below \
                over the README's; `-Dbenchmarks.redraw=true` measures nothing and draws the charts and the summary \
                again from `benchmarks/results.json`.
                """;
    }

    static String methodology(Benchmarks.Plan plan) {
        return """
                ## How each figure is measured

                - **Fairness.** One mock API server (fabric8 `kubernetes-server-mock` 7.5.2 in CRUD mode) for \
                every implementation; each candidate has its own fabric8 client with default settings (they share \
                one Vert.x event loop), and names itself in a request header, so requests are counted per \
                candidate at the server. Each group of candidates has a namespace of its own. The leader renews \
                every retryPeriod in all three (camel-k8s-leader's `renewalInterval` is set to retryPeriod). \
                The scale scenario gives each implementation a fresh server: the mock's CRUD store answers every \
                GET and LIST by scanning everything it holds, on one event-loop thread, so what one implementation \
                left behind slowed the next (Camel's thousand Lease pollers, a GET and a LIST per Lease every \
                retryPeriod, outran a store that also held the others' two thousand Leases and a thousand Events, \
                and led 3 or 4 of their Leases in three minutes).
                - **The leader-only route.** `timer:work?delay=1&period=100`. Not `delay=0`: Camel's timer then \
                schedules its first tick before its consumer counts as started, and when the timer thread wins that \
                race the tick is skipped and a whole period is added at random (100 ms outliers in every \
                implementation); not the default delay either, which adds a second to every handover.
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
                counted are the election's, the route policies' (their routes are started off the election's \
                threads) and the client's; the notes name them, in steady state and at the peak.
                - **Rebalancing.** See the tables' descriptions. Leadership is read from the routes, as Camel runs \
                them: a Lease is led by a member while its route (under `ClusteredRoutePolicy`) is started in that \
                member's pod, from the pod's route start and stop events, so a gap is the time no pod ran the \
                Lease's route; a crashed member's routes count as stopped at the crash. Requests at rest are \
                counted at the API server per member; membership requests are those for this component's member \
                slot Leases (`<group>-member-<n>`, one renewal per renewalInterval) and Camel's Pod lists (its \
                members are the Ready Pods, listed at every poll of every Lease). Camel's \
                `RebalancingCamelClusterService` reconciles every retryPeriod; it gives a Lease up by letting the \
                leader stop renewing it for a leaseDuration (its routes stop when their leadership is not refreshed \
                for renewDeadline), after which another member takes it; a gracefully stopped Camel member's Leases \
                are taken once its Pod is gone, a leaseDuration before their routes start.
                - **Concurrency.** Start-up, this component's graceful handovers and the 50-candidate handovers run \
                one at a time. The peers' handovers, every crash take-over and the API load window run at the same \
                time, each in its own namespace, because they are dominated by seconds of waiting (a poll period, a \
                leaseDuration): this keeps the whole run under fifteen minutes. Scale and rebalancing run last, \
                one implementation at a time, each on a mock API server of its own.
                - **Machine.** A shared 2-core VM; other processes' load is in the conditions above. Figures in \
                milliseconds move by a few ms between runs; the ratios do not change character.

                ## What the benchmark changed in camel-k8s-leader

                - **Threads are bounded and start only when needed.** The elector factory's API pool kept four \
                threads alive for a single Lease (a plain `ThreadPoolExecutor` with core = max starts a thread per \
                task until it has four), and its listener pool started a thread for every event that found the \
                others busy: a thousand Leases won at once started dozens. Both pools now start a thread only when \
                every running one is busy, up to 4 API and 2 listener threads, and let idle ones go after 30 s: at \
                most 7 threads of the elector factory's (one per Kubernetes client) for any number of Leases \
                (`ManyLeasesTest` checks the bound with 200 Leases and slow listeners). What the scale table counts \
                beyond that belongs to the \
                Kubernetes client. With fabric8's defaults, the client the component built for itself ran 13 \
                threads at a thousand Leases: its executor delivers the informer's events on an unbounded cached \
                pool (two hand-offs per event, so several threads stay alive at 500 events a second), and its own \
                Vert.x instance started an event loop per request thread in turn, four here, and two internal \
                blocking threads. That client now runs on three in steady state: one task thread of its own with a \
                queue, and a Vert.x instance with one thread per pool and Vert.x's blocked-thread checker, the \
                internal blocking thread (a connection's set-up) ending when idle (`OwnKubernetesClientTest` \
                checks the bound with 200 Leases). A client the application gives the component keeps fabric8's \
                defaults: one that must bound them too can be given an executor \
                (`KubernetesClientBuilder.withTaskExecutor`). The policies started each route on a cached pool, so a \
                thousand Leases won at once started 197 threads for a moment, waiting in turn for the CamelContext's \
                lock, under which Camel starts and stops a context's routes one at a time: they now queue on one \
                thread (`RouteControlThreadsTest`), and the thread recording Kubernetes Events ends when idle. At the \
                peak the component and its own client run at most 13 threads, whatever the number of Leases.
                - **A graceful leave hands over with fewer writes.** A member leaving a rebalancing group released \
                its Leases while the others still counted it (its rebalancer reacted to its own leaving before the \
                slot's release was written), so some of them were given back to it and waited for the slot's \
                release (`RebalancingTest` checks the order). And every member above a freed member slot raced for \
                it, then for each winner's old slot: about M²/2 writes for one of M members leaving, during the \
                Lease moves; only the member on the highest slot moves down now (`GroupMembershipTest`).
                - **The losers of a race learn the winner from their watch.** A follower whose acquiring write got \
                409 read the Lease again at once: fifty candidates answered a release with ~49 writes and then \
                ~45 reads, all competing with the winner's own write and route start. A follower with a working \
                watch now waits for the winner's record, which the watch brings within milliseconds (a retry after \
                retryPeriod is the safety net); renewal conflicts still read at once \
                (`FollowerRequestsTest` counts the reads: none).
                - **The watch opens after the first outcome.** A starting candidate opened its namespace watch \
                (a list, then a new connection) at the same moment as its first read and write, and on two cores \
                that competed with the election and the route start: start-up took ~10 ms longer than a hand-wired \
                fabric8 `LeaderElector`. The watch now opens once the first outcome (ELECTED, or NEW_LEADER) has \
                reached the listeners; it begins with a list, so nothing is missed (`LeaseElectorLifecycleTest`).
                - **Already in the design, and confirmed here:** one informer per namespace (one watch connection \
                for a thousand Leases), no polling while the watch is up (idle followers make no requests), \
                release on stop, routes started as soon as the acquiring write succeeded.
                """;
    }
}
