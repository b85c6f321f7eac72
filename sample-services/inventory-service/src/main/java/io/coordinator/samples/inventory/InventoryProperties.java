package io.coordinator.samples.inventory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** inventory.* (live: changes in /config/inventory-service are re-bound without restart). */
@ConfigurationProperties("inventory")
public class InventoryProperties {
    /** SKUs the restock job looks after. */
    private List<String> skus = new ArrayList<>();
    /** Stock a new SKU starts with. */
    private int initialStock = 100;
    /** Whether each restock run is recorded under /samples/inventory/restock-log (for demos and tests). */
    private boolean logRuns = false;

    private final Restock restock = new Restock();

    public List<String> getSkus() {
        return skus;
    }

    public void setSkus(List<String> skus) {
        this.skus = skus;
    }

    public int getInitialStock() {
        return initialStock;
    }

    public void setInitialStock(int initialStock) {
        this.initialStock = initialStock;
    }

    public boolean isLogRuns() {
        return logRuns;
    }

    public void setLogRuns(boolean logRuns) {
        this.logRuns = logRuns;
    }

    public Restock getRestock() {
        return restock;
    }

    public static class Restock {
        /** Restock a SKU whose stock is below this. */
        private int threshold = 10;
        /** Units added per restock. */
        private int amount = 50;
        /** Time between restock runs. */
        private Duration interval = Duration.ofSeconds(5);

        public int getThreshold() {
            return threshold;
        }

        public void setThreshold(int threshold) {
            this.threshold = threshold;
        }

        public int getAmount() {
            return amount;
        }

        public void setAmount(int amount) {
            this.amount = amount;
        }

        public Duration getInterval() {
            return interval;
        }

        public void setInterval(Duration interval) {
            this.interval = interval;
        }
    }
}
