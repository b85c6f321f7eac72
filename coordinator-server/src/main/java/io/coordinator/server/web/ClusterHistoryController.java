package io.coordinator.server.web;

import io.coordinator.server.ops.ClusterStatus;
import io.coordinator.server.ops.ClusterStatusService;
import io.coordinator.server.ops.MetricsHistory;
import io.coordinator.server.ops.MetricsSample;
import io.coordinator.server.ops.ServerHandle;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.springframework.http.HttpHeaders;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;

/**
 * The metrics history of every member ({@code GET /api/cluster/history}), for the console's cluster view: this
 * member's from memory, the others' asked over their REST API ({@link MemberDirectory}) in parallel, each
 * within {@link #MEMBER_TIMEOUT}, so a dead or paused member is reported unreachable instead of stalling the
 * answer. The caller's credentials go along: every member checks them as it would the caller's own request.
 */
@RestController
@Tag(name = "cluster", description = "Cluster status")
public class ClusterHistoryController {
    /** How long one member may take to answer; the console asks every second. */
    static final Duration MEMBER_TIMEOUT = Duration.ofMillis(900);

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final ServerHandle server;
    private final ClusterStatusService status;
    private final MetricsHistory history;
    private final MemberDirectory directory;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(MEMBER_TIMEOUT).build();

    public ClusterHistoryController(
            ServerHandle server, ClusterStatusService status, MetricsHistory history, MemberDirectory directory) {
        this.server = server;
        this.status = status;
        this.history = history;
        this.directory = directory;
    }

    /**
     * One member's recent life.
     *
     * @param reachable false when the member did not answer in time (then {@code error} says why, and
     *                  {@code status} and {@code samples} are empty)
     */
    public record MemberHistory(
            int id, boolean self, boolean reachable, String error, ClusterStatus status, List<MetricsSample> samples) {}

    @GetMapping("/api/cluster/history/local")
    @Operation(summary = "This member's status and its newest samples (one a second, ten minutes kept)")
    public MemberHistory local(@RequestParam(defaultValue = "600") int last) {
        return new MemberHistory(server.serverId(), true, true, null, status.status(), history.last(last));
    }

    @GetMapping("/api/cluster/history")
    @Operation(
            summary = "Every member's status and newest samples: requests/s (read, write), p99 latency, fsync,"
                    + " outstanding requests, sessions, znodes, watches, zxid; members that do not answer in time"
                    + " are marked unreachable")
    public List<MemberHistory> all(
            @RequestParam(defaultValue = "600") int last,
            @RequestHeader(value = HttpHeaders.AUTHORIZATION, required = false) String authorization)
            throws InterruptedException {
        MemberHistory mine = local(last);
        if (server.standalone()) {
            return List.of(mine);
        }
        Map<Integer, String> urls = directory.urls();
        Map<Integer, CompletableFuture<MemberHistory>> asked = new LinkedHashMap<>();
        for (ServerHandle.Member m : server.members()) {
            if (m.id() == server.serverId()) {
                asked.put(m.id(), CompletableFuture.completedFuture(mine));
            } else if (urls.get(m.id()) == null) {
                asked.put(
                        m.id(),
                        CompletableFuture.completedFuture(unreachable(m.id(), "has not announced its REST address")));
            } else {
                asked.put(m.id(), ask(m.id(), urls.get(m.id()), last, authorization));
            }
        }
        List<MemberHistory> out = new ArrayList<>();
        for (CompletableFuture<MemberHistory> f : asked.values()) {
            out.add(f.join()); // each is bounded by MEMBER_TIMEOUT and never fails
        }
        return out;
    }

    private CompletableFuture<MemberHistory> ask(int id, String url, int last, String authorization) {
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        URI.create(url + "/api/cluster/history/local?last=" + last))
                .timeout(MEMBER_TIMEOUT)
                .header("Accept", "application/json");
        if (authorization != null) {
            request.header(HttpHeaders.AUTHORIZATION, authorization);
        }
        return http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofByteArray())
                .orTimeout(MEMBER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .handle((response, error) -> {
                    if (error != null) {
                        Throwable cause = error.getCause() == null ? error : error.getCause();
                        return unreachable(id, url + ": " + describe(cause));
                    }
                    if (response.statusCode() != 200) {
                        return unreachable(id, url + " answered HTTP " + response.statusCode());
                    }
                    try {
                        MemberHistory h = JSON.readValue(response.body(), MemberHistory.class);
                        return new MemberHistory(id, false, true, null, h.status(), h.samples());
                    } catch (RuntimeException e) {
                        return unreachable(id, url + " answered something else than a member's history");
                    }
                });
    }

    private static String describe(Throwable t) {
        String name = t.getClass().getSimpleName();
        return t.getMessage() == null ? name : name + " " + t.getMessage();
    }

    private static MemberHistory unreachable(int id, String why) {
        return new MemberHistory(id, false, false, why, null, List.of());
    }
}
