package io.coordinator.server.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Output formats of the four-letter words (tools parse them). */
class FourLetterWordsTest {
    private final FakeServerView view = new FakeServerView();
    private final ServerStats stats = new ServerStats();
    private final ConnectionRegistry registry = new ConnectionRegistry();
    private final FourLetterWords words =
            new FourLetterWords(ClientPortConfig.of("127.0.0.1", 0), view, stats, registry);

    @Test
    void knownWordsAreRecognisedByTheirFirstFourBytes() {
        assertThat(FourLetterWords.knownWord(FourLetterWords.code("ruok"))).isEqualTo("ruok");
        assertThat(FourLetterWords.knownWord(FourLetterWords.code("mntr"))).isEqualTo("mntr");
        assertThat(FourLetterWords.knownWord(FourLetterWords.code("abcd"))).isNull();
        assertThat(FourLetterWords.knownWord(45)).isNull();
    }

    @Test
    void srvrHasZooKeepersLines() {
        stats.recordLatency(1);
        stats.recordLatency(2);
        stats.packetReceived();
        stats.packetSent(16);
        assertThat(words.execute("srvr")).isEqualTo("""
                Zookeeper version: 3.9.5-coordinator, built on 2026-11-22 00:00 UTC
                Latency min/avg/max: 1/1.5/2
                Received: 1
                Sent: 1
                Connections: 0
                Outstanding: 0
                Zxid: 0x100000005
                Mode: standalone
                Node count: 5
                """);
    }

    @Test
    void statListsClientsAfterTheVersionLine() {
        EmbeddedChannel ch = new EmbeddedChannel();
        NettyClientConnection conn = new NettyClientConnection(ch, stats);
        registry.admit(conn, "embedded", 0);
        view.readOnly = true;
        view.mode = "read-only";
        String out = words.execute("stat");
        assertThat(out).startsWith("""
                Zookeeper version: 3.9.5-coordinator, built on 2026-11-22 00:00 UTC
                READ-ONLY mode; serving only read-only clients
                Clients:
                 embedded[1](queued=0,recved=0,sent=0)

                Latency min/avg/max: 0/0.0/0
                """);
        assertThat(out).contains("\nConnections: 1\n").contains("\nMode: read-only\n");
        assertThat(words.execute("isro")).isEqualTo("ro");
    }

    @Test
    void consEndsWithABlankLine() {
        NettyClientConnection conn = new NettyClientConnection(new EmbeddedChannel(), stats);
        conn.sessionEstablished(0x1f, 4000);
        registry.admit(conn, "embedded", 0);
        String out = words.execute("cons");
        assertThat(out)
                .startsWith(" embedded[1](queued=0,recved=0,sent=0,sid=0x1f,lop=NA,est=")
                .contains(",to=4000,lzxid=0xffffffffffffffff,lresp=0,llat=0,minlat=0,avglat=0,maxlat=0)\n")
                .endsWith(")\n\n");
    }

    @Test
    void mntrPrintsTabSeparatedZkKeys() {
        String out = words.execute("mntr");
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : out.split("\n")) {
            String[] kv = line.split("\t");
            assertThat(kv).hasSize(2);
            values.put(kv[0], kv[1]);
        }
        assertThat(values).containsKeys(MntrKeys.STANDARD.toArray(String[]::new));
        assertThat(values.get("zk_version")).isEqualTo(ServerVersion.FULL);
        assertThat(values.get("zk_server_state")).isEqualTo("standalone");
        assertThat(values.get("zk_avg_latency")).isEqualTo("0.0");
        assertThat(values.get("zk_znode_count")).isEqualTo("5");
        assertThat(values.get("zk_approximate_data_size")).isEqualTo("42");
        assertThat(Long.parseLong(values.get("zk_open_file_descriptor_count"))).isPositive();
    }

    @Test
    void enviFollowsZooKeepersEnvironmentList() {
        String[] lines = words.execute("envi").split("\n");
        assertThat(lines[0]).isEqualTo("Environment:");
        assertThat(lines[1]).isEqualTo("zookeeper.version=" + ServerVersion.FULL);
        assertThat(lines[1]).matches("zookeeper\\.version=3\\.9\\.5-.*"); // what Kazoo's server_version() parses
        assertThat(Arrays.stream(lines)
                        .skip(1)
                        .map(l -> l.substring(0, l.indexOf('=')))
                        .toList())
                .containsExactly(
                        // ZooKeeper's Environment.list(), in its order
                        ("zookeeper.version host.name java.version java.vendor java.home java.class.path"
                                        + " java.library.path java.io.tmpdir java.compiler os.name os.arch os.version"
                                        + " user.name user.home user.dir os.memory.free os.memory.max os.memory.total")
                                .split(" "));
        assertThat(lines[lines.length - 1]).matches("os\\.memory\\.total=\\d+MB");
    }

    @Test
    void watchWords() {
        view.watchesBySession.put(0x10L, List.of("/a", "/b"));
        view.watchesBySession.put(0x11L, List.of("/a"));
        view.watchesByPath.put("/a", List.of(0x10L, 0x11L));
        view.watchesByPath.put("/b", List.of(0x10L));
        assertThat(words.execute("wchs")).isEqualTo("2 connections watching 2 paths\nTotal watches:3\n");
        assertThat(words.execute("wchc")).isEqualTo("0x10\n\t/a\n\t/b\n0x11\n\t/a\n\n");
        assertThat(words.execute("wchp")).isEqualTo("/a\n\t0x10\n\t0x11\n/b\n\t0x10\n\n");
    }

    @Test
    void dumpListsEphemeralsPerSession() {
        view.ephemerals.put(0xabL, List.of("/e1", "/e2"));
        assertThat(words.execute("dump")).isEqualTo("""
                SessionTracker dump:
                Session Sets (0)/(2):
                ephemeral nodes dump:
                Sessions with Ephemerals (1):
                0xab:
                \t/e1
                \t/e2
                Connections dump:
                """);
    }

    @Test
    void confPrintsKeyValueLines() {
        view.configuration = new LinkedHashMap<>();
        view.configuration.put("clientPort", "2181");
        view.configuration.put("dataDir", "/data");
        view.configuration.put("tickTime", "2000");
        assertThat(words.execute("conf")).isEqualTo("clientPort=2181\ndataDir=/data\ntickTime=2000\n");
    }

    @Test
    void statResetWordsNeedTheWhitelistAndThenReset() {
        assertThat(words.execute("srst")).isEqualTo("srst is not executed because it is not in the whitelist.\n");
        stats.packetReceived();
        stats.recordLatency(5);
        FourLetterWords all = new FourLetterWords(
                ClientPortConfig.of("127.0.0.1", 0).withFourLetterWords(java.util.Set.of("*")), view, stats, registry);
        assertThat(all.execute("srst")).isEqualTo("Server stats reset.\n");
        assertThat(stats.packetsReceived()).isZero();
        assertThat(stats.maxLatency()).isZero();
        assertThat(all.execute("crst")).isEqualTo("Connection stats reset.\n");
    }
}
