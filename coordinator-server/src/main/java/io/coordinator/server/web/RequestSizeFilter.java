package io.coordinator.server.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses API request bodies too large to hold any acceptable znode data (413, problem JSON) before they are
 * read: base64 of the data limit plus room for the JSON around it. A configuration archive holds many contexts
 * (each within the limit, which publishing checks): {@value #ARCHIVE_CONTEXTS} times as much.
 */
final class RequestSizeFilter extends OncePerRequestFilter {
    static final int ARCHIVE_CONTEXTS = 64;
    private static final String IMPORT = "/api/config/import";

    private final long maxBodyBytes;

    RequestSizeFilter(int maxDataBytes) {
        this.maxBodyBytes = (long) maxDataBytes * 4 / 3 + 64 * 1024;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !request.getRequestURI().startsWith("/api/");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        long limit = IMPORT.equals(request.getRequestURI()) ? maxBodyBytes * ARCHIVE_CONTEXTS : maxBodyBytes;
        if (request.getContentLengthLong() > limit) {
            response.setStatus(413);
            response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
            response.getWriter()
                    .write("{\"type\":\"about:blank\",\"title\":\"Content Too Large\",\"status\":413,"
                            + "\"detail\":\"request body of " + request.getContentLengthLong() + " bytes exceeds "
                            + limit + " bytes\"}");
            return;
        }
        chain.doFilter(request, response);
    }
}
