"""A pytest plugin for Kazoo's own test suite: start the harness's cluster once, before the first test, and wait
until every member serves (a sync through the leader answers on each), bounded by KAZOO_READY_TIMEOUT seconds.

Kazoo's harness starts the cluster in the first test's setUp, sleeps 2 s and gives the client 15 s, a wait sized
for Apache ZooKeeper's start on an idle machine; a busy CI machine would fail whichever test happens to run first.
The tests' own windows (a member restarted within a test) are left as Kazoo wrote them.
"""
import os
import time

from kazoo.client import KazooClient
from kazoo.testing.harness import get_global_cluster


def pytest_sessionstart(session):
    cluster = get_global_cluster()
    cluster.start()
    deadline = time.time() + float(os.environ.get("KAZOO_READY_TIMEOUT", "180"))
    for server in cluster:
        started = time.time()
        while True:
            client = KazooClient(hosts=server.address)
            try:
                client.start(timeout=5)
                client.sync("/")
                break
            except Exception as e:
                if server.process.poll() is not None:
                    raise RuntimeError("%s exited with %s before it served" % (server.address, server.process.returncode))
                if time.time() > deadline:
                    raise RuntimeError("%s does not serve after %.0f s: %s" % (server.address, time.time() - started, e))
            finally:
                client.stop()
                client.close()
        print("kazoo_ready: %s serves after %.1f s" % (server.address, time.time() - started))
