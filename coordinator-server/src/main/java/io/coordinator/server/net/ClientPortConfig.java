package io.coordinator.server.net;

import java.util.Objects;
import java.util.Set;

/**
 * Settings of the client port.
 *
 * @param host                      address to bind (e.g. 0.0.0.0, or 127.0.0.1 in tests)
 * @param port                      port to bind; 0 picks an ephemeral port ({@link ClientPortServer#port()}); -1
 *                                  binds no plain port (only the secure one, {@link ClientPortServer#withSecurePort})
 * @param maxPacketSize             largest accepted frame length (ZooKeeper's jute.maxbuffer, 0xfffff); longer
 *                                  or negative lengths close the connection
 * @param maxClientConnectionsPerIp connections one IP may hold at once; 0 = unlimited (ZooKeeper default 60)
 * @param fourLetterWords           whitelist of four-letter words ({@code srvr} is always enabled, as in
 *                                  ZooKeeper, because zkServer.sh status depends on it)
 * @param serverVersion             the full version text shown by srvr/stat/mntr/envi
 */
public record ClientPortConfig(
        String host,
        int port,
        int maxPacketSize,
        int maxClientConnectionsPerIp,
        Set<String> fourLetterWords,
        String serverVersion) {

    /** ZooKeeper's jute.maxbuffer default: frames longer than this are refused. */
    public static final int DEFAULT_MAX_PACKET_SIZE = 0xfffff;

    /** ZooKeeper's maxClientCnxns default. */
    public static final int DEFAULT_MAX_CONNECTIONS_PER_IP = 60;

    /** Every four-letter word we implement. */
    public static final Set<String> DEFAULT_FOUR_LETTER_WORDS =
            Set.of("ruok", "isro", "srvr", "stat", "mntr", "conf", "cons", "envi", "wchs", "wchc", "wchp", "dump");

    public ClientPortConfig {
        Objects.requireNonNull(host, "host");
        if (port < -1 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        if (maxPacketSize <= 0) {
            throw new IllegalArgumentException("maxPacketSize must be positive: " + maxPacketSize);
        }
        if (maxClientConnectionsPerIp < 0) {
            throw new IllegalArgumentException("maxClientConnectionsPerIp must be >= 0: " + maxClientConnectionsPerIp);
        }
        fourLetterWords = fourLetterWords == null ? DEFAULT_FOUR_LETTER_WORDS : Set.copyOf(fourLetterWords);
        serverVersion = serverVersion == null ? ServerVersion.FULL : serverVersion;
    }

    /** Defaults for everything but the address. */
    public static ClientPortConfig of(String host, int port) {
        return new ClientPortConfig(
                host,
                port,
                DEFAULT_MAX_PACKET_SIZE,
                DEFAULT_MAX_CONNECTIONS_PER_IP,
                DEFAULT_FOUR_LETTER_WORDS,
                ServerVersion.FULL);
    }

    public ClientPortConfig withMaxPacketSize(int size) {
        return new ClientPortConfig(host, port, size, maxClientConnectionsPerIp, fourLetterWords, serverVersion);
    }

    public ClientPortConfig withMaxClientConnectionsPerIp(int max) {
        return new ClientPortConfig(host, port, maxPacketSize, max, fourLetterWords, serverVersion);
    }

    public ClientPortConfig withFourLetterWords(Set<String> words) {
        return new ClientPortConfig(host, port, maxPacketSize, maxClientConnectionsPerIp, words, serverVersion);
    }

    /** Whether a known word may run; srvr always may (ZooKeeper adds it to every whitelist). */
    public boolean isFourLetterWordEnabled(String word) {
        return "srvr".equals(word) || fourLetterWords.contains(word) || fourLetterWords.contains("*");
    }
}
