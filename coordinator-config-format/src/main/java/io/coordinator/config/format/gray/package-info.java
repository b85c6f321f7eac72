/**
 * Gray (canary) releases of a configuration context: what is stored at {@code /coordinator/gray/<context>}, which
 * instances it selects, and the values a selected instance runs. Shared by the server (which writes and shows a
 * release) and the starter (which applies it), so both agree on the format and on who is selected.
 */
package io.coordinator.config.format.gray;
