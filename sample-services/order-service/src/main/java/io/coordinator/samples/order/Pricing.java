package io.coordinator.samples.order;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/** Live @Value fields: re-injected by the starter when /config/... changes, no @RefreshScope. */
@Component
public class Pricing {
    @Value("${orders.discount-rate}")
    private double discountRate;

    @Value("${orders.express-enabled}")
    private boolean expressEnabled;

    public double discountRate() {
        return discountRate;
    }

    public boolean expressEnabled() {
        return expressEnabled;
    }

    public double price(int quantity, double unitPrice) {
        return Math.round(quantity * unitPrice * (1 - discountRate) * 100) / 100.0;
    }
}
