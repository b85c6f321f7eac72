package io.coordinator.server.request;

/**
 * The settings the request pipeline needs.
 *
 * @param superDigest "super:<base64 sha1>" as ZooKeeper's zookeeper.DigestAuthenticationProvider.superDigest, or null
 * @param containerCheckIntervalMs how often empty containers and expired TTL nodes are looked for
 * @param snapshotEveryTxns a snapshot is taken after about this many txns
 */
public record PipelineConfig(int tickTimeMs, int minSessionTimeoutMs, int maxSessionTimeoutMs, boolean ttlNodesEnabled,
                             boolean enforceQuota, String superDigest, long containerCheckIntervalMs,
                             int maxContainerDeletesPerMinute, long snapshotEveryTxns) {
}
