package io.coordinator.server.app;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;

/**
 * {@code coordinator-server.jar hash-password [<user>]}: reads a password (from the terminal without echo, or one
 * line of standard input) and prints the value for {@code coordinator.web.users.<name>.password}; given the user's
 * name, both property lines, the second the user's wire-protocol digest ({@code wire-digest}). Never takes the
 * password as an argument, where the shell's history and the process list would keep it.
 */
final class HashPassword {
    static final String COMMAND = "hash-password";

    private HashPassword() {}

    static boolean isCommand(String[] args) {
        return args.length > 0 && COMMAND.equals(args[0]);
    }

    /** Exit status: 0 with the hash printed, 2 on a bad user name or a missing or too short password. */
    static int run(String[] args, Console console, InputStream stdin, PrintStream out, PrintStream err)
            throws IOException {
        String user = args.length > 1 ? args[1] : null;
        if (args.length > 2 || (user != null && (user.isEmpty() || user.contains(":") || user.contains(".")))) {
            err.println("Usage: hash-password [<user name>] (a name without ':' and '.'); the password is read from"
                    + " the terminal or standard input");
            return 2;
        }
        String password;
        if (console != null) {
            char[] typed = console.readPassword("Password: ");
            char[] again = typed == null ? null : console.readPassword("Again: ");
            if (typed == null || again == null || !String.valueOf(typed).equals(String.valueOf(again))) {
                err.println("The two passwords differ; nothing printed");
                return 2;
            }
            password = String.valueOf(typed);
        } else {
            password = new BufferedReader(new InputStreamReader(stdin, StandardCharsets.UTF_8)).readLine();
        }
        if (password == null || password.length() < 8) {
            err.println("A password needs at least 8 characters; nothing printed");
            return 2;
        }
        String bcrypt = "{bcrypt}" + new BCryptPasswordEncoder().encode(password);
        if (user == null) {
            out.println(bcrypt);
        } else {
            out.println("coordinator.web.users." + user + ".password=" + bcrypt);
            out.println("coordinator.web.users." + user + ".wire-digest=" + wireDigest(user, password));
        }
        return 0;
    }

    /** ZooKeeper's digest identity: {@code <user>:base64(SHA-1(<user>:<password>))}. */
    static String wireDigest(String user, String password) {
        try {
            byte[] sha1 =
                    MessageDigest.getInstance("SHA-1").digest((user + ":" + password).getBytes(StandardCharsets.UTF_8));
            return user + ":" + Base64.getEncoder().encodeToString(sha1);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
