package io.coordinator.server.protocol;

import java.util.ArrayList;
import java.util.List;

/** One ACL entry: permission bits for an identity. */
public record Acl(int perms, Id id) implements JuteRecord {
    public static final List<Acl> OPEN_ACL_UNSAFE = List.of(new Acl(Perms.ALL, Id.ANYONE));
    public static final List<Acl> READ_ACL_UNSAFE = List.of(new Acl(Perms.READ, Id.ANYONE));

    public static Acl read(JuteReader in) {
        return new Acl(in.readInt(), Id.read(in));
    }

    @Override
    public void write(JuteWriter out) {
        out.writeInt(perms);
        id.write(out);
    }

    /** A vector of ACLs; null for -1. */
    public static List<Acl> readList(JuteReader in) {
        int n = in.readVectorSize();
        if (n < 0) {
            return null;
        }
        List<Acl> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            list.add(read(in));
        }
        return list;
    }

    public static void writeList(JuteWriter out, List<Acl> list) {
        if (list == null) {
            out.writeInt(-1);
            return;
        }
        out.writeInt(list.size());
        for (Acl a : list) {
            a.write(out);
        }
    }
}
