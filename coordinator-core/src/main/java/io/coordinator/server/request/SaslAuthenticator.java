package io.coordinator.server.request;

import java.security.PrivilegedActionException;
import java.security.PrivilegedExceptionAction;
import java.util.Map;
import java.util.Objects;
import javax.security.auth.Subject;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.sasl.AuthorizeCallback;
import javax.security.sasl.RealmCallback;
import javax.security.sasl.Sasl;
import javax.security.sasl.SaslException;
import javax.security.sasl.SaslServer;

/**
 * SASL login as ZooKeeper 3.5-3.9 offers it (opcode 102), with one mechanism per server, as ZooKeeper chooses it
 * from its JAAS {@code Server} section: DIGEST-MD5 with the section's users and passwords
 * ({@code user_<name>="<password>"}), the JDK's server with ZooKeeper's protocol {@code zookeeper} and server
 * name {@code zk-sasl-md5}; or Kerberos (GSSAPI) as the section's service principal
 * ({@code <service>/<host>@<REALM>}, logged in from its keytab), the JDK's server with that service and host. One
 * {@link Exchange} per connection.
 */
public final class SaslAuthenticator {
    static final String MECHANISM = "DIGEST-MD5";
    static final String KERBEROS_MECHANISM = "GSSAPI";
    static final String PROTOCOL = "zookeeper";
    static final String SERVER_NAME = "zk-sasl-md5";

    private final Map<String, String> passwords;
    /** Kerberos: the logged-in service principal's credentials; null for DIGEST-MD5. */
    private final Subject service;

    private final String mechanism;
    private final String protocol;
    private final String serverName;
    private final boolean removeHost;
    private final boolean removeRealm;

    /** @param passwords user name to password, as the {@code user_<name>} options of the JAAS section list them */
    public SaslAuthenticator(Map<String, String> passwords) {
        this(
                Map.copyOf(Objects.requireNonNull(passwords, "passwords")),
                null,
                MECHANISM,
                PROTOCOL,
                SERVER_NAME,
                false,
                false);
    }

    private SaslAuthenticator(
            Map<String, String> passwords,
            Subject service,
            String mechanism,
            String protocol,
            String serverName,
            boolean removeHost,
            boolean removeRealm) {
        this.passwords = passwords;
        this.service = service;
        this.mechanism = mechanism;
        this.protocol = protocol;
        this.serverName = serverName;
        this.removeHost = removeHost;
        this.removeRealm = removeRealm;
    }

    /**
     * Kerberos logins to the service principal {@code principal} ({@code <service>/<host>@<REALM>}) whose
     * credentials {@code service} holds (a JAAS login from its keytab). A client logs in as its principal; its
     * session gets {@code sasl:<id>}, the id being the principal as ZooKeeper names it by default (its first
     * component, then {@code /host} and {@code @REALM}), without the host or the realm if asked (ZooKeeper's
     * {@code kerberos.removeHostFromPrincipal} and {@code kerberos.removeRealmFromPrincipal}).
     */
    public static SaslAuthenticator kerberos(
            Subject service, String principal, boolean removeHost, boolean removeRealm) {
        Objects.requireNonNull(service, "service");
        int slash = principal.indexOf('/');
        int at = principal.indexOf('@');
        if (slash <= 0 || at < slash + 2) {
            throw new IllegalArgumentException(
                    "a Kerberos service principal is <service>/<host>@<REALM>, not '" + principal + "'");
        }
        return new SaslAuthenticator(
                Map.of(),
                service,
                KERBEROS_MECHANISM,
                principal.substring(0, slash),
                principal.substring(slash + 1, at),
                removeHost,
                removeRealm);
    }

    /** The mechanism this server offers: DIGEST-MD5 or GSSAPI. */
    public String mechanism() {
        return mechanism;
    }

    /** A new exchange for one connection. Throws SaslException if this JVM lacks the mechanism (FIPS mode). */
    Exchange newExchange() throws SaslException {
        SaslServer server;
        if (service == null) {
            server = Sasl.createSaslServer(mechanism, protocol, serverName, null, this::handle);
        } else {
            try {
                // the JDK's GSSAPI server takes the acceptor's credentials from the Subject it is created under
                server = Subject.doAs(service, (PrivilegedExceptionAction<SaslServer>)
                        () -> Sasl.createSaslServer(mechanism, protocol, serverName, null, this::handle));
            } catch (PrivilegedActionException e) {
                throw e.getCause() instanceof SaslException se
                        ? se
                        : new SaslException("cannot start a " + mechanism + " exchange: " + e.getCause(), e);
            }
        }
        if (server == null) {
            throw new SaslException("this JVM offers no " + mechanism + " SASL server");
        }
        return new Exchange(server);
    }

    /** The session's id for a Kerberos client principal {@code primary[/host][@REALM]}, by ZooKeeper's rules. */
    String kerberosId(String principal) {
        int at = principal.indexOf('@');
        String realm = at < 0 ? null : principal.substring(at + 1);
        String name = at < 0 ? principal : principal.substring(0, at);
        int slash = name.indexOf('/');
        String host = slash < 0 ? null : name.substring(slash + 1);
        StringBuilder id = new StringBuilder(slash < 0 ? name : name.substring(0, slash));
        if (host != null && !removeHost) {
            id.append('/').append(host);
        }
        if (realm != null && !removeRealm) {
            id.append('@').append(realm);
        }
        return id.toString();
    }

    /**
     * ZooKeeper's SaslServerCallbackHandler: for DIGEST-MD5 known users get their password, any realm goes; both
     * mechanisms end with the authorization.
     */
    private void handle(Callback[] callbacks) {
        String user = null;
        for (Callback callback : callbacks) {
            if (callback instanceof NameCallback nc) {
                if (passwords.containsKey(nc.getDefaultName())) {
                    user = nc.getDefaultName();
                    nc.setName(user);
                }
            } else if (callback instanceof PasswordCallback pc) {
                String password = user == null ? null : passwords.get(user);
                if (password != null) {
                    pc.setPassword(password.toCharArray());
                } // no password: the JDK's server fails the exchange
            } else if (callback instanceof RealmCallback rc) {
                rc.setText(rc.getDefaultText());
            } else if (callback instanceof AuthorizeCallback ac) {
                // As ZooKeeper: a client that proved its password (or its Kerberos ticket) is authorized, under its
                // authentication id passed through the Kerberos-name rules (which leave a plain user name as it is)
                ac.setAuthorized(true);
                ac.setAuthorizedID(service == null ? ac.getAuthenticationID() : kerberosId(ac.getAuthenticationID()));
            }
        }
    }

    /** The server side of one connection's login: feed it the client's tokens until {@link #authorizedId()}. */
    static final class Exchange {
        private final SaslServer server;

        private Exchange(SaslServer server) {
            this.server = server;
        }

        /** The token to answer {@code clientToken} with (may be null); throws when the login fails. */
        byte[] respond(byte[] clientToken) throws SaslException {
            try {
                return server.evaluateResponse(clientToken == null ? new byte[0] : clientToken);
            } catch (SaslException e) {
                dispose();
                throw e;
            } catch (RuntimeException e) {
                // a token the JDK's parser chokes on is a failed login, never a crashed pipeline
                dispose();
                throw new SaslException("malformed SASL token: " + e, e);
            }
        }

        /** The id the session gets ({@code sasl:<id>}) once the exchange is complete, else null. */
        String authorizedId() {
            return server.isComplete() ? server.getAuthorizationID() : null;
        }

        void dispose() {
            try {
                server.dispose();
            } catch (SaslException ignored) {
                // nothing held that matters
            }
        }
    }
}
