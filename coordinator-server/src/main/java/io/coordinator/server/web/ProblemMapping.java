package io.coordinator.server.web;

import java.net.URI;
import java.util.Locale;
import org.apache.zookeeper.KeeperException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Every error of the REST API as an RFC 9457 problem ({@code application/problem+json}). ZooKeeper errors keep
 * their meaning: the body names the code ({@code zkError}) and the path, the status says what HTTP clients expect.
 */
@RestControllerAdvice(basePackageClasses = ProblemMapping.class)
public class ProblemMapping extends ResponseEntityExceptionHandler {
    static final String TYPE_BASE = "https://coordinator.io/problems/";

    @ExceptionHandler(KeeperException.class)
    ResponseEntity<ProblemDetail> keeper(KeeperException e) {
        HttpStatus status = statusOf(e.code());
        String detail = switch (e.code()) {
            case NONODE -> "No znode at " + e.getPath();
            case NODEEXISTS -> "A znode already exists at " + e.getPath();
            case BADVERSION -> "The version given does not match the znode's current version (" + e.getPath() + ")";
            case NOTEMPTY -> "The znode has children (" + e.getPath() + ")";
            case NOAUTH -> "The ACL of " + e.getPath() + " does not allow this to the REST identity";
            case CONNECTIONLOSS, SESSIONEXPIRED, OPERATIONTIMEOUT -> "The server is not serving clients right now";
            case NOTREADONLY -> "The server is read-only (out of quorum)";
            default -> e.getMessage();
        };
        return problem(status, e.code().name(), detail, e.getPath());
    }

    @ExceptionHandler(ApiException.class)
    ResponseEntity<ProblemDetail> api(ApiException e) {
        return problem(e.status(), null, e.getMessage(), null);
    }

    @ExceptionHandler(IllegalArgumentException.class)
    ResponseEntity<ProblemDetail> illegal(IllegalArgumentException e) {
        return problem(HttpStatus.BAD_REQUEST, null, e.getMessage(), null);
    }

    @ExceptionHandler(InterruptedException.class)
    ResponseEntity<ProblemDetail> interrupted(InterruptedException e) {
        Thread.currentThread().interrupt();
        return problem(HttpStatus.SERVICE_UNAVAILABLE, null, "Interrupted", null);
    }

    @Override
    protected ResponseEntity<Object> handleExceptionInternal(
            Exception ex, Object body, HttpHeaders headers, HttpStatusCode statusCode, WebRequest request) {
        ResponseEntity<Object> r = super.handleExceptionInternal(ex, body, headers, statusCode, request);
        if (r != null && r.getBody() instanceof ProblemDetail pd && pd.getType() == null) {
            pd.setType(URI.create("about:blank"));
        }
        return r;
    }

    static HttpStatus statusOf(KeeperException.Code code) {
        return switch (code) {
            case NONODE -> HttpStatus.NOT_FOUND;
            case NODEEXISTS, BADVERSION, NOTEMPTY -> HttpStatus.CONFLICT;
            case NOAUTH, AUTHFAILED -> HttpStatus.FORBIDDEN;
            case BADARGUMENTS, INVALIDACL, NOCHILDRENFOREPHEMERALS, UNIMPLEMENTED -> HttpStatus.BAD_REQUEST;
            case CONNECTIONLOSS, SESSIONEXPIRED, OPERATIONTIMEOUT, NOTREADONLY, SESSIONMOVED ->
                HttpStatus.SERVICE_UNAVAILABLE;
            case QUOTAEXCEEDED -> HttpStatus.INSUFFICIENT_STORAGE;
            default -> HttpStatus.INTERNAL_SERVER_ERROR;
        };
    }

    static ResponseEntity<ProblemDetail> problem(HttpStatus status, String zkError, String detail, String path) {
        ProblemDetail pd = ProblemDetail.forStatusAndDetail(status, detail);
        if (zkError != null) {
            pd.setType(URI.create(TYPE_BASE + zkError.toLowerCase(Locale.ROOT)));
            pd.setTitle(zkError);
            pd.setProperty("zkError", zkError);
        }
        if (path != null) {
            pd.setProperty("path", path);
        }
        return ResponseEntity.status(status)
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(pd);
    }
}
