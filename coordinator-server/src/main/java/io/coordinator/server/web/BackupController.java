package io.coordinator.server.web;

import io.coordinator.server.ops.AuditLog;
import io.coordinator.server.ops.BackupFormat;
import io.coordinator.server.ops.ServerHandle;
import jakarta.servlet.http.HttpServletRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.security.Principal;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * ZooKeeper 3.9's AdminServer backup commands, an ADMIN only. {@code GET /commands/snapshot?streaming=true}: a
 * consistent backup of this member's state, with ZooKeeper's {@code last_zxid} and {@code snapshot_size} headers.
 * The body is Coordinator's {@link BackupFormat}, not a ZooKeeper snapshot; {@code POST /commands/restore} (a
 * running standalone server) and the offline {@code coordinator-server.jar restore} read it.
 */
@RestController
public class BackupController {
    private final ServerHandle server;
    private final AuditLog audit;

    public BackupController(ServerHandle server, AuditLog audit) {
        this.server = server;
        this.audit = audit;
    }

    /**
     * {@code POST /commands/restore} with a backup as the body: this standalone server's state becomes the backup's
     * ({@link ServerHandle#restore}). Answers ZooKeeper's {@code {"command": "restore", "error": null, "last_zxid":
     * ...}}: 200 restored; 400 a damaged backup (nothing changed); 409 a server that cannot be restored online (an
     * ensemble member, or one not serving), saying why; 500 the restore could not be written (the state before it is
     * served again). Each one that reaches this controller is an audit line.
     */
    @PostMapping("/commands/restore")
    public ResponseEntity<Map<String, Object>> restore(
            @RequestBody(required = false) byte[] backup, Principal principal, HttpServletRequest http) {
        String source = "POST /commands/restore by " + RestAudit.user(principal) + " from " + RestAudit.address(http);
        HttpStatus status;
        String error;
        Long zxid = null;
        try {
            zxid = server.restore(backup == null ? new byte[0] : backup, source);
            status = HttpStatus.OK;
            error = null;
        } catch (IllegalStateException e) {
            status = HttpStatus.CONFLICT;
            error = e.getMessage();
        } catch (BackupFormat.CorruptBackupException e) {
            status = HttpStatus.BAD_REQUEST;
            error = e.getMessage();
        } catch (IOException e) {
            status = HttpStatus.INTERNAL_SERVER_ERROR;
            error = e.getMessage();
        }
        audit.restChange(new AuditLog.RestChange(
                RestAudit.user(principal),
                0,
                RestAudit.address(http),
                "restore",
                null,
                null,
                null,
                zxid == null ? null : Znodes.hex(zxid),
                error == null ? null : "HTTP_" + status.value()));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("command", "restore");
        body.put("error", error);
        if (zxid != null) {
            body.put("last_zxid", zxid);
        }
        return ResponseEntity.status(status)
                .contentType(MediaType.APPLICATION_JSON)
                .body(body);
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
