package io.coordinator.server.request;

import java.util.Set;

/**
 * The settings the request pipeline needs.
 *
 * @param superDigest "super:<base64 sha1>" as ZooKeeper's zookeeper.DigestAuthenticationProvider.superDigest, or null
 * @param containerCheckIntervalMs how often empty containers and expired TTL nodes are looked for
 * @param snapshotEveryTxns a snapshot is taken after about this many txns
 * @param extraAuthSchemes ACL schemes beyond ip and digest that are enabled ("x509" with a secure client port,
 *                         as ZooKeeper registers its X509AuthenticationProvider there)
 * @param x509SuperUser the client-certificate subject (RFC 2253) that bypasses every ACL, as ZooKeeper's
 *                      zookeeper.X509AuthenticationProvider.superUser; null for none
 */
public record PipelineConfig(
        int tickTimeMs,
        int minSessionTimeoutMs,
        int maxSessionTimeoutMs,
        boolean ttlNodesEnabled,
        boolean enforceQuota,
        String superDigest,
        long containerCheckIntervalMs,
        int maxContainerDeletesPerMinute,
        long snapshotEveryTxns,
        Set<String> extraAuthSchemes,
        String x509SuperUser) {

    public PipelineConfig {
        extraAuthSchemes = extraAuthSchemes == null ? Set.of() : Set.copyOf(extraAuthSchemes);
    }
}
