package io.github.camelk8s.leader;

import org.apache.camel.CamelExchangeException;
import org.apache.camel.Exchange;

/**
 * An exchange began on a leader-only route while this pod's leadership was not locally valid, for example right
 * after a long pause, before the step-down had stopped the route. The exchange is refused instead of running
 * where another pod may already lead.
 */
public class LeadershipLostException extends CamelExchangeException {

    public LeadershipLostException(String message, Exchange exchange) {
        super(message, exchange);
    }
}
