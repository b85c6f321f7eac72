package io.coordinator.server.request;

import java.util.Map;
import java.util.Objects;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.sasl.AuthorizeCallback;
import javax.security.sasl.RealmCallback;
import javax.security.sasl.Sasl;
import javax.security.sasl.SaslException;
import javax.security.sasl.SaslServer;

/**
 * SASL DIGEST-MD5 login as ZooKeeper 3.5-3.9 offers it (opcode 102): the users and passwords of a JAAS
 * {@code Server} section ({@code user_<name>="<password>"}), the JDK's DIGEST-MD5 server with ZooKeeper's
 * protocol {@code zookeeper} and server name {@code zk-sasl-md5}. One {@link Exchange} per connection.
 */
public final class SaslAuthenticator {
    static final String MECHANISM = "DIGEST-MD5";
    static final String PROTOCOL = "zookeeper";
    static final String SERVER_NAME = "zk-sasl-md5";

    private final Map<String, String> passwords;

    /** @param passwords user name to password, as the {@code user_<name>} options of the JAAS section list them */
    public SaslAuthenticator(Map<String, String> passwords) {
        this.passwords = Map.copyOf(Objects.requireNonNull(passwords, "passwords"));
    }

    /** A new exchange for one connection. Throws SaslException if this JVM has no DIGEST-MD5 (FIPS mode). */
    Exchange newExchange() throws SaslException {
        SaslServer server = Sasl.createSaslServer(MECHANISM, PROTOCOL, SERVER_NAME, null, this::handle);
        if (server == null) {
            throw new SaslException("this JVM offers no " + MECHANISM + " SASL server");
        }
        return new Exchange(server);
    }

    /** ZooKeeper's SaslServerCallbackHandler, for DIGEST-MD5: known users get their password, any realm goes. */
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
                // As ZooKeeper: a client that proved its password is authorized, under its authentication id
                // (ZooKeeper passes it through its Kerberos-name rules, which leave a plain user name as it is).
                ac.setAuthorized(true);
                ac.setAuthorizedID(ac.getAuthenticationID());
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
