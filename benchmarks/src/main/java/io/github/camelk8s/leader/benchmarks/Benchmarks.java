package io.github.camelk8s.leader.benchmarks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.camelk8s.leader.testsupport.MockApiServer;
import io.github.camelk8s.leader.testsupport.Timings;
import io.github.camelk8s.leader.testsupport.WorkLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs every scenario for the three implementations on one mock API server in one JVM (scale and rebalancing: one
 * server per implementation) and writes docs/benchmarks.md, its {@link Charts} and benchmarks/results.json. See
 * {@link Plan} for the repetitions, {@link Scenario} for running some scenarios only;
 * {@code -Dbenchmarks.redraw=true} runs nothing and draws the charts again from results.json.
 * <p>
 * Phases: first the millisecond figures, one thing at a time (start-up, this component's graceful handovers, fifty
 * candidates on one Lease); then the figures measured in seconds, all implementations at once, each in its own
 * namespace (the peers' handovers, every crash take-over, the two-minute API load window), which keeps the run
 * under fifteen minutes; last, the scale and rebalancing scenarios, one implementation at a time, each on a mock
 * API server of its own.
 */
public final class Benchmarks {

    private static final Logger LOG = LoggerFactory.getLogger("bench");
    /**
     * The most threads the component and its own client can run at once, however many Leases: the electors' timer
     * (1), API calls (4) and listener callbacks (2), the policies' route starts and stops (1), Kubernetes Events (1),
     * and the client's task thread, Vert.x event loop, internal blocking thread and blocked-thread checker (4).
     */
    private static final int PEAK_THREADS = 13;

    /**
     * The scenarios, by the names {@code -Dbenchmarks.only} takes (comma-separated; empty: all of them). A run of some
     * of them writes its page and JSON under benchmarks/target, never over docs/benchmarks.md.
     */
    enum Scenario {
        /** 5. start-up on a free Lease. */
        STARTUP,
        /** 1. this component's graceful handovers, alone on the machine. */
        HANDOVER,
        /** 4b. fifty candidates on one Lease. */
        MANY,
        /** 1 and 2 for the peers, every crash take-over, 3. API load: all at once. */
        CONCURRENT,
        /** 4. many Leases in one JVM. */
        SCALE,
        /** 6. rebalancing Leases over a group of members. */
        REBALANCING;

        final String key = name().toLowerCase(Locale.ROOT);

        static Set<Scenario> parse(String only) {
            if (only == null || only.isBlank()) {
                return EnumSet.allOf(Scenario.class);
            }
            Set<Scenario> chosen = EnumSet.noneOf(Scenario.class);
            for (String name : only.split(",")) {
                String key = name.trim().toLowerCase(Locale.ROOT);
                chosen.add(Arrays.stream(values()).filter(s -> s.key.equals(key)).findFirst()
                        .orElseThrow(() -> new IllegalArgumentException("-Dbenchmarks.only: no scenario '" + key
                                + "'; the scenarios are " + Arrays.stream(values()).map(s -> s.key)
                                .toList())));
            }
            return chosen;
        }
    }

    /** How many repetitions; {@code quick} is a smoke run of every scenario. */
    record Plan(boolean quick, Set<Scenario> scenarios, int startupWarmups, int startupReps, int gracefulWarmups,
                int gracefulOurs, int gracefulFabric8Short, int gracefulFabric8Default, int gracefulCamelShort,
                int gracefulCamelDefault, int crashShort, int crashDefault, int crashCamelShort, int crashCamelDefault,
                int manyCandidates, int manyOurs, int manyFabric8, Duration loadWindow, int scaleLeases,
                Duration scaleSettle, Duration scaleWindow, List<Rebalancing.Case> rebalancing) {

        static Plan of(boolean quick, Set<Scenario> scenarios) {
            return of(quick, scenarios, "");
        }

        /**
         * {@code cases}: the rebalancing cases to run, by key (comma-separated: 12, large; empty: both), as
         * {@code -Dbenchmarks.rebalancing=large} says; a run of one of them is a partial run.
         */
        static Plan of(boolean quick, Set<Scenario> scenarios, String cases) {
            List<Rebalancing.Case> rebalancing = rebalancing(quick);
            Set<String> keys = cases.isBlank() ? Set.of()
                    : Arrays.stream(cases.split(",")).map(String::trim).collect(Collectors.toSet());
            List<Rebalancing.Case> chosen = keys.isEmpty() ? rebalancing
                    : rebalancing.stream().filter(c -> keys.contains(c.key())).toList();
            if (chosen.size() != (keys.isEmpty() ? rebalancing.size() : keys.size())) {
                throw new IllegalArgumentException("-Dbenchmarks.rebalancing: no case among '" + cases + "'; the "
                        + "cases are " + rebalancing.stream().map(Rebalancing.Case::key).toList());
            }
            return quick
                    ? new Plan(true, scenarios, 2, 5, 1, 5, 3, 2, 2, 1, 3, 1, 2, 1, 50, 3, 2, Duration.ofSeconds(20),
                            100, Duration.ofSeconds(10), Duration.ofSeconds(5), chosen)
                    : new Plan(false, scenarios, 5, 20, 2, 20, 12, 6, 6, 3, 10, 4, 6, 3, 50, 15, 5,
                            Duration.ofMinutes(2), 1000, Duration.ofSeconds(65), Duration.ofSeconds(15), chosen);
        }

        /**
         * 12 Leases over 3, 4 and 3 members on the short timings, both implementations; then many Leases over ten
         * members on the default timings, this component alone (see {@link Rebalancing#largeCase} for why not a
         * thousand, nor Camel); a smoke run takes 50 Leases over five members on the short timings.
         */
        private static List<Rebalancing.Case> rebalancing(boolean quick) {
            return List.of(Rebalancing.Case.of("6", "12", 12, 3, BenchmarkTimings.SHORT, quick
                            ? List.of(Rebalancing.Move.JOIN, Rebalancing.Move.LEAVE, Rebalancing.Move.CRASH)
                            : List.of(Rebalancing.Move.JOIN, Rebalancing.Move.LEAVE, Rebalancing.Move.JOIN,
                                    Rebalancing.Move.CRASH), Duration.ofSeconds(quick ? 10 : 15),
                            List.of(Impl.K8S_LEADER, Impl.CAMEL)),
                    Rebalancing.Case.of("6b", "large", quick ? 50 : 200, quick ? 5 : 10,
                            quick ? BenchmarkTimings.SHORT : BenchmarkTimings.DEFAULT,
                            List.of(Rebalancing.Move.LEAVE, Rebalancing.Move.JOIN), Duration.ofSeconds(10),
                            List.of(Impl.K8S_LEADER)));
        }

        boolean runs(Scenario scenario) {
            return scenarios.contains(scenario);
        }

        /** Every scenario and rebalancing case runs: the run may replace docs/benchmarks.md. */
        boolean complete() {
            return scenarios.size() == Scenario.values().length && rebalancing.size() == rebalancing(quick).size();
        }
    }

    private Benchmarks() {
    }

    public static void main(String[] args) throws Exception {
        Plan plan = Plan.of(Boolean.getBoolean("benchmarks.quick"),
                Scenario.parse(System.getProperty("benchmarks.only", "")),
                System.getProperty("benchmarks.rebalancing", ""));
        Path markdown = Path.of(System.getProperty("benchmarks.markdown", "docs/benchmarks.md"));
        Path json = Path.of(System.getProperty("benchmarks.json", "benchmarks/results.json"));
        boolean enforce = Boolean.getBoolean("benchmarks.enforce");
        Path readme = Path.of(System.getProperty("benchmarks.readme", "README.md"));
        if (Boolean.getBoolean("benchmarks.redraw")) {
            // after a change to the charts or the summary: the committed figures drawn again, measuring nothing
            JsonNode committed = new ObjectMapper().readTree(json.toFile());
            Path images = Charts.write(Charts.from(committed), markdown);
            String summary = Summary.block(committed);
            Summary.replaceIn(markdown, summary);
            Summary.replaceIn(readme, summary);
            LOG.info("Drew the charts of {} in {}, and its summary in {} and {}", json.toAbsolutePath().normalize(),
                    images.normalize(), markdown, readme);
            return;
        }
        if (!plan.complete()) {
            // a partial run must not replace the page of a whole one
            Path partial = Path.of(System.getProperty("benchmarks.partial", "benchmarks/target"));
            markdown = partial.resolve("benchmarks-partial.md");
            json = partial.resolve("results-partial.json");
            LOG.info("Scenarios {} only: writing {} and {}", plan.scenarios(), markdown, json);
        }
        int status = 0;
        try (MockApiServer api = new MockApiServer()) {
            Results results = new Benchmarks().run(api, plan);
            JsonNode measured = new ObjectMapper().valueToTree(results.toJson());
            List<Charts.Chart> charts = Charts.from(measured);
            String summary = Summary.block(measured);
            results.write(markdown, json, Texts.preamble(plan), summary + "\n" + Charts.embeds(charts),
                    Texts.methodology(plan));
            Path images = Charts.write(charts, markdown);
            if (plan.complete()) {
                // the README quotes the latest whole run, never a partial one
                Summary.replaceIn(readme, summary);
            }
            LOG.info("Wrote {}, {} and the charts in {}", markdown.toAbsolutePath().normalize(),
                    json.toAbsolutePath().normalize(), images.normalize());
            for (Results.Target t : results.targets) {
                LOG.info("  target {} [{}]: {} -> {}", t.met() ? "MET    " : "NOT MET", t.scenario(), t.target(),
                        t.measured());
            }
            status = Gate.status(results.targets, enforce);
            if (status != 0) {
                LOG.error(Gate.report(results.targets));
            } else if (enforce) {
                LOG.info("-Dbenchmarks.enforce=true: every target met ({})", results.targets.size());
            }
        } catch (Exception e) {
            LOG.error("Benchmark failed", e);
            status = 1;
        }
        System.exit(status);
    }

    private Results run(MockApiServer api, Plan plan) throws Exception {
        long began = System.nanoTime();
        Results results = new Results();
        conditions(results, plan);

        // ---- 5. start-up -------------------------------------------------------------------------------------
        Results.Table startup = results.table("startup", "5. Start-up on a free Lease",
                "One candidate, a Lease nobody holds, timings " + BenchmarkTimings.DEFAULT.describe()
                + ". From the call to `CamelContext.start()` until the implementation announces leadership "
                + "(camel-k8s-leader: the `ELECTED` exchange of a `k8s-leader:` consumer; fabric8: `onStartLeading`) and until the "
                + "leader-only route processes its first exchange. A new client and a new Lease per repetition; the "
                + "implementations take turns, after " + plan.startupWarmups() + " warm-up rounds, so that none is "
                + "measured in a colder JVM than the others.");
        Results.Row elected = startup.row("elected", "Start to ELECTED", "ms");
        Results.Row startFirst = startup.row("firstExchange", "Start to first exchange of the leader-only route",
                "ms");
        elected.remark(Impl.CAMEL, "(no such event)");
        if (plan.runs(Scenario.STARTUP)) {
            LOG.info("Start-up: the three implementations in turn");
            Startup.run(api, plan.startupWarmups(), plan.startupReps(), elected, startFirst);
        }

        // ---- 1. graceful handover (this component, alone on the machine) --------------------------------------
        Map<Timings, Map<Impl, AtomicInteger>> overlaps = new LinkedHashMap<>();
        for (Timings t : List.of(BenchmarkTimings.DEFAULT, BenchmarkTimings.SHORT)) {
            Results.Table table = results.table("handover-" + t.name(),
                    "1 and 2. Handover and take-over, timings " + t.describe() + " (leaseDuration / renewDeadline / "
                    + "retryPeriod / renewalInterval)",
                    "Three candidates on one Lease. Graceful: from the call that stops the leader's CamelContext "
                    + "until a follower's leader-only route processes its first exchange. Crash: the leader's "
                    + "requests stop reaching the API server and its context goes away without releasing; "
                    + "measured from its last successful Lease write (as the API server answered it) and from the "
                    + "crash itself, until a follower's route processes its first exchange.");
            Results.Row g = table.row("graceful", "Graceful handover", "ms");
            Results.Row cr = table.row("crashSinceRenewal", "Crash take-over, from the last renewal", "ms");
            Results.Row cc = table.row("crashSinceCrash", "Crash take-over, from the crash", "ms");
            Map<Impl, AtomicInteger> o = new EnumMap<>(Impl.class);
            for (Impl impl : Impl.values()) {
                o.put(impl, new AtomicInteger());
            }
            overlaps.put(t, o);
            handoverRows.put(t, new Results.Row[] { g, cr, cc });
        }
        for (Timings t : List.of(BenchmarkTimings.DEFAULT, BenchmarkTimings.SHORT)) {
            if (plan.runs(Scenario.HANDOVER)) {
                LOG.info("Graceful handover: {} {}", Impl.K8S_LEADER.label, t.name());
                Handover.run(group(api, Impl.K8S_LEADER, t, "handover"), 3, plan.gracefulWarmups(),
                        plan.gracefulOurs(), 0, figures(t, Impl.K8S_LEADER, overlaps));
            }
        }

        // ---- 4b. fifty candidates on one Lease -----------------------------------------------------------------
        Results.Table many = results.table("many-candidates", "4b. " + plan.manyCandidates()
                                                              + " candidates on one Lease",
                plan.manyCandidates() + " candidates (each its own CamelContext and client) on one Lease, timings "
                + BenchmarkTimings.DEFAULT.describe() + "; graceful handover as in scenario 1. Camel's "
                + "KubernetesClusterService is not run here: its handover is a poll plus a full leaseDuration "
                + "whatever the number of candidates (scenario 1).");
        Results.Row manyRow = many.row("graceful", "Graceful handover", "ms");
        AtomicInteger manyOverlaps = new AtomicInteger();
        if (plan.runs(Scenario.MANY)) {
            LOG.info("{} candidates on one Lease: {}", plan.manyCandidates(), Impl.K8S_LEADER.label);
            Handover.run(group(api, Impl.K8S_LEADER, BenchmarkTimings.DEFAULT, "many"), plan.manyCandidates(),
                    plan.gracefulWarmups(), plan.manyOurs(), 0, new Handover.Figures(manyRow.samples(Impl.K8S_LEADER),
                            new Samples(), new Samples(), manyOverlaps));
        }

        // ---- the figures measured in seconds: all implementations at once -----------------------------------
        if (plan.runs(Scenario.CONCURRENT)) {
            concurrent(api, plan, results, overlaps, manyRow, manyOverlaps);
        }

        // ---- 4. scale ------------------------------------------------------------------------------------------
        List<Scale.Outcome> scale = new ArrayList<>();
        if (plan.runs(Scenario.SCALE)) {
            for (Impl impl : Impl.values()) {
                LOG.info("Scale: {} Leases, {}", plan.scaleLeases(), impl.label);
                scale.add(Scale.measure(impl, plan.scaleLeases(), plan.scaleSettle(), plan.scaleWindow()));
            }
            scaleResults(results, scale, plan);
        }

        // ---- 6. rebalancing ------------------------------------------------------------------------------------
        if (plan.runs(Scenario.REBALANCING)) {
            for (Rebalancing.Case c : plan.rebalancing()) {
                List<Rebalancing.Outcome> outcomes = new ArrayList<>();
                for (Impl impl : c.impls()) {
                    LOG.info("Rebalancing: {} Leases over {} members, {}", c.leases(), c.members(), impl.label);
                    outcomes.add(Rebalancing.run(impl, c));
                }
                Rebalancing.report(results, c, outcomes);
            }
        }

        // ---- targets -------------------------------------------------------------------------------------------
        for (Timings t : List.of(BenchmarkTimings.DEFAULT, BenchmarkTimings.SHORT)) {
            for (Impl impl : Impl.values()) {
                int n = overlaps.get(t).get(impl).get();
                if (n > 0) {
                    results.notes.add(impl.label + " (" + t.name() + "): in " + n + " graceful handover(s) the old "
                                      + "leader's route ran after the new leader's had started.");
                }
            }
        }
        if (manyOverlaps.get() > 0) {
            results.notes.add(manyOverlaps.get() + " overlapping leaders in the many-candidates handovers.");
        }
        targets(results, startup, many);
        results.conditions.put("Run time (benchmark JVM)", Math.round(Handover.ms(System.nanoTime() - began) / 1000)
                                                           + " s");
        results.conditions.put("Load average (1/5/15 min) at the end", loadAverage());
        return results;
    }

    /** The peers' handovers, every crash take-over and the API load window, at the same time. */
    private void concurrent(MockApiServer api, Plan plan, Results results,
                            Map<Timings, Map<Impl, AtomicInteger>> overlaps, Results.Row manyRow,
                            AtomicInteger manyOverlaps) throws Exception {
        LOG.info("Concurrent phase: peers' handovers, every crash take-over, API load ({} window)", plan.loadWindow());
        List<ApiLoad> loads = new ArrayList<>();
        for (Timings t : List.of(BenchmarkTimings.DEFAULT, BenchmarkTimings.SHORT)) {
            for (Impl impl : Impl.values()) {
                loads.add(new ApiLoad(api, impl, t));
            }
        }
        ExecutorService pool = Executors.newCachedThreadPool();
        List<Future<?>> jobs = new ArrayList<>();
        jobs.add(pool.submit((Callable<Void>) () -> {
            for (ApiLoad load : loads) {
                load.prepare();
            }
            loads.forEach(ApiLoad::startWindow);
            sleep(plan.loadWindow().toMillis());
            List<ApiLoad.Outcome> outcomes = loads.stream().map(ApiLoad::endWindow).toList();
            loads.forEach(ApiLoad::close);
            loadResults(results, outcomes, plan);
            return null;
        }));
        jobs.add(pool.submit((Callable<Void>) () -> {
            for (Timings t : List.of(BenchmarkTimings.SHORT, BenchmarkTimings.DEFAULT)) {
                boolean shortTimings = t == BenchmarkTimings.SHORT;
                Handover.run(group(api, Impl.K8S_LEADER, t, "crash"), 3, shortTimings ? 1 : 0, 0,
                        shortTimings ? plan.crashShort() : plan.crashDefault(),
                        figures(t, Impl.K8S_LEADER, overlaps));
            }
            return null;
        }));
        jobs.add(pool.submit((Callable<Void>) () -> {
            for (Timings t : List.of(BenchmarkTimings.SHORT, BenchmarkTimings.DEFAULT)) {
                boolean s = t == BenchmarkTimings.SHORT;
                // one warm-up repetition per implementation, in the first (short) group: the JVM is warm after it
                Handover.run(group(api, Impl.FABRIC8, t, "handover"), 3, s ? 1 : 0,
                        s ? plan.gracefulFabric8Short() : plan.gracefulFabric8Default(),
                        s ? plan.crashShort() : plan.crashDefault(), figures(t, Impl.FABRIC8, overlaps));
            }
            LOG.info("{} candidates on one Lease: {}", plan.manyCandidates(), Impl.FABRIC8.label);
            Handover.run(group(api, Impl.FABRIC8, BenchmarkTimings.DEFAULT, "many"), plan.manyCandidates(), 0,
                    plan.manyFabric8(), 0, new Handover.Figures(manyRow.samples(Impl.FABRIC8), new Samples(),
                            new Samples(), manyOverlaps));
            return null;
        }));
        jobs.add(pool.submit((Callable<Void>) () -> {
            for (Timings t : List.of(BenchmarkTimings.SHORT, BenchmarkTimings.DEFAULT)) {
                boolean s = t == BenchmarkTimings.SHORT;
                Handover.run(group(api, Impl.CAMEL, t, "handover"), 3, s ? 1 : 0,
                        s ? plan.gracefulCamelShort() : plan.gracefulCamelDefault(),
                        s ? plan.crashCamelShort() : plan.crashCamelDefault(), figures(t, Impl.CAMEL, overlaps));
            }
            return null;
        }));
        for (Future<?> job : jobs) {
            job.get();
        }
        pool.shutdown();
    }

    private final Map<Timings, Results.Row[]> handoverRows = new LinkedHashMap<>();

    private Handover.Figures figures(Timings t, Impl impl, Map<Timings, Map<Impl, AtomicInteger>> overlaps) {
        Results.Row[] rows = handoverRows.get(t);
        return new Handover.Figures(rows[0].samples(impl), rows[1].samples(impl), rows[2].samples(impl),
                overlaps.get(t).get(impl));
    }

    private static Group group(MockApiServer api, Impl impl, Timings t, String scenario) {
        return new Group(impl, new Setup(api, new WorkLog(), scenario + "-" + impl.key + "-" + t.name(), "bench", t));
    }

    private void loadResults(Results results, List<ApiLoad.Outcome> outcomes, Plan plan) {
        for (Timings t : List.of(BenchmarkTimings.DEFAULT, BenchmarkTimings.SHORT)) {
            Results.Table table = results.table("api-load-" + t.name(), "3. API load, timings " + t.describe(),
                    "One leader and four followers per implementation, each with its own client; requests counted "
                    + "at the API server per candidate over a steady window of "
                    + plan.loadWindow().toSeconds() + " s, per minute. Watch connections: open at the end of the "
                    + "window, per candidate (largest).");
            Results.Row leader = table.row("leader", "Leader, requests/min", "");
            Results.Row writes = table.row("leaderWrites", "Leader, Lease writes/min", "");
            Results.Row followers = table.row("follower", "Idle follower, requests/min (median of 4)", "");
            Results.Row worst = table.row("followerMax", "Idle follower, requests/min (busiest of 4)", "");
            Results.Row watches = table.row("openWatches", "Open watch connections per candidate", "").noRatio();
            for (ApiLoad.Outcome o : outcomes) {
                if (o.timings() != t) {
                    continue;
                }
                leader.value(o.impl(), o.leaderPerMinute());
                writes.value(o.impl(), o.leaderWritesPerMinute());
                followers.value(o.impl(), o.followersPerMinute().p50());
                worst.value(o.impl(), o.followersPerMinute().max());
                watches.value(o.impl(), o.maxOpenWatches());
                if (t == BenchmarkTimings.DEFAULT && o.impl() == Impl.K8S_LEADER) {
                    double f = o.followersPerMinute().max();
                    results.target("3. API load", "idle follower ≤ 1 request/min (15 s / 10 s / 2 s)",
                            Results.number(f) + " requests/min (busiest follower)", f <= 1, "");
                    results.target("3. API load", "leader ≤ 60 requests/min at defaults",
                            Results.number(o.leaderPerMinute()) + " requests/min", o.leaderPerMinute() <= 60, "");
                }
            }
        }
    }

    private void scaleResults(Results results, List<Scale.Outcome> outcomes, Plan plan) {
        Results.Table table = results.table("scale", "4. Scale: " + plan.scaleLeases() + " Leases in one JVM",
                "One candidate on each of " + plan.scaleLeases() + " Leases, timings "
                + BenchmarkTimings.DEFAULT.describe() + "; camel-k8s-leader and Camel: one CamelContext with one "
                + "leader-only `direct:` route per Lease; fabric8: one LeaderElector per Lease. camel-k8s-leader is "
                + "given no client and builds its own (fabric8's auto-configuration, pointed at the mock by the "
                + "`kubernetes.master` system property), as an application that configures none; the peers share "
                + "one client with fabric8's defaults. Each implementation "
                + "runs alone, on a mock API server of its own (see the methodology). Threads and heap are "
                + "counted from just before the elections start (the peers' client connected, this component's "
                + "not yet built: its client's threads count as added); threads after "
                + plan.scaleSettle().toSeconds() + " s of steady state (idle pool threads time out after 30 s in "
                + "camel-k8s-leader, 60 s in the fabric8 client), and at the peak while the elections start; "
                + "the mock API server's own threads (one per watch connection) are not counted. Heap: used heap "
                + "after a full GC, whole JVM (it also holds the mock API server's copy of "
                + "the Leases).");
        Results.Row time = table.row("secondsToAllLeading", "Time until every Lease is led", "s");
        Results.Row threads = table.row("threadsAdded", "Threads added (steady)", "");
        Results.Row own = table.row("ownThreadsAdded", "of which its own", "").noRatio();
        Results.Row client = table.row("clientThreadsAdded", "of which the Kubernetes client's (executor, Vert.x)",
                "").noRatio();
        Results.Row peak = table.row("peakThreadsAdded", "Threads added (peak, during start)", "");
        Results.Row heapAdded = table.row("heapAddedMb", "Heap added after GC", "MB");
        Results.Row heap = table.row("heapUsedMb", "Heap used after GC (whole JVM)", "MB");
        Results.Row watches = table.row("openWatches", "Open watch connections", "").noRatio();
        Results.Row rate = table.row("requestsPerMinute", "Requests/min, steady (all Leases)", "");
        for (Scale.Outcome o : outcomes) {
            time.value(o.impl(), o.secondsToAllLeading());
            threads.value(o.impl(), o.threadsAdded());
            own.value(o.impl(), o.ownThreadsAdded());
            client.value(o.impl(), o.clientThreadsAdded());
            peak.value(o.impl(), o.peakThreadsAdded());
            heapAdded.value(o.impl(), o.heapAddedMb());
            heap.value(o.impl(), o.heapUsedMb());
            watches.value(o.impl(), o.openWatches());
            rate.value(o.impl(), o.requestsPerMinute());
            results.notes.add(o.impl().label + ", " + o.leases() + " Leases, threads added by name: "
                              + o.threadGroups() + "; at the peak: " + o.peakThreadGroups());
            if (o.impl() == Impl.K8S_LEADER) {
                boolean steadyMet = o.threadsAdded() <= 8;
                results.target("4. Scale", "≤ 8 threads added by the component in steady state (" + o.leases()
                                           + " Leases)",
                        o.threadsAdded() + " (" + o.ownThreadsAdded() + " its own, " + o.clientThreadsAdded()
                        + " its client's)", steadyMet, steadyMet ? "" : "threads added, by name: " + o.threadGroups());
                boolean peakMet = o.peakThreadsAdded() <= PEAK_THREADS;
                results.target("4. Scale", "≤ " + PEAK_THREADS + " threads at the peak, the bound of its pools ("
                                           + o.leases() + " Leases)",
                        o.peakThreadsAdded() + "", peakMet, peakMet ? "" : "at the peak: " + o.peakThreadGroups());
                results.target("4. Scale", "≤ 256 MB heap (" + o.leases() + " Leases)",
                        Math.round(o.heapUsedMb()) + " MB used after GC, whole JVM (+" + Math.round(o.heapAddedMb())
                        + " MB)", o.heapUsedMb() <= 256, "");
                results.target("4. Scale", "one watch connection per namespace",
                        o.openWatches() + " open, " + o.watchRequests() + " watch request(s) in all",
                        o.openWatches() == 1, "");
            }
        }
    }

    /** The targets of the scenarios that ran (a partial run has figures for some of them only). */
    private void targets(Results results, Results.Table startup, Results.Table many) {
        for (Timings t : List.of(BenchmarkTimings.DEFAULT, BenchmarkTimings.SHORT)) {
            Results.Row[] rows = handoverRows.get(t);
            Samples ours = rows[0].samples(Impl.K8S_LEADER);
            Samples f8 = rows[0].samples(Impl.FABRIC8);
            if (ours.count() > 0) {
                results.target("1. Graceful handover (" + t.describe() + ")", "p50 ≤ 50 ms",
                        "p50 " + Results.number(ours.p50()) + " ms, p95 " + Results.number(ours.p95()) + " ms",
                        ours.p50() <= 50, "");
            }
            if (ours.count() > 0 && f8.count() > 0) {
                double ratio = f8.p50() / ours.p50();
                results.target("1. Graceful handover (" + t.describe() + ")",
                        "≥ 20× faster than fabric8's LeaderElector",
                        String.format(Locale.ROOT, "%.0f× (fabric8 p50 %s ms)", ratio, Results.number(f8.p50())),
                        ratio >= 20, "");
            }
            Samples crash = rows[1].samples(Impl.K8S_LEADER);
            double limit = t.leaseDuration().toMillis() + 100;
            if (crash.count() > 0) {
                results.target("2. Crash take-over (" + t.describe() + ")", "≤ leaseDuration + 100 ms = "
                                                                             + Results.number(limit) + " ms",
                        "p50 " + Results.number(crash.p50()) + " ms, p95 " + Results.number(crash.p95()) + " ms",
                        crash.p95() <= limit, "");
            }
        }
        Samples manyOurs = many.rows.get(0).samples(Impl.K8S_LEADER);
        if (manyOurs.count() > 0) {
            results.target("4. Scale", "50 candidates on one Lease: graceful handover p50 ≤ 100 ms",
                    "p50 " + Results.number(manyOurs.p50()) + " ms, p95 " + Results.number(manyOurs.p95()) + " ms",
                    manyOurs.p50() <= 100, "");
        }
        Samples start = startup.rows.get(0).samples(Impl.K8S_LEADER);
        if (start.count() > 0) {
            results.target("5. Start-up", "context start to ELECTED ≤ 100 ms",
                    "p50 " + Results.number(start.p50()) + " ms, p95 " + Results.number(start.p95()) + " ms",
                    start.p50() <= 100, "");
        }
        // the targets and the tables read in scenario order (the scenarios ran in the order that suits the clock)
        results.targets.sort(Comparator.comparing(Results.Target::scenario));
        results.tables.sort(Comparator.comparing(t -> t.title));
    }

    private static void conditions(Results results, Plan plan) {
        var c = results.conditions;
        c.put("Date (UTC)", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        c.put("Commit", commit());
        c.put("CPU", cpuModel() + ", " + Runtime.getRuntime().availableProcessors() + " cores available");
        c.put("Memory", memory());
        c.put("JVM", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version")
                     + ", max heap " + Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MB");
        c.put("OS", System.getProperty("os.name") + " " + System.getProperty("os.version") + " ("
                    + System.getProperty("os.arch") + ")");
        c.put("Load average (1/5/15 min) at the start", loadAverage());
        c.put("API server", "fabric8 kubernetes-server-mock 7.5.2, CRUD mode, in the benchmark JVM; one instance "
                            + "for every implementation, except in scale and rebalancing: a fresh one for each "
                            + "implementation");
        c.put("Peers", "fabric8 kubernetes-client 7.5.2 `LeaderElector` (LeaseLock, releaseOnCancel=true); Camel "
                       + "4.18.0 `KubernetesClusterService` (Lease) + `ClusteredRoutePolicy`; for rebalancing, Camel "
                       + "4.18.0 `RebalancingCamelClusterService` over `KubernetesClusterService`");
        c.put("Timings (leaseDuration / renewDeadline / retryPeriod / renewalInterval)",
                BenchmarkTimings.DEFAULT.describe() + " (default), " + BenchmarkTimings.SHORT.describe()
                + " (short); the leader renews every retryPeriod");
        c.put("Mode", (plan.quick() ? "quick (-Dbenchmarks.quick=true): few repetitions, a smoke run" : "full")
                      + (plan.complete() ? "" : "; scenarios " + plan.scenarios().stream().map(s -> s.key).toList()
                                                + (plan.rebalancing().size() == Plan.rebalancing(plan.quick()).size()
                                                   ? "" : ", rebalancing case(s) " + plan.rebalancing().stream()
                                                        .map(Rebalancing.Case::key).toList())
                                                + " only (-Dbenchmarks.only)"));
    }

    /** The commit measured, and whether the working tree had changes on top of it (then the figures are not its). */
    private static String commit() {
        try {
            String head = git("rev-parse", "--short", "HEAD").trim();
            return head.isEmpty() ? "unknown (not a git checkout)"
                    : git("status", "--porcelain", "--untracked-files=no").isBlank() ? head
                    : head + ", with uncommitted changes";
        } catch (IOException e) {
            return "unknown (" + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown (interrupted)";
        }
    }

    private static String git(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("git"));
        command.addAll(List.of(args));
        Process git = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(git.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        return git.waitFor() == 0 ? out : "";
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException e) {
            // not Linux
        }
        return System.getProperty("os.arch");
    }

    private static String memory() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            return sun.getTotalMemorySize() / (1024 * 1024 * 1024) + " GB";
        }
        return "?";
    }

    static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return parts[0] + " / " + parts[1] + " / " + parts[2];
        } catch (IOException e) {
            return String.format(Locale.ROOT, "%.2f", ManagementFactory.getOperatingSystemMXBean()
                    .getSystemLoadAverage());
        }
    }

    /** A new mock API server, {@linkplain MockApiServer#warmUp() warmed up}. */
    static MockApiServer freshApiServer() {
        return new MockApiServer().warmUp();
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
