package io.coordinator.server.app;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.NoSuchAlgorithmException;
import java.security.URIParameter;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.security.auth.login.AppConfigurationEntry;
import javax.security.auth.login.Configuration;

/**
 * The DIGEST-MD5 users of a JAAS {@code Server} section, as ZooKeeper configures them:
 *
 * <pre>
 * Server {
 *     org.apache.zookeeper.server.auth.DigestLoginModule required
 *     user_bob="bob-password";
 * };
 * </pre>
 *
 * Read with the JDK's JAAS file parser; the login module is never loaded (ZooKeeper's class is not ours), only
 * its {@code user_<name>} options are used, as ZooKeeper's ServerCnxnFactory collects them from every entry.
 */
final class JaasServerSection {
    static final String JAAS_FILE_PROPERTY = "java.security.auth.login.config";
    static final String SECTION_PROPERTY = "zookeeper.sasl.serverconfig";
    static final String DEFAULT_SECTION = "Server";
    private static final String USER_PREFIX = "user_";

    private JaasServerSection() {}

    /**
     * User name to password from {@code section} of {@code jaasFile}; null arguments fall back to the system
     * properties ZooKeeper reads. Throws IllegalStateException naming the file and section when there is none.
     */
    static Map<String, String> users(String jaasFile, String section) {
        String file = blank(jaasFile) ? System.getProperty(JAAS_FILE_PROPERTY) : jaasFile;
        String name = blank(section) ? System.getProperty(SECTION_PROPERTY, DEFAULT_SECTION) : section;
        if (blank(file)) {
            throw new IllegalStateException("coordinator.sasl.enabled=true needs a JAAS file with a '" + name
                    + "' section: set coordinator.sasl.jaas-config or -D" + JAAS_FILE_PROPERTY);
        }
        Path path;
        try {
            path = file.startsWith("file:") ? Path.of(new java.net.URI(file)) : Path.of(file);
        } catch (URISyntaxException | IllegalArgumentException e) { // InvalidPathException is one
            throw new IllegalStateException("JAAS file '" + file + "' is not a valid path: " + e.getMessage(), e);
        }
        if (!Files.isReadable(path)) {
            throw new IllegalStateException("cannot read the JAAS file " + path.toAbsolutePath());
        }
        AppConfigurationEntry[] entries;
        try {
            // A parser of its own for this file: the JVM-wide Configuration is cached and shared with clients.
            entries = Configuration.getInstance("JavaLoginConfig", new URIParameter(path.toUri()))
                    .getAppConfigurationEntry(name);
        } catch (NoSuchAlgorithmException | SecurityException | IllegalArgumentException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new IllegalStateException(
                    "cannot parse the JAAS file " + path.toAbsolutePath() + ": " + cause.getMessage(), e);
        }
        if (entries == null) {
            throw new IllegalStateException("the JAAS file " + path.toAbsolutePath() + " has no section '" + name
                    + "' (the section is named by coordinator.sasl.server-section or -D" + SECTION_PROPERTY + ")");
        }
        Map<String, String> users = new LinkedHashMap<>();
        for (AppConfigurationEntry entry : entries) {
            for (Map.Entry<String, ?> option : entry.getOptions().entrySet()) {
                if (option.getKey().startsWith(USER_PREFIX) && option.getValue() instanceof String password) {
                    users.put(option.getKey().substring(USER_PREFIX.length()), password);
                }
            }
        }
        if (users.isEmpty()) {
            throw new IllegalStateException("section '" + name + "' of the JAAS file " + path.toAbsolutePath()
                    + " lists no user: add user_<name>=\"<password>\" options (DIGEST-MD5)");
        }
        return users;
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
