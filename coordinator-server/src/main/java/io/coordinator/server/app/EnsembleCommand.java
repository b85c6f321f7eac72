package io.coordinator.server.app;

import io.coordinator.server.protocol.Code;
import io.coordinator.server.protocol.ConnectRequest;
import io.coordinator.server.protocol.JuteReader;
import io.coordinator.server.protocol.JuteWriter;
import io.coordinator.server.protocol.OpCode;
import io.coordinator.server.protocol.ReplyHeader;
import io.coordinator.server.protocol.Requests;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code coordinator-server.jar ensemble members|add|remove <host:port> ...}: reads or changes a running
 * ensemble's membership over the client port, as zkCli's {@code config} and {@code reconfig} do, for scripts that
 * have no ZooKeeper client (the Kubernetes entrypoint grows and shrinks the StatefulSet's ensemble with it).
 *
 * <ul>
 *   <li>{@code members <host:port>}: prints the committed membership as a {@code coordinator.ensemble} value
 *       ({@code 1=host:2888:3888:participant;2181,...}).
 *   <li>{@code add <host:port> <id>=<address>}: {@code reconfig -add server.<id>=<address>}, unless the
 *       membership already names that server with that address.
 *   <li>{@code remove <host:port> <id>}: {@code reconfig -remove <id>}, unless the membership does not name it.
 * </ul>
 *
 * <p>A reconfig needs a super user: the digest credentials {@code super:<password>} are read from the environment
 * variable {@code ENSEMBLE_AUTH} (never the command line, which other users can list). Until
 * {@code --timeout} seconds (default 120) have passed, an unreachable server, a lost connection or a refusal that a
 * moment can mend (another reconfig in progress, no synced quorum for the new config yet) is tried again; a
 * refusal that cannot mend (not a super user, reconfig disabled) ends it at once.
 */
public final class EnsembleCommand {
    static final String COMMAND = "ensemble";
    public static final String AUTH_VARIABLE = "ENSEMBLE_AUTH";
    private static final String CONFIG_NODE = "/zookeeper/config";
    private static final long RETRY_MS = 1000;

    private EnsembleCommand() {}

    public static boolean isCommand(String[] args) {
        return args.length > 0 && COMMAND.equals(args[0]);
    }

    /** Exit status: 0 done, 1 refused or not reachable in time (the message says which), 2 usage. */
    public static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        List<String> a = new ArrayList<>(List.of(args).subList(1, args.length));
        long timeoutMs = 120_000;
        int t = a.indexOf("--timeout");
        if (t >= 0 && t + 1 < a.size()) {
            try {
                timeoutMs = Long.parseLong(a.get(t + 1)) * 1000;
            } catch (NumberFormatException e) {
                return usage(err, "--timeout takes whole seconds, not '" + a.get(t + 1) + "'");
            }
            a.subList(t, t + 2).clear();
        }
        if (a.size() < 2) {
            return usage(err, null);
        }
        String verb = a.get(0);
        InetSocketAddress server;
        try {
            server = address(a.get(1));
        } catch (IllegalArgumentException e) {
            return usage(err, e.getMessage());
        }
        try {
            return switch (verb) {
                case "members" -> a.size() != 2 ? usage(err, null) : members(server, timeoutMs, out);
                case "add" -> a.size() != 3 ? usage(err, null) : add(server, a.get(2), env, timeoutMs, out);
                case "remove" -> a.size() != 3 ? usage(err, null) : remove(server, a.get(2), env, timeoutMs, out);
                default -> usage(err, "unknown verb '" + verb + "'");
            };
        } catch (Refused e) {
            err.println(e.getMessage());
            return 1;
        } catch (IllegalArgumentException e) {
            return usage(err, e.getMessage());
        }
    }

    private static int usage(PrintStream err, String problem) {
        if (problem != null) {
            err.println(problem);
        }
        err.println("Usage: " + COMMAND + " members <host:port> [--timeout <s>]\n"
                + "       " + COMMAND + " add <host:port> <id>=<host:quorum:election[:participant|:observer];"
                + "[host:]client> [--timeout <s>]\n"
                + "       " + COMMAND + " remove <host:port> <id> [--timeout <s>]\n"
                + "add and remove read the super user's digest credentials (super:<password>) from "
                + AUTH_VARIABLE);
        return 2;
    }

    private static int members(InetSocketAddress server, long timeoutMs, PrintStream out) throws Refused {
        String config = retrying(server, timeoutMs, "read the membership", c -> c.config());
        out.println(ensembleValue(config));
        return 0;
    }

    private static int add(
            InetSocketAddress server, String member, Map<String, String> env, long timeoutMs, PrintStream out)
            throws Refused {
        int eq = member.indexOf('=');
        if (eq <= 0) {
            throw new IllegalArgumentException("add takes <id>=<address>, not '" + member + "'");
        }
        int id = serverId(member.substring(0, eq));
        String address = member.substring(eq + 1).trim();
        EnsembleMember.parse(id, address); // refuses a malformed address before anything is sent
        String line = "server." + id + "=" + address;
        String auth = credentials(env);
        String config = retrying(server, timeoutMs, "add server " + id, c -> {
            String current = c.config();
            if (lines(current).contains(line)) {
                return current;
            }
            c.authenticate(auth);
            return c.reconfig(line, null);
        });
        out.println("server " + id + " is a member: " + ensembleValue(config));
        return 0;
    }

    private static int remove(
            InetSocketAddress server, String idText, Map<String, String> env, long timeoutMs, PrintStream out)
            throws Refused {
        int id = serverId(idText);
        String auth = credentials(env);
        String config = retrying(server, timeoutMs, "remove server " + id, c -> {
            String current = c.config();
            if (lines(current).stream().noneMatch(l -> l.startsWith("server." + id + "="))) {
                return current;
            }
            c.authenticate(auth);
            return c.reconfig(null, Integer.toString(id));
        });
        out.println("server " + id + " is not a member: " + ensembleValue(config));
        return 0;
    }

    /** The server.N lines of a config node's text as a coordinator.ensemble value. */
    static String ensembleValue(String config) {
        List<String> members = new ArrayList<>();
        for (String l : lines(config)) {
            if (l.startsWith("server.")) {
                members.add(l.substring("server.".length()));
            }
        }
        return String.join(",", members);
    }

    private static List<String> lines(String config) {
        return config.lines().map(String::trim).filter(l -> !l.isEmpty()).toList();
    }

    private static int serverId(String text) {
        try {
            int id = Integer.parseInt(text.trim());
            if (id >= 1 && id <= 254) {
                return id;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new IllegalArgumentException("a server id is 1..254, not '" + text + "'");
    }

    private static String credentials(Map<String, String> env) {
        String auth = env.get(AUTH_VARIABLE);
        if (auth == null || auth.indexOf(':') <= 0) {
            throw new IllegalArgumentException(
                    "set " + AUTH_VARIABLE + " to the super user's digest credentials, super:<password>");
        }
        return auth;
    }

    private static InetSocketAddress address(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        try {
            if (colon > 0) {
                return InetSocketAddress.createUnresolved(
                        hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
            }
        } catch (IllegalArgumentException e) {
            // below
        }
        throw new IllegalArgumentException("a server is <host>:<client port>, not '" + hostPort + "'");
    }

    interface Step {
        String run(Connection c) throws IOException, Answer;
    }

    /** Runs {@code step} on a new connection until it succeeds, a refusal cannot mend, or time is up. */
    private static String retrying(InetSocketAddress server, long timeoutMs, String what, Step step) throws Refused {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        String at = server.getHostString() + ":" + server.getPort(); // as given (an unresolved address prints oddly)
        String last;
        while (true) {
            try (Connection c = new Connection(server)) {
                return step.run(c);
            } catch (Answer e) {
                if (e.code != Code.NEWCONFIGNOQUORUM && e.code != Code.RECONFIGINPROGRESS) {
                    throw new Refused("could not " + what + " at " + at + ": " + e.getMessage());
                }
                last = e.getMessage();
            } catch (IOException e) {
                last = e.toString();
            }
            if (System.nanoTime() + RETRY_MS * 1_000_000 > deadline) {
                throw new Refused("could not " + what + " at " + at + " within " + timeoutMs / 1000
                        + " s; the last attempt: " + last);
            }
            try {
                Thread.sleep(RETRY_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Refused("interrupted while trying to " + what);
            }
        }
    }

    /** The command failed; the message says why. */
    static final class Refused extends Exception {
        Refused(String message) {
            super(message);
        }
    }

    /** A server's error answer to one request. */
    static final class Answer extends Exception {
        final int code;

        Answer(String request, int code) {
            super(request + " answered " + Code.name(code)
                    + (code == Code.NOAUTH || code == Code.AUTHFAILED
                            ? " (are " + AUTH_VARIABLE + "'s credentials the server's super digest?)"
                            : ""));
            this.code = code;
        }
    }

    /** One session over a blocking socket, one request at a time: all these few requests need. */
    static final class Connection implements AutoCloseable {
        private static final int TIMEOUT_MS = 10_000;
        private final Socket socket = new Socket();
        private final DataInputStream in;
        private final OutputStream out;
        private int xid;

        Connection(InetSocketAddress server) throws IOException {
            try {
                socket.connect(new InetSocketAddress(server.getHostString(), server.getPort()), TIMEOUT_MS);
                socket.setSoTimeout(TIMEOUT_MS);
                in = new DataInputStream(socket.getInputStream());
                out = socket.getOutputStream();
                send(w -> new ConnectRequest(0, 0, TIMEOUT_MS, 0, new byte[16], false, true).write(w));
                JuteReader r = new JuteReader(frame());
                r.readInt(); // protocol version
                if (r.readInt() <= 0) {
                    throw new IOException("the server refused the session");
                }
            } catch (IOException e) {
                socket.close();
                throw e;
            }
        }

        String config() throws IOException, Answer {
            JuteReader r = request("getConfig", OpCode.GET_DATA, new Requests.PathWatch(CONFIG_NODE, false));
            return new String(r.readBuffer(), StandardCharsets.UTF_8);
        }

        String reconfig(String joining, String leaving) throws IOException, Answer {
            JuteReader r = request("reconfig", OpCode.RECONFIG, new Requests.Reconfig(joining, leaving, null, -1));
            return new String(r.readBuffer(), StandardCharsets.UTF_8);
        }

        /** addAuth digest: the server answers a bad one with AUTHFAILED and closes the connection. */
        void authenticate(String credentials) throws IOException, Answer {
            byte[] auth = credentials.getBytes(StandardCharsets.UTF_8);
            send(w -> {
                w.writeInt(ReplyHeader.AUTH_XID).writeInt(OpCode.AUTH);
                Requests.encode(OpCode.AUTH, new Requests.Auth(0, "digest", auth), w);
            });
            reply("addAuth", ReplyHeader.AUTH_XID);
        }

        private JuteReader request(String name, int type, Requests.Body body) throws IOException, Answer {
            int id = ++xid;
            send(w -> {
                w.writeInt(id).writeInt(type);
                Requests.encode(type, body, w);
            });
            return reply(name, id);
        }

        private JuteReader reply(String name, int expectedXid) throws IOException, Answer {
            while (true) {
                JuteReader r = new JuteReader(frame());
                ReplyHeader h = ReplyHeader.read(r);
                if (h.xid() == ReplyHeader.NOTIFICATION_XID) {
                    continue; // no watches are set; a stray event is not this reply
                }
                if (h.xid() != expectedXid) {
                    throw new IOException(name + ": reply for xid " + h.xid() + ", expected " + expectedXid);
                }
                if (h.err() != Code.OK) {
                    throw new Answer(name, h.err());
                }
                return r;
            }
        }

        private interface Body {
            void write(JuteWriter w);
        }

        private void send(Body body) throws IOException {
            JuteWriter w = new JuteWriter();
            w.writeInt(0);
            body.write(w);
            w.setInt(0, w.size() - 4);
            out.write(w.array(), 0, w.size());
            out.flush();
        }

        private byte[] frame() throws IOException {
            int len = in.readInt();
            if (len < 0 || len > 1 << 20) {
                throw new IOException("a reply frame of " + len + " bytes");
            }
            byte[] b = new byte[len];
            in.readFully(b);
            return b;
        }

        /** Ends the session at once (a dropped socket would leave it to expire). */
        @Override
        public void close() throws IOException {
            try {
                int id = ++xid;
                send(w -> w.writeInt(id).writeInt(OpCode.CLOSE_SESSION));
            } catch (IOException e) {
                // the connection is gone already: so is the session, or it expires
            } finally {
                socket.close();
            }
        }
    }
}
