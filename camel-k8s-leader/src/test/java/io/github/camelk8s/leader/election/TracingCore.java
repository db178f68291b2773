package io.github.camelk8s.leader.election;

import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The real core, unchanged, writing each input and the actions it answered with to the trace: used when a failing
 * schedule is replayed, so the trace reads as the core's own conversation.
 */
final class TracingCore extends ElectionCore {

    private final Trace trace;

    TracingCore(LeaderElectionConfig config, Trace trace) {
        super(config);
        this.trace = trace;
    }

    @Override
    List<ElectionAction> on(ElectionInput input, long nanos, Instant wall) {
        Phase before = phase;
        List<ElectionAction> actions = super.on(input, nanos, wall);
        trace.line(me, describe(input) + " [" + before + (phase == before ? "" : " -> " + phase) + "]"
                       + (actions.isEmpty() ? "" : ": " + actions.stream().map(this::describe)
                .collect(Collectors.joining(", "))));
        return actions;
    }

    private String describe(ElectionInput input) {
        if (input instanceof ElectionInput.Read r) {
            return "Read " + Trace.describe(r.lease());
        }
        if (input instanceof ElectionInput.Written w) {
            return "Written " + Trace.describe(w.lease());
        }
        if (input instanceof ElectionInput.Watched w) {
            return "Watched " + Trace.describe(w.lease());
        }
        if (input instanceof ElectionInput.Failed f) {
            return "Failed(" + f.error().getMessage() + ")";
        }
        return input.toString();
    }

    private String describe(ElectionAction action) {
        if (action instanceof ElectionAction.Send s) {
            LeaseRequest request = s.request();
            if (request instanceof LeaseRequest.Update u) {
                return "send UPDATE " + Trace.describe(u.record()) + " if rv=" + u.base().resourceVersion();
            }
            return request instanceof LeaseRequest.Create c ? "send CREATE " + Trace.describe(c.record()) : "send GET";
        }
        if (action instanceof ElectionAction.Arm a) {
            return "arm " + a.timer() + " in " + Schedule.format(a.atNanos() - now);
        }
        if (action instanceof ElectionAction.Report r) {
            return r.kind() + " '" + r.message() + "'";
        }
        if (action instanceof ElectionAction.Elected) {
            return "ELECTED";
        }
        if (action instanceof ElectionAction.Lost l) {
            return "LOST (" + l.reason() + ")";
        }
        return action instanceof ElectionAction.NewLeader n ? "NEW_LEADER " + n.record().holderIdentity()
                : action.toString();
    }
}
