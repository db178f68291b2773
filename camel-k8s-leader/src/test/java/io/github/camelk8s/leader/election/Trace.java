package io.github.camelk8s.leader.election;

import java.util.ArrayDeque;
import java.util.Locale;

/**
 * The last lines of a run, one per thing that happened: virtual time, process, input or action. Off for the many
 * runs that pass (building the lines would cost more than the run); on when a failing schedule is replayed, which
 * gives the same run again.
 */
final class Trace {

    static final Trace OFF = new Trace(null, 0);

    private final VirtualTime time;
    private final int keep;
    private final ArrayDeque<String> lines;
    /** Put before each line's text: the Lease it is about, where a run has several. */
    private final String tag;

    Trace(VirtualTime time, int keep) {
        this(time, keep, new ArrayDeque<>(), "");
    }

    private Trace(VirtualTime time, int keep, ArrayDeque<String> lines, String tag) {
        this.time = time;
        this.keep = keep;
        this.lines = lines;
        this.tag = tag;
    }

    /** The same trace, each line of this view naming {@code lease}: for runs with the elections of many Leases. */
    Trace about(String lease) {
        return keep == 0 ? this : new Trace(time, keep, lines, "[" + lease + "] ");
    }

    boolean on() {
        return keep > 0;
    }

    void line(String who, String what) {
        if (keep == 0) {
            return;
        }
        if (lines.size() == keep) {
            lines.removeFirst();
        }
        lines.addLast(String.format(Locale.ROOT, "%12.6fs  %-12s %s%s", time.now() / 1e9, who, tag, what));
    }

    String lines() {
        return String.join("\n", lines);
    }

    /** A snapshot in one short line: resourceVersion, holder and the times that tell renewals apart. */
    static String describe(LeaseSnapshot lease) {
        return lease == null ? "absent" : "rv=" + lease.resourceVersion() + " " + describe(lease.record());
    }

    static String describe(LeaseRecord record) {
        return record == null ? "absent" : "[holder='" + record.holderIdentity() + "' duration="
                                           + record.leaseDurationSeconds() + "s renew=" + record.renewTime()
                                           + " transitions=" + record.leaseTransitions() + "]";
    }
}
