package io.github.camelk8s.leader.benchmarks;

import io.github.camelk8s.leader.testsupport.MockApiServer;
import io.github.camelk8s.leader.testsupport.Timings;
import io.github.camelk8s.leader.testsupport.WorkLog;

/** Where a group of candidates competes: one Lease in a namespace of its own, with one set of timings. */
record Setup(MockApiServer api, WorkLog log, String namespace, String lease, Timings timings) {
}
