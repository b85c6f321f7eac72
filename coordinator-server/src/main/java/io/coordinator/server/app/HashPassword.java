package io.coordinator.server.app;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;

/**
 * {@code coordinator-server.jar hash-password}: reads a password (from the terminal without echo, or one line of
 * standard input) and prints the value for {@code coordinator.web.users.<name>.password}. Never takes the password
 * as an argument, where the shell's history and the process list would keep it.
 */
final class HashPassword {
    static final String COMMAND = "hash-password";

    private HashPassword() {}

    static boolean isCommand(String[] args) {
        return args.length > 0 && COMMAND.equals(args[0]);
    }

    /** Exit status: 0 with the hash printed, 2 on a missing or too short password. */
    static int run(Console console, InputStream stdin, PrintStream out, PrintStream err) throws IOException {
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
        out.println("{bcrypt}" + new BCryptPasswordEncoder().encode(password));
        return 0;
    }
}
