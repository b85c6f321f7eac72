package io.coordinator.server.web;

import java.security.NoSuchAlgorithmException;
import org.apache.zookeeper.server.auth.DigestAuthenticationProvider;

/** ZooKeeper's digest of {@code user:password}, as the {@code wire-digest} property of a test user takes it. */
public final class WireDigest {
    private WireDigest() {}

    public static String of(String userPassword) {
        try {
            return DigestAuthenticationProvider.generateDigest(userPassword);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
