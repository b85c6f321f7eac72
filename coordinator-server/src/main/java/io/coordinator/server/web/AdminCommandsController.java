package io.coordinator.server.web;

import io.coordinator.server.ops.AdminCommands;
import io.coordinator.server.ops.ServerHandle;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * ZooKeeper's AdminServer URLs, {@code /commands/<name>}, on this server's HTTP port: the monitoring commands
 * ({@link AdminCommands}) answer anyone, as the four-letter words do; the security configuration lets only an
 * ADMIN reach any other name.
 */
@RestController
public class AdminCommandsController {
    private final AdminCommands commands;

    public AdminCommandsController(ServerHandle server) {
        this.commands = new AdminCommands(server);
    }

    @GetMapping(value = "/commands/{name}", produces = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<Map<String, Object>> run(@PathVariable String name) {
        AdminCommands.Response r = commands.run(name);
        return ResponseEntity.status(r.status()).body(r.body());
    }
}
