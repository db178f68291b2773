package io.github.camelk8s.leader.policy;

import java.util.Deque;

import io.github.camelk8s.leader.LeadershipLostException;
import io.github.camelk8s.leader.cluster.MasterRouteTokens;
import io.github.camelk8s.leader.election.LeaseElector;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.NamedNode;
import org.apache.camel.Processor;
import org.apache.camel.model.CatchDefinition;
import org.apache.camel.model.FinallyDefinition;
import org.apache.camel.model.OnCompletionDefinition;
import org.apache.camel.model.OnExceptionDefinition;
import org.apache.camel.spi.WrapAwareProcessor;
import org.apache.camel.support.ExchangeHelper;
import org.apache.camel.support.processor.DelegateAsyncProcessor;
import org.apache.camel.util.ObjectHelper;

/**
 * One step of a route (any processor, at any depth), as {@link K8sLeaderStepGuard} wraps it. An exchange that is
 * not leader-only (no {@link LeaderOnlyMark}) goes straight through. For a leader-only one the step begins only if
 * this pod's leadership of every Lease of the mark is valid now, and it is counted by the Lease's elector until
 * its callback is done, so that a stop or yield releases the Lease only after it ended. Otherwise the step does not
 * run: the exchange fails with {@link LeadershipLostException} and is marked refused for good, so that a
 * redelivering error handler, which retries it as configured, has each retry refused here too. A step that ends
 * with that exception (a split whose branch was refused, a call to a route that was) marks its own exchange
 * refused as well, so that retrying the step around a refused one cannot run it again either.
 * <p>
 * Handling the refusal is not leader-only work: the steps of onException and doCatch blocks, of doFinally and
 * onCompletion blocks, and of a dead letter channel (its route included) run unchecked and uncounted while the
 * exception they handle is a {@link LeadershipLostException}. Once routing goes on after a handled refusal, the
 * steps are checked again.
 */
final class GuardedStep extends DelegateAsyncProcessor implements WrapAwareProcessor {

    private final String stepId;
    private final String stepName;
    /** Whether the step lies inside an onException, doCatch, doFinally or onCompletion block. */
    private final boolean handlesFailures;
    /** The Lease of the master: route the step belongs to, whose exchanges get the fencing token; else null. */
    private final String masterLease;

    GuardedStep(NamedNode definition, Processor step, String masterLease) {
        super(step);
        this.masterLease = masterLease;
        this.stepId = definition == null ? null : definition.getId();
        this.stepName = definition == null ? null : definition.getShortName();
        this.handlesFailures = insideFailureHandling(definition);
    }

    private static boolean insideFailureHandling(NamedNode node) {
        for (NamedNode n = node; n != null; n = n.getParent()) {
            if (n instanceof OnExceptionDefinition || n instanceof CatchDefinition || n instanceof FinallyDefinition
                    || n instanceof OnCompletionDefinition) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        LeaderOnlyMark mark = LeaderOnlyMark.of(exchange);
        if (mark == null || handlesRefusal(exchange)) {
            if (mark == null && masterLease != null) {
                MasterRouteTokens.stamp(exchange, masterLease);
            }
            return processor.process(exchange, callback);
        }
        LeaseElector[] begun = new LeaseElector[mark.size()];
        int refusing = mark.beginStep(exchange, begun);
        if (refusing >= 0) {
            mark.refuse(exchange);
            exchange.setException(new LeadershipLostException(refusal(exchange, mark.leaseRef(refusing)), exchange));
            callback.done(true);
            return true;
        }
        StepEnd end = new StepEnd(exchange, begun, callback);
        try {
            return processor.process(exchange, end);
        } catch (RuntimeException | Error e) {
            // a processor breaking the async contract must not leave its step counted for ever
            exchange.setException(e instanceof Exception ex ? ex : new IllegalStateException(e));
            end.done(true);
            return true;
        }
    }

    /** Whether the exchange is being handled for a refusal: by an error handler, or in a block that handles it. */
    private boolean handlesRefusal(Exchange exchange) {
        if (!(exchange.getProperty(ExchangePropertyKey.EXCEPTION_CAUGHT) instanceof LeadershipLostException)) {
            return false;
        }
        // onException blocks and dead letter channels run under Camel's fatal fallback error handler, which keeps
        // the routes it runs for on this property while they run
        return handlesFailures
               || exchange.getProperty(ExchangePropertyKey.FATAL_FALLBACK_ERROR_HANDLER) instanceof Deque<?> handlers
                  && !handlers.isEmpty();
    }

    private String refusal(Exchange exchange, String leaseRef) {
        String step = stepId == null ? "" : " " + stepId + (stepName == null ? "" : " (" + stepName + ")");
        return "Route " + ExchangeHelper.getAtRouteId(exchange) + " did not begin step" + step
               + " of a leader-only exchange: this pod's leadership of Lease " + leaseRef + " is not valid now";
    }

    @Override
    public Processor getWrapped() {
        return processor;
    }

    @Override
    public String toString() {
        return "GuardedStep[" + processor + "]";
    }

    /** Ends the step before the exchange goes on, so the next step is counted on its own, and only once. */
    private static final class StepEnd implements AsyncCallback {
        private final Exchange exchange;
        private final LeaseElector[] begun;
        private final AsyncCallback callback;
        private boolean ended;

        StepEnd(Exchange exchange, LeaseElector[] begun, AsyncCallback callback) {
            this.exchange = exchange;
            this.begun = begun;
            this.callback = callback;
        }

        @Override
        public void done(boolean doneSync) {
            if (ended) {
                return;
            }
            ended = true;
            LeaderOnlyMark.endStep(begun);
            LeaderOnlyMark mark = LeaderOnlyMark.of(exchange);
            if (mark != null && refused(exchange.getException())) {
                mark.refuse(exchange);
            }
            callback.done(doneSync);
        }

        private static boolean refused(Exception failure) {
            return ObjectHelper.getException(LeadershipLostException.class, failure) != null;
        }
    }
}
