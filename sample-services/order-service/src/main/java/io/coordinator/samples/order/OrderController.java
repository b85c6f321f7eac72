package io.coordinator.samples.order;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.RestClient;

@RestController
public class OrderController {
    private final RestClient inventory;
    private final Pricing pricing;
    private final OrderProperties properties;

    public OrderController(RestClient inventoryClient, Pricing pricing, OrderProperties properties) {
        this.inventory = inventoryClient;
        this.pricing = pricing;
        this.properties = properties;
    }

    /** Which inventory instance answers (the load balancer picks one by service name). */
    @GetMapping("/orders/route")
    public String route() {
        return inventory.get().uri("/whoami").retrieve().body(String.class);
    }

    @PostMapping("/orders")
    public Map<String, Object> order(@RequestParam String sku, @RequestParam int quantity) {
        Map<String, Object> reservation = inventory
                .post()
                .uri(u -> u.path("/stock/{sku}/reserve")
                        .queryParam("quantity", quantity)
                        .build(sku))
                .retrieve()
                .body(new ParameterizedTypeReference<Map<String, Object>>() {});
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("reservation", reservation);
        out.put("price", pricing.price(quantity, properties.getUnitPrice()));
        out.put("express", pricing.expressEnabled());
        return out;
    }

    @GetMapping("/orders/settings")
    public Map<String, Object> settings() {
        return Map.of(
                "discountRate",
                pricing.discountRate(),
                "expressEnabled",
                pricing.expressEnabled(),
                "properties.discountRate",
                properties.getDiscountRate(),
                "properties.expressEnabled",
                properties.isExpressEnabled());
    }
}
