package io.coordinator.server.app;

import io.coordinator.config.format.crypto.ConfigKeys;
import io.coordinator.config.format.crypto.KeyId;
import java.io.PrintStream;
import java.security.KeyPair;

/**
 * {@code coordinator-server.jar generate-key <keyId>}: prints a fresh X25519 key pair for encrypted configuration
 * values, the private key text for the application and the public key text for the server.
 */
final class GenerateKey {
    static final String COMMAND = "generate-key";

    private GenerateKey() {}

    static boolean isCommand(String[] args) {
        return args.length > 0 && COMMAND.equals(args[0]);
    }

    /** Exit status: 0 with both keys printed, 2 on a missing or invalid key id. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length != 2 || !KeyId.isValid(args[1])) {
            err.println("Usage: " + COMMAND + " <keyId>  (1 to 64 characters of A-Z a-z 0-9 . _ -, e.g. shop-2026)");
            return 2;
        }
        KeyPair pair = ConfigKeys.generate();
        out.println(
                "# Application (secret): coordinator.client.encryption.keys.<name>=, or a file named by file:<path>");
        out.println(ConfigKeys.privateKey(args[1], pair).text());
        out.println("# Server (public): coordinator.web.encryption.public-keys.<name>=");
        out.println(ConfigKeys.publicKey(args[1], pair).text());
        return 0;
    }
}
