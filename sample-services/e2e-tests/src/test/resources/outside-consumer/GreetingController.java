package com.example.consumer;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import io.coordinator.spring.lock.DistributedLock;
import io.coordinator.spring.lock.DistributedLocks;

/** A live @Value from Coordinator, and a method under @DistributedLock, both readable over HTTP. */
@RestController
public class GreetingController {
    @Value("${consumer.greeting:not configured}")
    private String greeting;

    @GetMapping("/greeting")
    public String greeting() {
        return greeting;
    }

    /** The fencing token of the lock held during the call. */
    @DistributedLock(key = "'consumer-lock'", waitTime = 10_000)
    @GetMapping("/locked")
    public long locked() {
        return DistributedLocks.current().fencingToken();
    }
}
