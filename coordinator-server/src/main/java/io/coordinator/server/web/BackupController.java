package io.coordinator.server.web;

import io.coordinator.server.ops.BackupFormat;
import io.coordinator.server.ops.ServerHandle;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /commands/snapshot?streaming=true} (ZooKeeper 3.9's AdminServer shape, an ADMIN only): a consistent
 * backup of this member's state, with ZooKeeper's {@code last_zxid} and {@code snapshot_size} headers. The body is
 * Coordinator's {@link BackupFormat}, not a ZooKeeper snapshot; {@code coordinator-server.jar restore} reads it.
 */
@RestController
public class BackupController {
    private final ServerHandle server;

    public BackupController(ServerHandle server) {
        this.server = server;
    }

    @GetMapping("/commands/snapshot")
    public ResponseEntity<?> snapshot(@RequestParam(defaultValue = "true") boolean streaming)
            throws IOException, InterruptedException {
        if (!streaming) {
            return ResponseEntity.badRequest()
                    .contentType(MediaType.APPLICATION_JSON)
                    .body(Map.of(
                            "command", "snapshot",
                            "error", "only streaming=true is supported: the backup is the response body"));
        }
        ServerHandle.StateCopy copy;
        try {
            copy = server.copyState().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                    .contentType(MediaType.APPLICATION_JSON)
                    .body(Map.of(
                            "command",
                            "snapshot",
                            "error",
                            "no snapshot: "
                                    + (e.getCause() != null ? e.getCause().getMessage() : e)));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) BackupFormat.size(copy.state().length));
        BackupFormat.write(out, copy.zxid(), copy.state());
        return ResponseEntity.ok()
                .contentType(MediaType.APPLICATION_OCTET_STREAM)
                .header("last_zxid", "0x" + Long.toHexString(copy.zxid()))
                .header("snapshot_size", String.valueOf(out.size()))
                .header(
                        "Content-Disposition",
                        "attachment; filename=\"coordinator-backup." + Long.toHexString(copy.zxid()) + "\"")
                .body(out.toByteArray());
    }
}
