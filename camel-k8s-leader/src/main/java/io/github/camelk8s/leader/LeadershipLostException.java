package io.github.camelk8s.leader;

import org.apache.camel.CamelExchangeException;
import org.apache.camel.Exchange;

/**
 * A step of a leader-only exchange was about to begin while this pod's leadership was not locally valid, for
 * example right after a long pause, or once renewDeadline had passed, before the step-down had stopped the route.
 * The step does not run where another pod may already lead; the message names the route, the step and the Lease.
 * An error handler does not redeliver it, but onException, doCatch and dead letter channels can handle it.
 */
public class LeadershipLostException extends CamelExchangeException {

    public LeadershipLostException(String message, Exchange exchange) {
        super(message, exchange);
    }
}
