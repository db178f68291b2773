package io.github.camelk8s.leader.benchmarks;

/** Where a group of candidates competes: one Lease in a namespace of its own, with one set of timings. */
record Setup(MockApi api, WorkLog log, String namespace, String lease, Timings timings) {
}
