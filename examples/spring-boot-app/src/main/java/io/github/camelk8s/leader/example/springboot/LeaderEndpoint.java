package io.github.camelk8s.leader.example.springboot;

import org.apache.camel.ProducerTemplate;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.stereotype.Component;

/**
 * This pod's leadership, on the management port with the other actuator endpoints: {@code GET /actuator/leader}
 * answers its status, {@code POST /actuator/leader} makes it step down for planned maintenance (release, then stay
 * out for {@code example.yield-duration}). Both are the component's producer operations.
 */
@Component
@Endpoint(id = "leader")
public class LeaderEndpoint {

    private final ProducerTemplate producer;
    private final String yieldDuration;

    public LeaderEndpoint(ProducerTemplate producer, @Value("${example.yield-duration:60s}") String yieldDuration) {
        this.producer = producer;
        this.yieldDuration = yieldDuration;
    }

    @ReadOperation
    public String status() {
        return producer.requestBody("k8s-leader:" + LeaderRoutes.LEASE + "?operation=status", null, String.class);
    }

    @WriteOperation
    public String yieldLeadership() {
        return producer.requestBody("k8s-leader:" + LeaderRoutes.LEASE + "?operation=yield&yieldDuration="
                                    + yieldDuration, null, String.class);
    }
}
