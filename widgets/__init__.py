"""Qt views of the console. Each view gets snapshots, never a client; no view does I/O."""
