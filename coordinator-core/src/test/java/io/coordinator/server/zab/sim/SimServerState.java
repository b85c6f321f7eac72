package io.coordinator.server.zab.sim;

import io.coordinator.server.tree.DataTree;
import io.coordinator.server.zab.Ready;
import io.coordinator.server.zab.ZabStateMachine;

/**
 * What a server of {@link Sim} and of {@link ScriptedCluster} has in common: its disk, and the state machine its
 * ZabNode drives (a tree and the last zxid applied to it).
 */
abstract class SimServerState implements ZabStateMachine {
    final int id;
    final SimDisk disk;
    boolean up;
    int incarnation;
    DataTree tree;
    long applied;
    Ready current; // the Ready being carried out

    SimServerState(int id, SimDisk disk) {
        this.id = id;
        this.disk = disk;
    }

    @Override
    public long appliedZxid() {
        return applied;
    }

    @Override
    public byte[] snapshot() {
        return Sim.serialize(tree);
    }
}
