"""A pytest plugin for Kazoo's own test suite: start the harness's cluster once, before the first test, and before
every test wait until each member the harness has started serves ("srvr" names its mode: leader, follower,
observer or standalone), bounded by KAZOO_READY_TIMEOUT seconds.

Kazoo's harness starts the cluster in the first test's setUp, sleeps 2 s and gives the client 15 s, and a test that
restarts a member (test_read_only, test_update_host_list, the request-queuing tests) leaves the next test to
connect while that member starts: waits sized for Apache ZooKeeper's one-second start on an idle machine. On a busy
machine, or with a server that starts slower, one slow start would fail whichever tests follow it. The tests' own
windows (a member restarted within a test) are left as Kazoo wrote them.
"""
import os
import socket
import time

from kazoo.testing.harness import get_global_cluster

SERVING_MODES = (b"Mode: leader", b"Mode: follower", b"Mode: observer", b"Mode: standalone")


def _mode(server):
    try:
        with socket.create_connection(("127.0.0.1", server.client_port), timeout=2) as s:
            s.sendall(b"srvr")
            answer = b""
            while True:
                chunk = s.recv(4096)
                if not chunk:
                    return answer
                answer += chunk
    except OSError as e:
        return str(e).encode()


def _await_serving(cluster):
    deadline = time.time() + float(os.environ.get("KAZOO_READY_TIMEOUT", "180"))
    for server in cluster:
        if not server.running:
            continue
        started = time.time()
        while True:
            answer = _mode(server)
            if any(m in answer for m in SERVING_MODES):
                break
            if server.process.poll() is not None:
                raise RuntimeError("%s exited with %s before it served" % (server.address, server.process.returncode))
            if time.time() > deadline:
                raise RuntimeError("%s does not serve after %.0f s: %r" % (server.address, time.time() - started,
                                                                          answer[:200]))
            time.sleep(0.05)
        waited = time.time() - started
        if waited > 1:
            print("kazoo_ready: waited %.1f s for %s to serve" % (waited, server.address))


def pytest_sessionstart(session):
    cluster = get_global_cluster()
    cluster.start()
    _await_serving(cluster)


def pytest_runtest_setup(item):
    _await_serving(get_global_cluster())
