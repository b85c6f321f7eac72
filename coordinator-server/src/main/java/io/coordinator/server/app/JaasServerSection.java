package io.coordinator.server.app;

import io.coordinator.server.request.SaslAuthenticator;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.NoSuchAlgorithmException;
import java.security.URIParameter;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.security.auth.Subject;
import javax.security.auth.kerberos.KerberosPrincipal;
import javax.security.auth.login.AppConfigurationEntry;
import javax.security.auth.login.Configuration;
import javax.security.auth.login.LoginContext;
import javax.security.auth.login.LoginException;

/**
 * The login a JAAS {@code Server} section describes, as ZooKeeper configures it. DIGEST-MD5 users:
 *
 * <pre>
 * Server {
 *     org.apache.zookeeper.server.auth.DigestLoginModule required
 *     user_bob="bob-password";
 * };
 * </pre>
 *
 * read with the JDK's JAAS file parser; that login module is never loaded (ZooKeeper's class is not ours), only
 * its {@code user_<name>} options are used, as ZooKeeper's ServerCnxnFactory collects them from every entry. Or a
 * Kerberos service principal, logged in with the JDK's own module as ZooKeeper logs in:
 *
 * <pre>
 * Server {
 *     com.sun.security.auth.module.Krb5LoginModule required
 *     useKeyTab=true keyTab="/etc/zookeeper/zk.keytab" storeKey=true useTicketCache=false
 *     principal="zookeeper/zk1.example.com@EXAMPLE.COM";
 * };
 * </pre>
 */
final class JaasServerSection {
    static final String JAAS_FILE_PROPERTY = "java.security.auth.login.config";
    static final String SECTION_PROPERTY = "zookeeper.sasl.serverconfig";
    static final String DEFAULT_SECTION = "Server";
    private static final String USER_PREFIX = "user_";

    private JaasServerSection() {}

    /** The Kerberos login module: a section that names it logs the server in as a service principal. */
    static final String KERBEROS_MODULE = "com.sun.security.auth.module.Krb5LoginModule";

    /**
     * The login that {@code section} of {@code jaasFile} describes, as ZooKeeper's server reads it: a section with
     * {@value #KERBEROS_MODULE} logs in (from its keytab) as its {@code principal} and offers Kerberos (GSSAPI);
     * any other offers DIGEST-MD5 to its {@code user_<name>} users. Null arguments fall back to the system
     * properties ZooKeeper reads. Throws IllegalStateException naming the file and section when they cannot serve.
     */
    static SaslAuthenticator authenticator(
            String jaasFile, String section, boolean removeHostFromPrincipal, boolean removeRealmFromPrincipal) {
        Section s = read(jaasFile, section);
        if (Arrays.stream(s.entries()).anyMatch(e -> KERBEROS_MODULE.equals(e.getLoginModuleName()))) {
            return kerberos(s, removeHostFromPrincipal, removeRealmFromPrincipal);
        }
        return new SaslAuthenticator(users(s));
    }

    /** A parsed section: the file it came from, its name, the configuration, its entries. */
    private record Section(Path file, String name, Configuration config, AppConfigurationEntry[] entries) {}

    private static Section read(String jaasFile, String section) {
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
        Configuration config;
        AppConfigurationEntry[] entries;
        try {
            // A parser of its own for this file: the JVM-wide Configuration is cached and shared with clients.
            config = Configuration.getInstance("JavaLoginConfig", new URIParameter(path.toUri()));
            entries = config.getAppConfigurationEntry(name);
        } catch (NoSuchAlgorithmException | SecurityException | IllegalArgumentException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new IllegalStateException(
                    "cannot parse the JAAS file " + path.toAbsolutePath() + ": " + cause.getMessage(), e);
        }
        if (entries == null) {
            throw new IllegalStateException("the JAAS file " + path.toAbsolutePath() + " has no section '" + name
                    + "' (the section is named by coordinator.sasl.server-section or -D" + SECTION_PROPERTY + ")");
        }
        return new Section(path.toAbsolutePath(), name, config, entries);
    }

    private static Map<String, String> users(Section s) {
        Map<String, String> users = new LinkedHashMap<>();
        for (AppConfigurationEntry entry : s.entries()) {
            for (Map.Entry<String, ?> option : entry.getOptions().entrySet()) {
                if (option.getKey().startsWith(USER_PREFIX) && option.getValue() instanceof String password) {
                    users.put(option.getKey().substring(USER_PREFIX.length()), password);
                }
            }
        }
        if (users.isEmpty()) {
            throw new IllegalStateException("section '" + s.name() + "' of the JAAS file " + s.file()
                    + " lists no user: add user_<name>=\"<password>\" options (DIGEST-MD5)");
        }
        return users;
    }

    /** Logs in with the section (its Krb5LoginModule reads the keytab) and serves as its service principal. */
    private static SaslAuthenticator kerberos(Section s, boolean removeHost, boolean removeRealm) {
        Subject subject = new Subject();
        try {
            new LoginContext(s.name(), subject, callbacks -> {}, s.config()).login();
        } catch (LoginException e) {
            throw new IllegalStateException(
                    "the Kerberos login of section '" + s.name() + "' of the JAAS file " + s.file() + " failed: "
                            + e.getMessage(),
                    e);
        }
        KerberosPrincipal principal = subject.getPrincipals(KerberosPrincipal.class).stream()
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("the Kerberos login of section '" + s.name()
                        + "' of the JAAS file " + s.file() + " gave no principal"));
        try {
            return SaslAuthenticator.kerberos(subject, principal.getName(), removeHost, removeRealm);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(
                    "section '" + s.name() + "' of the JAAS file " + s.file() + " logs in as " + principal.getName()
                            + ": " + e.getMessage(),
                    e);
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
