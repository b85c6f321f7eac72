package io.coordinator.server.it;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.jute.BinaryInputArchive;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.ClientInfo;
import org.apache.zookeeper.data.Stat;
import org.apache.zookeeper.proto.ConnectResponse;
import org.apache.zookeeper.proto.MultiHeader;
import org.apache.zookeeper.proto.ReplyHeader;
import org.apache.zookeeper.proto.WatcherEvent;

/**
 * Renders wire exchanges as canonical text. Zxids become Z1, Z2... in order of first appearance, session ids
 * S1, S2..., non-zero times T, passwords are shown by length only. Reply-header zxids are shown only for
 * successful writes (failed writes consume a zxid as an error txn in ZooKeeper, which clients never rely on).
 */
final class Transcript {
    private final Map<Long, Integer> zxids = new HashMap<>();
    private final Map<Long, Integer> sessions = new HashMap<>();
    final List<String> lines = new ArrayList<>();
    int steps;

    String z(long zxid) {
        if (zxid == 0 || zxid == -1) {
            return Long.toString(zxid);
        }
        return "Z" + zxids.computeIfAbsent(zxid, k -> zxids.size() + 1);
    }

    String s(long sid) {
        if (sid == 0) {
            return "0";
        }
        return "S" + sessions.computeIfAbsent(sid, k -> sessions.size() + 1);
    }

    static String t(long time) {
        return time == 0 ? "0" : "T";
    }

    String stat(Stat st) {
        return "stat{cz=" + z(st.getCzxid()) + " mz=" + z(st.getMzxid()) + " ct=" + t(st.getCtime())
                + " mt=" + t(st.getMtime()) + " v=" + st.getVersion() + " cv=" + st.getCversion()
                + " av=" + st.getAversion() + " eo=" + s(st.getEphemeralOwner()) + " dl=" + st.getDataLength()
                + " nc=" + st.getNumChildren() + " pz=" + z(st.getPzxid()) + "}";
    }

    static String data(byte[] d) {
        if (d == null) {
            return "null";
        }
        return "'" + new String(d, StandardCharsets.UTF_8).replace("\n", "\\n") + "'";
    }

    static String acls(List<ACL> acl) {
        if (acl == null) {
            return "null";
        }
        List<String> out = new ArrayList<>();
        for (ACL a : acl) {
            out.add(a.getPerms() + ":" + a.getId().getScheme() + ":" + a.getId().getId());
        }
        return out.toString();
    }

    static List<String> sorted(List<String> l) {
        if (l == null) {
            return null;
        }
        List<String> c = new ArrayList<>(l);
        c.sort(null);
        return c;
    }

    void add(String line) {
        lines.add(line);
    }

    String connect(ConnectResponse r, byte[] frame) {
        if (r == null) {
            return "CLOSED-WITHOUT-REPLY";
        }
        return "connect len=" + frame.length + " pv=" + r.getProtocolVersion() + " to=" + r.getTimeOut()
                + " sid=" + s(r.getSessionId()) + " pw=" + r.getPasswd().length + "B"
                + (r.getTimeOut() <= 0 ? " pwbytes=" + java.util.Arrays.toString(r.getPasswd()) : "")
                + (frame.length > 36 ? " ro=" + r.getReadOnly() : "");
    }

    String event(byte[] f) throws IOException {
        BinaryInputArchive ia = archive(f, 0);
        ReplyHeader h = new ReplyHeader();
        h.deserialize(ia, "");
        if (h.getXid() != -1) {
            return "UNEXPECTED-FRAME xid=" + h.getXid() + " err=" + h.getErr() + " len=" + f.length;
        }
        WatcherEvent e = new WatcherEvent();
        e.deserialize(ia, "");
        return "EVENT type=" + e.getType() + " state=" + e.getState() + " path=" + e.getPath() + " zxid="
                + z(h.getZxid()) + " err=" + h.getErr() + " len=" + f.length;
    }

    static BinaryInputArchive archive(byte[] f, int off) {
        return BinaryInputArchive.getArchive(new ByteArrayInputStream(f, off, f.length - off));
    }

    static boolean isWrite(int op) {
        switch (op) {
            case 1, 2, 5, 7, 14, 15, 16, 19, 20, 21, -11:
                return true;
            default:
                return false;
        }
    }

