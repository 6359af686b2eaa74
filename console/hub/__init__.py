"""The hub API contract and the simulated Tétouan hub that serves it."""
