package io.coordinator.server.web;

import org.springframework.http.HttpStatus;

/** An error the REST layer answers itself (not a ZooKeeper error): status, title and detail of the problem. */
public class ApiException extends RuntimeException {
    private final HttpStatus status;

    public ApiException(HttpStatus status, String detail) {
        super(detail);
        this.status = status;
    }

    public HttpStatus status() {
        return status;
    }

    static ApiException badRequest(String detail) {
        return new ApiException(HttpStatus.BAD_REQUEST, detail);
    }
}