    /** Renders the reply to a request of type op (and the notifications before it). */
    void reply(String label, int op, RawClient.Exchange ex) throws IOException {
        steps++;
        for (byte[] ev : ex.before()) {
            add("  " + event(ev));
        }
        byte[] f = ex.reply();
        if (f == null) {
            add(label + " => CLOSED");
            return;
        }
        BinaryInputArchive ia = archive(f, 0);
        ReplyHeader h = new ReplyHeader();
        h.deserialize(ia, "");
        StringBuilder sb = new StringBuilder(label)
                .append(" => xid=")
                .append(h.getXid())
                .append(" err=")
                .append(h.getErr())
                .append(" len=")
                .append(f.length);
        if (h.getZxid() == 0 || h.getZxid() == -1) {
            sb.append(" hzxid=").append(h.getZxid());
        }
        if (h.getErr() != 0) {
            add(sb.toString());
            return;
        }
        String body = body(op, ia, f.length - 16);
        boolean writeOk = isWrite(op) && !(op == 14 && body.contains("type=-1"));
        if (writeOk) {
            sb.append(" zxid=").append(z(h.getZxid()));
        }
        if (!body.isEmpty()) {
            sb.append(' ').append(body);
        }
        add(sb.toString());
    }

    private String body(int op, BinaryInputArchive ia, int bodyLen) throws IOException {
        if (bodyLen == 0) {
            return "";
        }
        switch (op) {
            case 1: {
                return "path=" + ia.readString("path");
            }
            case 15, 19, 21: {
                String p = ia.readString("path");
                Stat st = new Stat();
                st.deserialize(ia, "");
                return "path=" + p + " " + stat(st);
            }
            case 3, 5, 7: {
                Stat st = new Stat();
                st.deserialize(ia, "");
                return stat(st);
            }
            case 4, 16: {
                byte[] d = ia.readBuffer("data");
                Stat st = new Stat();
                st.deserialize(ia, "");
                return "data=" + data(d) + " " + stat(st);
            }
            case 6: {
                List<ACL> acl = readAcls(ia);
                Stat st = new Stat();
                st.deserialize(ia, "");
                return "acl=" + acls(acl) + " " + stat(st);
            }
            case 8: {
                return "children=" + sorted(readStrings(ia));
            }
            case 12: {
                List<String> c = sorted(readStrings(ia));
                Stat st = new Stat();
                st.deserialize(ia, "");
                return "children=" + c + " " + stat(st);
            }
            case 9: {
                return "path=" + ia.readString("path");
            }
            case 103: {
                return "ephemerals=" + sorted(readStrings(ia));
            }
            case 104, 106: {
                return "int=" + ia.readInt("i");
            }
            case 107: {
                int n = ia.readInt("n");
                List<String> out = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    ClientInfo ci = new ClientInfo();
                    ci.deserialize(ia, "");
                    out.add(ci.getAuthScheme() + ":" + ci.getUser());
                }
                out.sort(null);
                return "whoami=" + out;
            }
            case 14, 22: {
                return multi(ia);
            }
            default:
                return "body=" + bodyLen + "B";
        }
    }

    private String multi(BinaryInputArchive ia) throws IOException {
        List<String> out = new ArrayList<>();
        while (true) {
            MultiHeader mh = new MultiHeader();
            mh.deserialize(ia, "");
            if (mh.getDone()) {
                out.add("done(type=" + mh.getType() + ",err=" + mh.getErr() + ")");
                break;
            }
            String r = "type=" + mh.getType() + ",err=" + mh.getErr();
            switch (mh.getType()) {
                case 1 -> r += ",path=" + ia.readString("path");
                case 15, 19, 21 -> {
                    r += ",path=" + ia.readString("path");
                    Stat st = new Stat();
                    st.deserialize(ia, "");
                    r += "," + stat(st);
                }
                case 5 -> {
                    Stat st = new Stat();
                    st.deserialize(ia, "");
                    r += "," + stat(st);
                }
                case 8 -> r += ",children=" + sorted(readStrings(ia));
                case 4 -> {
                    byte[] d = ia.readBuffer("data");
                    Stat st = new Stat();
                    st.deserialize(ia, "");
                    r += ",data=" + data(d) + "," + stat(st);
                }
                case -1 -> r += ",errbody=" + ia.readInt("err");
                default -> {
                    // delete 2, check 13: no body
                }
            }
            out.add(r);
        }
        return "multi" + out;
    }

    static List<String> readStrings(BinaryInputArchive ia) throws IOException {
        return readList(ia, in -> in.readString("s"));
    }

    static List<ACL> readAcls(BinaryInputArchive ia) throws IOException {
        return readList(ia, in -> {
            ACL a = new ACL();
            a.deserialize(in, "");
            return a;
        });
    }

    /** Reads one element of a jute vector. */
    interface ElementReader<T> {
        T read(BinaryInputArchive ia) throws IOException;
    }

    /** A jute vector: its length, then each element; a negative length is null. */
    static <T> List<T> readList(BinaryInputArchive ia, ElementReader<T> element) throws IOException {
        int n = ia.readInt("n");
        if (n < 0) {
            return null;
        }
        List<T> l = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            l.add(element.read(ia));
        }
        return l;
    }
}
