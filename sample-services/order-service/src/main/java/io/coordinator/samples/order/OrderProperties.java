package io.coordinator.samples.order;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** orders.* (re-bound live). */
@ConfigurationProperties("orders")
public class OrderProperties {
    /** Discount applied to every order, 0..1. */
    private double discountRate;
    /** Feature flag: express delivery offered. */
    private boolean expressEnabled;
    /** Price of one unit. */
    private double unitPrice = 10.0;

    public double getDiscountRate() {
        return discountRate;
    }

    public void setDiscountRate(double discountRate) {
        this.discountRate = discountRate;
    }

    public boolean isExpressEnabled() {
        return expressEnabled;
    }

    public void setExpressEnabled(boolean expressEnabled) {
        this.expressEnabled = expressEnabled;
    }

    public double getUnitPrice() {
        return unitPrice;
    }

    public void setUnitPrice(double unitPrice) {
        this.unitPrice = unitPrice;
    }
}
