package io.coordinator.server.web;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.apache.zookeeper.KeeperException;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/** {@code GET /api/events}: server-sent events of every znode change and member change (the console's live updates). */
@RestController
@Tag(name = "events", description = "Live znode changes (server-sent events)")
public class EventsController {
    private final ZnodeEvents events;
    private final Access access;

    public EventsController(ZnodeEvents events, Access access) {
        this.events = events;
        this.access = access;
    }

    @GetMapping(path = "/api/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    @Operation(
            summary = "A 'ready' event, then one 'znode' event {type, path} per created, deleted or changed znode"
                    + " the user may read, and in an ensemble one 'member' event {id, role, connection} per change"
                    + " of a member's role or connection as this member sees it")
    public SseEmitter events() throws KeeperException, InterruptedException {
        return events.subscribe(access.readablePaths());
    }
}
