package io.github.camelk8s.leader.example.springboot;

import org.apache.camel.ProducerTemplate;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * This pod's leadership, on the application's port, which application.properties binds to 127.0.0.1: {@code GET
 * /leader} answers its status, {@code POST /leader/yield} makes it step down for planned maintenance (release, then
 * stay out for {@code example.yield-duration}). Both are the component's producer operations. Stepping down is for
 * an operator in the pod ({@code kubectl exec}, {@code kubectl port-forward}), so it is not an actuator endpoint:
 * the management port must be reachable on the pod's IP, for the probes and Prometheus.
 */
@RestController
public class LeaderController {

    private final ProducerTemplate producer;
    private final String yieldDuration;

    public LeaderController(ProducerTemplate producer, @Value("${example.yield-duration:60s}") String yieldDuration) {
        this.producer = producer;
        this.yieldDuration = yieldDuration;
    }

    @GetMapping("/leader")
    public String status() {
        return producer.requestBody("k8s-leader:" + LeaderRoutes.LEASE + "?operation=status", null, String.class)
               + "\n";
    }

    @PostMapping("/leader/yield")
    public String yieldLeadership() {
        return producer.requestBody("k8s-leader:" + LeaderRoutes.LEASE + "?operation=yield&yieldDuration="
                                    + yieldDuration, null, String.class) + "\n";
    }
}
