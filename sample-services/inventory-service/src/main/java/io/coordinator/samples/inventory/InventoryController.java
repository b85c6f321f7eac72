package io.coordinator.samples.inventory;

import io.coordinator.spring.autoconfigure.CoordinatorIdentity;
import io.coordinator.spring.leader.Leadership;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
public class InventoryController {
    private final StockService stock;
    private final CoordinatorIdentity identity;
    private final Leadership leadership;
    private final RestockJob job;

    public InventoryController(
            StockService stock, CoordinatorIdentity identity, Leadership leadership, RestockJob job) {
        this.stock = stock;
        this.identity = identity;
        this.leadership = leadership;
        this.job = job;
    }

    @GetMapping("/whoami")
    public String whoami() {
        return identity.instanceId();
    }

    @GetMapping("/stock/{sku}")
    public Map<String, Object> stock(@PathVariable String sku) throws Exception {
        return Map.of("sku", sku, "quantity", stock.quantity(sku), "instance", identity.instanceId());
    }

    @PostMapping("/stock/{sku}/reserve")
    public StockService.Reservation reserve(@PathVariable String sku, @RequestParam int quantity) throws Exception {
        return stock.reserve(sku, quantity);
    }

    @GetMapping("/restock")
    public Map<String, Object> restock() {
        return Map.of(
                "instance",
                identity.instanceId(),
                "leader",
                leadership.isLeader(RestockJob.GROUP),
                "currentLeader",
                String.valueOf(leadership.leaderOf(RestockJob.GROUP)),
                "runs",
                job.runs());
    }
}
