package io.coordinator.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** Asks a server on 127.0.0.1 a four-letter word, the way operators and health checks do. */
public final class FourLetterWord {
    private FourLetterWord() {}

    /** The whole answer, or null when nothing answers (not listening, paused, closed at once). */
    public static String ask(int port, String word) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            s.setSoTimeout(3000);
            OutputStream out = s.getOutputStream();
            out.write(word.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        }
    }

    /** The {@code Mode:} line of {@code srvr} (standalone, leader, follower, observer, read-only), or null. */
    public static String mode(int port) {
        String out = ask(port, "srvr");
        if (out == null) {
            return null;
        }
        for (String line : out.split("\n")) {
            if (line.startsWith("Mode: ")) {
                return line.substring(6).trim();
            }
        }
        return null;
    }
}
